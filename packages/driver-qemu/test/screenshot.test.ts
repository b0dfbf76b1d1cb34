import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { connect } from '@tsvirt/api';
import { domainXml, useTestRoot } from './helpers.js';
import { tsvirsh } from './tsvirsh.js';

const t = useTestRoot();

/** The size a PNG says it has (its IHDR). */
function pngSize(data: Buffer): string {
  expect(data.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return `${data.readUInt32BE(16)}x${data.readUInt32BE(20)}`;
}

/** tsvirsh run in a directory of its own (for the file name virsh makes up). */
function tsvirshIn(cwd: string, ...args: string[]): Promise<{ stdout: string; code: number }> {
  const cli = new URL('../../../tools/virsh/dist/bundle/cli.js', import.meta.url).pathname;
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, '-c', t.root.uri, ...args], { cwd, encoding: 'utf8' }, (err, stdout) => resolve({ stdout, code: err ? 1 : 0 }));
  });
}

describe('screenshot (virDomainScreenshot) with real QEMU', () => {
  it('streams a PNG of each screen, names the file as virsh does, and leaves nothing behind', async () => {
    const dom = await t.conn.createXML(domainXml('shot', `<video><model type='vga'/></video><video><model type='virtio'/></video>`));
    const first = await dom.screenshot(0);
    expect(first.mimeType).toBe('image/png');
    const chunks: Buffer[] = [];
    for await (const c of first.stream) chunks.push(c as Buffer);
    expect(pngSize(Buffer.concat(chunks))).toMatch(/^\d+x\d+$/);
    const second = await dom.screenshot(1);
    await text(second.stream);
    await expect(dom.screenshot(2)).rejects.toMatchObject({ code: 55, message: 'Requested operation is not valid: no such screen ID' });
    await expect(dom.screenshot(0, 1)).rejects.toMatchObject({ code: 8, message: 'unsupported flags (0x1) in function qemuDomainScreenshot' });
    const runDir = readdirSync(join(t.root.dir, 'run', 'qemu')).find((d) => d.startsWith('domain-') && d.endsWith('-shot'))!;
    expect(readdirSync(join(t.root.dir, 'run', 'qemu', runDir)).filter((f) => f.startsWith('screendump'))).toEqual([]);

    const cwd = mkdtempSync(join(tmpdir(), 'tsvirt-shot-'));
    try {
      const r = await tsvirshIn(cwd, 'screenshot', 'shot');
      const [made] = readdirSync(cwd);
      expect(made).toMatch(/^shot-\d{4}-\d\d-\d\d-\d\d:\d\d:\d\d\.png$/);
      expect(r).toEqual({ code: 0, stdout: `Screenshot saved to ${made}, with type of image/png\n` });
      expect(pngSize(readFileSync(join(cwd, made!)))).toMatch(/^\d+x\d+$/);
      expect(await tsvirshIn(cwd, '-q', 'screenshot', 'shot', '--file', 'q.png')).toEqual({ code: 0, stdout: '' });
      // virsh 9.0 also takes the file, then the screen, as bare words
      expect(await tsvirshIn(cwd, 'screenshot', 'shot', 'pos.png')).toEqual({ code: 0, stdout: 'Screenshot saved to pos.png, with type of image/png\n' });
      expect(await tsvirshIn(cwd, 'screenshot', 'shot', 'pos1.png', '1')).toEqual({ code: 0, stdout: 'Screenshot saved to pos1.png, with type of image/png\n' });
      expect(pngSize(readFileSync(join(cwd, 'pos.png')))).toMatch(/^\d+x\d+$/);
      expect(pngSize(readFileSync(join(cwd, 'pos1.png')))).toMatch(/^\d+x\d+$/);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('refuses a domain without a screen, a stopped one, and read-only callers', async () => {
    await t.conn.createXML(domainXml('blind'));
    expect(await tsvirsh(t.root.uri, 'screenshot', 'blind')).toMatchObject({
      code: 1, stderr: "error: could not take a screenshot of blind\nerror: Requested operation is not valid: no screens to take screenshot from\n",
    });
    const off = await t.conn.defineXML(domainXml('dark', `<video><model type='vga'/></video>`));
    await expect(off.screenshot()).rejects.toMatchObject({ code: 55, message: 'Requested operation is not valid: domain is not running' });
    const ro = await connect(t.root.uri, { readonly: true });
    await expect((await ro.lookupByName('blind')).screenshot()).rejects.toMatchObject({
      code: 29, message: 'operation forbidden: read only access prevents virDomainScreenshot',
    });
    await ro.close();
  });
});
