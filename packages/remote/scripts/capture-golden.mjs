#!/usr/bin/env node
// @ts-check
// Records the frames of real `virsh` ↔ libvirtd traffic for the golden-bytes test: a unix-socket
// proxy between virsh and a libvirtd socket writes each frame, in order and with its direction,
// to test/fixtures/golden/NAME.json. Usage: capture-golden.mjs SOCKET NAME VIRSH-ARGS...
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [socket, name, ...args] = process.argv.slice(2);
if (!socket || !name) throw new Error('usage: capture-golden.mjs SOCKET NAME VIRSH-ARGS...');
const dir = mkdtempSync(join(tmpdir(), 'tsvirt-capture-'));
const proxyPath = join(dir, 'sock');
/** @type {{ dir: 'c2s' | 's2c', hex: string }[]} */
const frames = [];

/** Cuts a byte stream into frames by their length words. @param {'c2s' | 's2c'} dir */
function recorder(dir) {
  let buf = Buffer.alloc(0);
  return (/** @type {Buffer} */ data) => {
    buf = Buffer.concat([buf, data]);
    while (buf.length >= 4 && buf.length >= buf.readUInt32BE(0)) {
      const len = buf.readUInt32BE(0);
      frames.push({ dir, hex: buf.subarray(0, len).toString('hex') });
      buf = buf.subarray(len);
    }
  };
}

const server = net.createServer((client) => {
  const upstream = net.connect(socket);
  const c2s = recorder('c2s');
  const s2c = recorder('s2c');
  client.on('data', (d) => { c2s(d); upstream.write(d); });
  upstream.on('data', (d) => { s2c(d); client.write(d); });
  client.on('close', () => upstream.end());
  upstream.on('close', () => client.end());
});
await new Promise((r) => server.listen(proxyPath, () => r(undefined)));
// CAPTURE_URI names another daemon URI, with {socket} for the proxy's socket
const uri = (process.env.CAPTURE_URI ?? 'test+unix:///default?socket={socket}').replace('{socket}', proxyPath);
const result = await new Promise((resolve) => {
  const p = spawn('virsh', ['-c', uri, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  p.stdout.on('data', (d) => (stdout += d));
  p.on('exit', (code) => resolve({ code, stdout }));
});
server.close();
rmSync(dir, { recursive: true, force: true });
const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'test/fixtures/golden', `${name}.json`);
writeFileSync(file, JSON.stringify({ virsh: args, ...(/** @type {object} */ (result)), frames }, null, 1) + '\n');
console.log(`${frames.length} frames → ${file}`);
