import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domainXml, majMin, sharedDisk, TestRoot } from './helpers.js';
import { tsvirsh } from './tsvirsh.js';

let root: TestRoot;
let loop: string;
const run = (...args: string[]) => tsvirsh(root.uri, ...args);

beforeAll(() => {
  root = new TestRoot();
  loop = root.loop();
});
afterAll(async () => {
  await root.cleanup();
});

describe('tsvirsh against qemu:///embed with real QEMU', () => {
  it('defines, starts, lists, reports and destroys a domain', async () => {
    const file = join(root.dir, 'v1.xml');
    writeFileSync(file, domainXml('v1', sharedDisk(loop, 'sda')));
    expect(await run('define', file)).toMatchObject({ code: 0, stdout: `Domain 'v1' defined from ${file}\n\n` });
    expect(await run('start', 'v1')).toMatchObject({ code: 0, stdout: "Domain 'v1' started\n\n" });
    const list = await run('list');
    expect(list.stdout).toMatch(/^ Id +Name +State\n-+\n \d+ +v1 +running\n\n$/);
    expect((await run('domstate', '--reason', 'v1')).stdout).toBe('running (booted)\n\n');
    const info = await run('dominfo', 'v1');
    expect(info.stdout).toContain('State:          running\n');
    expect(info.stdout).toContain('Max memory:     65536 KiB\n');
  });

  it('passes monitor commands through: QMP raw, wrapped, --pretty, --return-value, --hmp', async () => {
    const raw = await run('qemu-monitor-command', 'v1', '{"execute":"query-status"}');
    expect(raw.stdout).toMatch(/^\{"return":\{"status":"running","singlestep":false,"running":true\},"id":"[^"]+"\}\n\n$/);
    const wrapped = await run('qemu-monitor-command', 'v1', '--return-value', 'query-status');
    expect(wrapped.stdout).toBe('{"status":"running","singlestep":false,"running":true}\n');
    const pretty = await run('qemu-monitor-command', 'v1', '--pretty', '--return-value', 'query-kvm');
    expect(pretty.stdout).toBe('{\n  "enabled": false,\n  "present": true\n}\n');
    const empty = await run('qemu-monitor-command', 'v1', '--pretty', '--return-value', 'cont');
    expect(empty.stdout).toBe('{\n\n}\n');
    const hmp = await run('qemu-monitor-command', 'v1', '--hmp', 'info', 'status');
    expect(hmp.stdout).toBe('VM status: running\r\n\n\n');
    expect(await run('qemu-monitor-command', 'v1', '--hmp', '--pretty', 'x')).toMatchObject({
      code: 1, stderr: 'error: Options --hmp and --pretty are mutually exclusive\n',
    });
    const missing = await run('qemu-monitor-command', 'v1', '--return-value', '{"execute":"nosuch"}');
    expect(missing).toMatchObject({ code: 1,  stderr: "error: 'return' member missing\n" });
    const badArgs = await run('qemu-monitor-command', 'v1', 'query-name', 'foo');
    expect(badArgs.stderr).toMatch(/^error: failed to wrap arguments 'foo' into a QMP command wrapper\nerror: internal error: cannot parse json \{foo\}/);
  });

  it('lists the shared-disk table as a table and as JSON', async () => {
    const text = await run('shared-disk-list');
    expect(text.stdout).toMatch(new RegExp(`^ Key +Path +Sgio +Domains\\n-+\\n ${majMin(loop)} +${loop} +n/a +v1\\n\\n$`));
    const json = JSON.parse((await run('shared-disk-list', '--json')).stdout);
    expect(json).toEqual([{ key: majMin(loop), path: loop, sgio: 'n/a', domains: ['v1'] }]);
  });

  it('destroys the domain: shut off (destroyed), the table empty, errors for invalid transitions', async () => {
    expect(await run('destroy', 'v1')).toMatchObject({ code: 0, stdout: "Domain 'v1' destroyed\n\n" });
    expect((await run('domstate', '--reason', 'v1')).stdout).toBe('shut off (destroyed)\n\n');
    expect(JSON.parse((await run('shared-disk-list', '--json')).stdout)).toEqual([]);
    expect(await run('destroy', 'v1')).toMatchObject({
      code: 1, stderr: "error: Failed to destroy domain 'v1'\nerror: Requested operation is not valid: domain is not running\n",
    });
    expect(await run('qemu-monitor-command', 'v1', 'query-status')).toMatchObject({
      code: 1, stderr: 'error: Requested operation is not valid: domain is not running\n',
    });
    expect((await run('list', '--all')).stdout).toMatch(/ -  +v1 +shut off\n/);
  });

  it("shows a running domain's VNC display as virsh 9.0 does (vncdisplay, domdisplay), and injects NMIs", async () => {
    const file = join(root.dir, 'g1.xml');
    writeFileSync(file, domainXml('g1', "<graphics type='vnc' autoport='yes'/>"));
    await run('define', file);
    const off = { code: 1, stdout: '\n', stderr: 'error: Domain is not running\n' };
    expect(await run('vncdisplay', 'g1')).toMatchObject(off);
    expect(await run('domdisplay', 'g1')).toMatchObject(off);
    await run('start', 'g1');
    const display = Number(/port='(\d+)'/.exec((await run('dumpxml', 'g1')).stdout)![1]) - 5900;
    expect(await run('vncdisplay', 'g1')).toMatchObject({ code: 0, stdout: `127.0.0.1:${display}\n\n` });
    expect(await run('domdisplay', 'g1')).toMatchObject({ code: 0, stdout: `vnc://127.0.0.1:${display}\n` });
    expect(await run('domdisplay', '--all', 'g1')).toMatchObject({ code: 0, stdout: `vnc://127.0.0.1:${display}\n\n` });
    expect(await run('domdisplay', '--type', 'spice', 'g1')).toMatchObject({ code: 1, stdout: '\n', stderr: "error: No graphical display with type 'spice' found\n" });
    const plain = join(root.dir, 'g2.xml');
    writeFileSync(plain, domainXml('g2'));
    await run('create', plain);
    expect(await run('vncdisplay', 'g2')).toMatchObject({ code: 1, stderr: 'error: Failed to get VNC port. Is this domain using VNC?\n' });
    expect(await run('domdisplay', 'g2')).toMatchObject({ code: 1, stderr: 'error: No graphical display found\n' });
    expect(await run('inject-nmi', 'g2')).toMatchObject({ code: 0, stdout: '\n', stderr: '' });
    await run('destroy', 'g1');
    await run('destroy', 'g2');
    expect(await run('inject-nmi', 'g1')).toMatchObject({ code: 1, stdout: '\n', stderr: 'error: Requested operation is not valid: domain is not running\n' });
  });

  it('ttyconsole prints the pty QEMU opened for the console, as the live XML names it', async () => {
    const file = join(root.dir, 't1.xml');
    writeFileSync(file, domainXml('t1', "<serial type='pty'/><console type='pty'/>"));
    await run('create', file);
    const tty = /<console type='pty' tty='(\/dev\/pts\/\d+)'/.exec((await run('dumpxml', 't1')).stdout)![1]!;
    expect(statSync(tty).isCharacterDevice()).toBe(true);
    expect(await run('ttyconsole', 't1')).toMatchObject({ code: 0, stdout: `${tty}\n\n`, stderr: '' });
    await run('destroy', 't1');
  });
});
