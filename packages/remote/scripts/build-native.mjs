#!/usr/bin/env node
// Builds native/fdpass.c into dist/native/fdpass.node: the Node-API addon that passes file
// descriptors over unix sockets (SCM_RIGHTS), which Node 20's core cannot. Built with the C
// compiler and the headers of the Node that runs this, offline and without node-gyp. Optional:
// without a compiler or headers it says why and leaves the addon out (the calls that pass
// descriptors then fail with NO_SUPPORT); a failed compilation is an error.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(pkg, 'native', 'fdpass.c');
const out = join(pkg, 'dist', 'native', 'fdpass.node');
const cc = process.env.CC ?? 'cc';
const headers = [join(dirname(process.execPath), '..', 'include', 'node'), '/usr/include/node'].find((d) => existsSync(join(d, 'node_api.h')));

const probe = spawnSync(cc, ['--version'], { stdio: 'ignore' });
if (probe.error || probe.status !== 0 || !headers) {
  console.log(`build-native: fdpass addon not built: ${headers ? `no C compiler (${cc})` : "no Node headers (node_api.h)"}; descriptor passing will be unavailable`);
  process.exit(0);
}
mkdirSync(dirname(out), { recursive: true });
const tmp = `${out}.${process.pid}`;
const r = spawnSync(cc, ['-shared', '-fPIC', '-O2', '-Wall', '-Wextra', '-Werror', `-I${headers}`, '-o', tmp, source], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
renameSync(tmp, out);
