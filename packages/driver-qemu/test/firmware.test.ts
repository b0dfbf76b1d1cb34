import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DomainCreateFlags, DomainUndefineFlags as U, type Domain } from '@tsvirt/api';
import { scratchRoot } from './helpers.js';
import { tsvirsh } from './tsvirsh.js';

const env = scratchRoot();
const OVMF = '/usr/share/OVMF';

/** A q35 guest without disks whose firmware is chosen (`os`: what goes inside `<os>`, after `<type>`). */
const efiXml = (name: string, os = '', firmware = " firmware='efi'"): string => `<domain type='qemu'>
  <name>${name}</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os${firmware}><type arch='x86_64' machine='q35'>hvm</type>${os}</os>
  <features><acpi/></features>
  <devices><memballoon model='none'/></devices>
</domain>`;

const nvramOf = (name: string): string => join(env.root.dir, 'lib', 'qemu', 'nvram', `${name}_VARS.fd`);
const osOf = (xml: string): string => xml.slice(xml.indexOf('  <os>'), xml.indexOf('</os>') + 5);

/** QEMU's run state (`query-status`), and the pflash images it has (`query-named-block-nodes`). */
async function qemuView(dom: Domain): Promise<{ status: string; pflash: string[] }> {
  const status = (JSON.parse(await dom.qemuMonitorCommand('{"execute":"query-status"}')) as { return: { status: string } }).return.status;
  const nodes = (JSON.parse(await dom.qemuMonitorCommand('{"execute":"query-named-block-nodes"}')) as { return: Array<{ 'node-name': string; file: string }> }).return;
  return { status, pflash: nodes.filter((n) => /^libvirt-pflash\d-storage$/.test(n['node-name'])).map((n) => n.file).sort() };
}

describe("firmware autoselection from QEMU's descriptors, booting OVMF under TCG", () => {
  it('chooses the first descriptor (Secure Boot, keys enrolled), fills the live XML as libvirt 9.0 and boots', async () => {
    const dom = await env.conn.defineXML(efiXml('efi1'));
    await dom.create();
    // libvirtd 9.0 on this host gives the same <os> and <smm> (its NVRAM in /var/lib/libvirt/qemu/nvram).
    const live = await dom.getXMLDesc();
    expect(osOf(live)).toBe(`  <os>
    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>
    <loader readonly='yes' secure='yes' type='pflash'>${OVMF}/OVMF_CODE_4M.ms.fd</loader>
    <nvram template='${OVMF}/OVMF_VARS_4M.ms.fd'>${nvramOf('efi1')}</nvram>
    <boot dev='hd'/>
  </os>`);
    expect(live).toContain("<smm state='on'/>");
    expect(await dom.getXMLDesc(2)).toContain("<os firmware='efi'>");
    expect(await qemuView(dom)).toEqual({ status: 'running', pflash: [`${OVMF}/OVMF_CODE_4M.ms.fd`, nvramOf('efi1')].sort() });
    expect(statSync(nvramOf('efi1')).mode & 0o777).toBe(0o600);
    // OVMF keeps running under TCG (it would reset or stop on a bad flash mapping).
    await new Promise((r) => setTimeout(r, 1500));
    expect((await qemuView(dom)).status).toBe('running');
    await dom.destroy();
  });

  it('keeps the NVRAM store across runs and refuses to undefine it silently', async () => {
    const dom = await env.conn.lookupByName('efi1');
    const before = readFileSync(nvramOf('efi1'));
    await dom.create(DomainCreateFlags.START_PAUSED);
    expect(readFileSync(nvramOf('efi1')).equals(before)).toBe(true);
    await dom.destroy();
    await expect(dom.undefine()).rejects.toThrow('Requested operation is not valid: cannot undefine domain with nvram');
    await expect(dom.undefine(U.NVRAM | U.KEEP_NVRAM)).rejects.toThrow('Requested operation is not valid: cannot both keep and delete nvram');
    expect(await tsvirsh(env.root.uri, 'undefine', 'efi1', '--keep-nvram')).toMatchObject({ code: 0 });
    expect(existsSync(nvramOf('efi1'))).toBe(true);
    await env.conn.defineXML(efiXml('efi1'));
    expect(await tsvirsh(env.root.uri, 'undefine', 'efi1', '--nvram')).toMatchObject({ code: 0 });
    expect(existsSync(nvramOf('efi1'))).toBe(false);
  });

  it('matches the features asked for: no enrolled keys, no Secure Boot', async () => {
    const noKeys = await env.conn.defineXML(efiXml('efi2', "<firmware><feature enabled='no' name='enrolled-keys'/></firmware>"));
    await noKeys.create();
    const live = await noKeys.getXMLDesc();
    expect(live).toContain(`<loader readonly='yes' secure='yes' type='pflash'>${OVMF}/OVMF_CODE_4M.secboot.fd</loader>`);
    expect(live).toContain(`<nvram template='${OVMF}/OVMF_VARS_4M.fd'>`);
    expect(live).toContain("<feature enabled='no' name='enrolled-keys'/>");
    expect(readFileSync(nvramOf('efi2')).equals(readFileSync(`${OVMF}/OVMF_VARS_4M.fd`))).toBe(true);
    expect((await qemuView(noKeys)).status).toBe('running');
    await noKeys.destroy();
    await noKeys.undefine(U.NVRAM);

    const plain = await env.conn.defineXML(efiXml('efi3', "<firmware><feature enabled='no' name='secure-boot'/></firmware>"));
    await plain.create();
    const xml = await plain.getXMLDesc();
    expect(xml).toContain(`<loader readonly='yes' type='pflash'>${OVMF}/OVMF_CODE_4M.fd</loader>`);
    expect(xml).not.toContain('<smm');
    expect((await qemuView(plain)).status).toBe('running');
    await plain.destroy();
    await plain.undefine(U.NVRAM);
  });

  it('boots a manual pflash loader whose NVRAM is made from its template', async () => {
    const os = `<loader readonly='yes' type='pflash'>${OVMF}/OVMF_CODE_4M.fd</loader><nvram template='${OVMF}/OVMF_VARS_4M.fd'/>`;
    const dom = await env.conn.defineXML(efiXml('efi4', os, ''));
    await dom.create();
    expect(await dom.getXMLDesc()).toContain(`<nvram template='${OVMF}/OVMF_VARS_4M.fd'>${nvramOf('efi4')}</nvram>`);
    expect((await qemuView(dom)).pflash).toEqual([`${OVMF}/OVMF_CODE_4M.fd`, nvramOf('efi4')].sort());
    await dom.destroy();
    await dom.undefine(U.NVRAM);
  });

  it("refuses in libvirt's words when nothing satisfies the definition, and leaves nothing", async () => {
    // The root's own descriptor directory wins: empty files hide the distribution's.
    const override = join(env.root.dir, 'etc', 'qemu', 'firmware');
    mkdirSync(override, { recursive: true });
    for (const f of ['40-edk2-x86_64-secure-enrolled.json', '50-edk2-x86_64-secure.json', '60-edk2-x86_64.json']) writeFileSync(join(override, f), '');
    const dom = await env.conn.defineXML(efiXml('efi5'));
    await expect(dom.create()).rejects.toMatchObject({ code: 9, message: "operation failed: Unable to find any firmware to satisfy 'efi'" });
    expect(existsSync(nvramOf('efi5'))).toBe(false);
    const bios = await env.conn.defineXML(efiXml('bios1', '', " firmware='bios'"));
    await expect(bios.create()).rejects.toThrow("Unable to find any firmware to satisfy 'bios'");
    // A descriptor of the root's own is used.
    writeFileSync(join(override, '10-mine.json'), JSON.stringify({
      'interface-types': ['uefi'], mapping: { device: 'flash', executable: { filename: `${OVMF}/OVMF_CODE_4M.fd`, format: 'raw' }, 'nvram-template': { filename: `${OVMF}/OVMF_VARS_4M.fd`, format: 'raw' } },
      targets: [{ architecture: 'x86_64', machines: ['pc-q35-*'] }], features: [],
    }));
    await dom.create();
    expect(await dom.getXMLDesc()).toContain(`<loader readonly='yes' type='pflash'>${OVMF}/OVMF_CODE_4M.fd</loader>`);
    await dom.destroy();
    // A broken descriptor is an error naming its file.
    writeFileSync(join(override, '05-broken.json'), '{"mapping": {}}');
    await expect(dom.create()).rejects.toThrow(`invalid firmware descriptor '${join(override, '05-broken.json')}'`);
    await dom.undefine(U.NVRAM);
    await bios.undefine();
  });

  it('refuses UEFI without ACPI as libvirt does', async () => {
    await expect(env.conn.defineXML(efiXml('noacpi').replace('<features><acpi/></features>', ''))).rejects.toThrow('unsupported configuration: UEFI requires ACPI on this architecture');
  });
});
