import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DomainUndefineFlags as U, type Domain } from '@tsvirt/api';
import { alive, domainXml, scratchRoot } from './helpers.js';
import { tsvirsh } from './tsvirsh.js';

const env = scratchRoot();

const tpmXml = (name: string, model: string, backend: string, uuid = ''): string =>
  domainXml(name, `<tpm model='${model}'><backend type='emulator'${backend}/></tpm>`).replace('</name>', `</name>${uuid && `<uuid>${uuid}</uuid>`}`);
const KEEP_UUID = '5c0c1bd4-2b8f-4a43-9bd9-2b1d6c8f7a11';

/** The domain's TPM as QEMU reports it (QMP `query-tpm`). */
async function queryTpm(dom: Domain): Promise<Array<{ model: string; id: string; options: { type: string } }>> {
  return (JSON.parse(await dom.qemuMonitorCommand('{"execute":"query-tpm"}')) as { return: Array<{ model: string; id: string; options: { type: string } }> }).return;
}

const swtpmRoot = (): string => join(env.root.dir, 'lib', 'swtpm');
const uuidOf = (dom: Domain): string => dom.getUUIDString();
/** The swtpm processes serving a socket under this test's root. */
function swtpmPids(): number[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).flatMap((p) => {
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
      return cmd[0]?.endsWith('swtpm') && cmd.some((a) => a.includes(`path=${env.root.dir}/`)) && alive(Number(p)) ? [Number(p)] : [];
    } catch {
      return [];
    }
  });
}
/** The TPM states swtpm finds in a state directory (`--print-states`). */
function states(dir: string, tpm2: boolean): string[] {
  const out = execFileSync('swtpm', ['socket', '--tpmstate', `dir=${dir}`, '--print-states', ...(tpm2 ? ['--tpm2'] : [])], { encoding: 'utf8' });
  return (JSON.parse(out) as { states: Array<{ name: string }> }).states.map((s) => s.name);
}
const manufactures = (name: string): number =>
  (readFileSync(join(env.root.dir, 'log', 'qemu', `${name}-swtpm.log`), 'utf8').match(/Starting vTPM manufacturing/g) ?? []).length;

describe('emulated TPM (swtpm) with real QEMU', () => {
  it('starts swtpm before QEMU, QEMU sees the TPM, the state persists across runs', async () => {
    const dom = await env.conn.defineXML(tpmXml('tpm2vm', 'tpm-crb', " version='2.0'"));
    const uuid = uuidOf(dom);
    await dom.create();
    expect(await queryTpm(dom)).toEqual([{ model: 'tpm-crb', id: 'tpm-tpm0', options: { type: 'emulator', data: { chardev: 'chrtpm' } } }]);
    expect(swtpmPids()).toHaveLength(1);
    const dir = join(swtpmRoot(), uuid, 'tpm2');
    // swtpm holds the state's lock while it runs.
    expect(existsSync(join(dir, 'tpm2-00.permall'))).toBe(true);
    expect(manufactures('tpm2vm')).toBe(1);
    expect(await dom.getXMLDesc()).toContain("<backend type='emulator' version='2.0'/>");

    await dom.destroy();
    expect(swtpmPids()).toEqual([]);
    expect(states(dir, true)).toContain('permall');
    // A second run uses the state it has: no new manufacture.
    await dom.create();
    expect((await queryTpm(dom))[0]?.model).toBe('tpm-crb');
    expect(manufactures('tpm2vm')).toBe(1);
    await dom.destroy();
    expect(swtpmPids()).toEqual([]);
    await dom.undefine();
    expect(existsSync(join(swtpmRoot(), uuid))).toBe(false);
  });

  it('gives a TPM 1.2 on tpm-tis by default and starts it', async () => {
    const dom = await env.conn.defineXML(tpmXml('tpm12vm', 'tpm-tis', ''));
    expect(await dom.getXMLDesc()).toContain("<backend type='emulator' version='1.2'/>");
    await dom.create();
    expect((await queryTpm(dom))[0]?.model).toBe('tpm-tis');
    await dom.destroy();
    expect(states(join(swtpmRoot(), uuidOf(dom), 'tpm1.2'), false)).toContain('permall');
    await dom.undefine();
  });

  it('refuses TPM 1.2 on CRB as libvirt does', async () => {
    await expect(env.conn.defineXML(tpmXml('crb12', 'tpm-crb', " version='1.2'"))).rejects.toThrow("unsupported configuration: Unsupported interface 'tpm-crb' for TPM 1.2");
  });

  it('undefine keeps the state with --keep-tpm, removes it with --tpm, refuses both', async () => {
    const dom = await env.conn.defineXML(tpmXml('keepvm', 'tpm-crb', " version='2.0' persistent_state='yes'", KEEP_UUID));
    const state = join(swtpmRoot(), KEEP_UUID, 'tpm2');
    await dom.create();
    await dom.destroy();
    await expect(dom.undefine(U.TPM | U.KEEP_TPM)).rejects.toThrow('Requested operation is not valid: cannot both keep and delete TPM');
    // persistent_state keeps it through a plain undefine.
    await dom.undefine();
    expect(existsSync(state)).toBe(true);

    await env.conn.defineXML(tpmXml('keepvm', 'tpm-crb', " version='2.0'", KEEP_UUID));
    expect(await tsvirsh(env.root.uri, 'undefine', 'keepvm', '--keep-tpm')).toMatchObject({ code: 0 });
    expect(existsSync(state)).toBe(true);
    await env.conn.defineXML(tpmXml('keepvm', 'tpm-crb', " version='2.0' persistent_state='yes'", KEEP_UUID));
    expect(await tsvirsh(env.root.uri, 'undefine', 'keepvm', '--tpm')).toMatchObject({ code: 0 });
    expect(existsSync(join(swtpmRoot(), KEEP_UUID))).toBe(false);
    // Without persistent_state or a flag, undefine removes it.
    await (await env.conn.defineXML(tpmXml('keepvm', 'tpm-crb', " version='2.0'", KEEP_UUID))).create();
    await env.conn.lookupByName('keepvm').then((d) => d.destroy());
    expect(existsSync(state)).toBe(true);
    expect(await tsvirsh(env.root.uri, 'undefine', 'keepvm')).toMatchObject({ code: 0 });
    expect(existsSync(join(swtpmRoot(), KEEP_UUID))).toBe(false);
  });

  it('a transient domain takes its state with it unless persistent_state says otherwise', async () => {
    const gone = await env.conn.createXML(tpmXml('transient1', 'tpm-crb', " version='2.0'"));
    const goneUuid = uuidOf(gone);
    expect(existsSync(join(swtpmRoot(), goneUuid, 'tpm2'))).toBe(true);
    await gone.destroy();
    expect(existsSync(join(swtpmRoot(), goneUuid))).toBe(false);

    const kept = await env.conn.createXML(tpmXml('transient2', 'tpm-crb', " version='2.0' persistent_state='yes'"));
    const keptUuid = uuidOf(kept);
    await kept.destroy();
    expect(existsSync(join(swtpmRoot(), keptUuid, 'tpm2'))).toBe(true);
    expect(swtpmPids()).toEqual([]);
  });

  it('a start that fails after swtpm ran leaves no swtpm and no new state', async () => {
    const disk = `<disk type='file' device='disk'><source file='/nonexistent/x.img'/><target dev='vda' bus='virtio'/></disk>`;
    const dom = await env.conn.defineXML(tpmXml('failvm', 'tpm-crb', " version='2.0'").replace('</devices>', `${disk}</devices>`));
    await expect(dom.create()).rejects.toThrow(/process exited while connecting to monitor: .*nonexistent/);
    expect(swtpmPids()).toEqual([]);
    expect(existsSync(join(swtpmRoot(), uuidOf(dom)))).toBe(false);
    expect(readdirSync(join(env.root.dir, 'run', 'qemu')).filter((f) => f.startsWith('domain-'))).toEqual([]);
    await dom.undefine();
  });

  it('stops swtpm when QEMU is killed and the domain is found dead', async () => {
    const dom = await env.conn.defineXML(tpmXml('killvm', 'tpm-tis', " version='2.0'"));
    await dom.create();
    const pid = Number(readFileSync(join(env.root.dir, 'run', 'qemu', readdirSync(join(env.root.dir, 'run', 'qemu')).find((f) => f.startsWith('domain-') && f.endsWith('killvm'))!, 'qemu.pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 200 && alive(pid); i++) await new Promise((r) => setTimeout(r, 10));
    expect((await dom.getState())[0]).toBe(5);
    expect(swtpmPids()).toEqual([]);
    await dom.undefine();
  });
});
