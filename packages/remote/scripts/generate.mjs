#!/usr/bin/env node
// @ts-check
// Generates src/generated/*.ts from libvirt's `.x` files (../shared/libvirt-protocol, or
// LIBVIRT_PROTOCOL_DIR). `--check` compares instead of writing and exits 1 when stale.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emitModules } from './xdr/emit.mjs';
import { parseX } from './xdr/parse.mjs';

const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(pkgDir, 'src/generated');

/** Where the `.x` files are: the package's own copy first (a packed tarball), else the shared one. */
export function protocolDir() {
  if (process.env.LIBVIRT_PROTOCOL_DIR) return process.env.LIBVIRT_PROTOCOL_DIR;
  for (const d of [join(pkgDir, 'protocol'), resolve(pkgDir, '../../../shared/libvirt-protocol'), '/work/shared/libvirt-protocol']) {
    if (existsSync(join(d, 'remote_protocol.x'))) return d;
  }
  throw new Error('libvirt-protocol .x files not found: set LIBVIRT_PROTOCOL_DIR');
}

/** libvirt.h's values for the names the `.x` files take from C. */
export const LIBVIRT_H = {
  VIR_UUID_BUFLEN: 16,
  VIR_SECURITY_MODEL_BUFLEN: 257,
  VIR_SECURITY_LABEL_BUFLEN: 4097,
  VIR_SECURITY_DOI_BUFLEN: 257,
  VIR_TYPED_PARAM_INT: 1,
  VIR_TYPED_PARAM_UINT: 2,
  VIR_TYPED_PARAM_LLONG: 3,
  VIR_TYPED_PARAM_ULLONG: 4,
  VIR_TYPED_PARAM_DOUBLE: 5,
  VIR_TYPED_PARAM_BOOLEAN: 6,
  VIR_TYPED_PARAM_STRING: 7,
};

/** @param {string} prefix @param {string} procEnum @param {string} procPrefix @param {string} upper */
const program = (prefix, procEnum, procPrefix, upper) => ({
  prefix,
  procEnum,
  procPrefix,
  programConst: `${upper}_PROGRAM`,
  versionConst: `${upper}_PROTOCOL_VERSION`,
});

export const MODULES = [
  { file: 'virnetprotocol.x', module: 'virnet-protocol', program: null },
  { file: 'remote_protocol.x', module: 'remote-protocol', program: program('remote', 'remote_procedure', 'REMOTE_PROC_', 'REMOTE') },
  { file: 'qemu_protocol.x', module: 'qemu-protocol', program: program('qemu', 'qemu_procedure', 'QEMU_PROC_', 'QEMU') },
  { file: 'lxc_protocol.x', module: 'lxc-protocol', program: program('lxc', 'lxc_procedure', 'LXC_PROC_', 'LXC') },
  { file: 'virkeepaliveprotocol.x', module: 'keepalive-protocol', program: program('keepalive', 'keepalive_procedure', 'KEEPALIVE_PROC_', 'KEEPALIVE') },
  { file: 'admin_protocol.x', module: 'admin-protocol', program: program('admin', 'admin_procedure', 'ADMIN_PROC_', 'ADMIN') },
];

/** @returns {Map<string, string>} module base name → source */
export function generate(dir = protocolDir()) {
  const modules = MODULES.map((m) => ({ ...m, defs: parseX(readFileSync(join(dir, m.file), 'utf8')) }));
  return emitModules(modules, LIBVIRT_H);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  mkdirSync(outDir, { recursive: true });
  let stale = 0;
  for (const [name, text] of generate()) {
    const file = join(outDir, `${name}.ts`);
    const old = existsSync(file) ? readFileSync(file, 'utf8') : null;
    if (old === text) continue;
    if (check) {
      console.error(`stale: ${file}`);
      stale++;
    } else writeFileSync(file, text);
  }
  process.exit(stale ? 1 : 0);
}
