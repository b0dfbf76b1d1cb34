import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Domain } from '@tsvirt/api';
import { domainXml, scratchRoot } from './helpers.js';
import { tsvirsh } from './tsvirsh.js';

const env = scratchRoot();

const SECRET_UUID = '0b3c6f52-8d37-4d0e-9a43-5f4a1c0e2d11';
const tpmXml = (name: string, secret = SECRET_UUID): string =>
  domainXml(name, `<tpm model='tpm-crb'><backend type='emulator' version='2.0'><encryption secret='${secret}'/></backend></tpm>`);
const secretXml = (uuid: string, usage: string): string =>
  usage === 'vtpm' ? `<secret ephemeral='no' private='yes'><uuid>${uuid}</uuid><usage type='vtpm'><name>tpm-${uuid}</name></usage></secret>`
    : `<secret ephemeral='no' private='no'><uuid>${uuid}</uuid><usage type='iscsi'><target>t-${uuid}</target></usage></secret>`;

async function queryTpmModel(dom: Domain): Promise<string | undefined> {
  return (JSON.parse(await dom.qemuMonitorCommand('{"execute":"query-tpm"}')) as { return: Array<{ model: string }> }).return[0]?.model;
}
const swtpmLog = (name: string): string => readFileSync(join(env.root.dir, 'log', 'qemu', `${name}-swtpm.log`), 'utf8');

/** tsvirsh on the test's root: it carries the secret driver, which the driver asks for the passphrase through the public API. */
const virsh = (...args: string[]) => tsvirsh(env.root.uri, ...args);
async function defineSecret(uuid: string, usage: string): Promise<void> {
  const file = join(env.root.dir, `${uuid}.xml`);
  writeFileSync(file, secretXml(uuid, usage));
  expect((await virsh('secret-define', file)).code).toBe(0);
}
const setSecret = async (uuid: string, value: string): Promise<void> => {
  expect((await virsh('secret-set-value', '--secret', uuid, '--base64', Buffer.from(value).toString('base64'))).code).toBe(0);
};

describe('an encrypted TPM state (swtpm with a vtpm secret)', () => {
  it('manufactures and runs the state under the passphrase, and a wrong passphrase cannot open it', async () => {
    await defineSecret(SECRET_UUID, 'vtpm');
    await setSecret(SECRET_UUID, 'correct horse battery staple');
    const dom = await env.conn.defineXML(tpmXml('enc1'));
    expect(await virsh('start', 'enc1')).toMatchObject({ code: 0 });
    expect(await queryTpmModel(dom)).toBe('tpm-crb');
    // The passphrase reaches swtpm on a descriptor, never on its command line.
    const cmdlines = readFileSync(join(env.root.dir, 'log', 'qemu', 'enc1-swtpm.log'), 'utf8');
    expect(cmdlines).not.toContain('correct horse');
    await dom.destroy();

    // The same passphrase opens the state again (no new manufacture).
    expect(await virsh('start', 'enc1')).toMatchObject({ code: 0 });
    expect(await queryTpmModel(dom)).toBe('tpm-crb');
    expect((swtpmLog('enc1').match(/Starting vTPM manufacturing/g) ?? []).length).toBe(1);
    await dom.destroy();

    // Another passphrase cannot decrypt it: swtpm gives up and the start fails, leaving nothing running.
    await setSecret(SECRET_UUID, 'wrong');
    expect((await virsh('start', 'enc1')).code).toBe(1);
    expect(await dom.isActive()).toBe(false);
    await setSecret(SECRET_UUID, 'correct horse battery staple');
    expect(await virsh('start', 'enc1')).toMatchObject({ code: 0 });
    expect(await queryTpmModel(dom)).toBe('tpm-crb');
    await dom.destroy();
  });

  it("refuses a secret that is missing or not a vtpm secret, in libvirt's words", async () => {
    const missing = '9d1c7a3e-0000-4000-8000-00000000dead';
    await env.conn.defineXML(tpmXml('enc2', missing));
    expect((await virsh('start', 'enc2')).stderr).toContain(`no secret with matching uuid '${missing}'`);
    const iscsi = '3f0a9c14-1111-4222-8333-444455556666';
    await defineSecret(iscsi, 'iscsi');
    const other = await env.conn.defineXML(tpmXml('enc3', iscsi));
    expect((await virsh('start', 'enc3')).stderr).toContain(`secret with uuid ${iscsi} is of type 'iscsi' not expected 'vtpm' type`);
    expect(await other.isActive()).toBe(false);
  });
});
