import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate, LIBVIRT_H, MODULES, protocolDir } from '../scripts/generate.mjs';
import { parseX, type Definition } from '../scripts/xdr/parse.mjs';
import { decode, encode, XdrError, type Codec } from '../src/protocol/xdr.js';
import * as admin from '../src/generated/admin-protocol.js';
import * as keepalive from '../src/generated/keepalive-protocol.js';
import * as lxc from '../src/generated/lxc-protocol.js';
import * as qemu from '../src/generated/qemu-protocol.js';
import * as remote from '../src/generated/remote-protocol.js';
import * as virnet from '../src/generated/virnet-protocol.js';
import { programs } from '../src/protocol/programs.js';
import { sampleOfDef } from './sample-value.js';

const generatedModules: Record<string, Record<string, unknown>> = {
  'virnet-protocol': virnet,
  'remote-protocol': remote,
  'qemu-protocol': qemu,
  'lxc-protocol': lxc,
  'keepalive-protocol': keepalive,
  'admin-protocol': admin,
};

const dir = protocolDir();
const parsed = MODULES.map((m) => ({ ...m, defs: parseX(readFileSync(join(dir, m.file), 'utf8')) as Definition[] }));
const defs = new Map<string, Definition>(parsed.flatMap((m) => m.defs.map((d) => [d.name, d] as const)));
const consts = new Map<string, number>(Object.entries(LIBVIRT_H));
for (const m of parsed) {
  for (const d of m.defs) {
    if (d.kind === 'const') consts.set(d.name, /^[0-9-]/.test(d.value) ? Number(d.value) : consts.get(d.value)!);
    if (d.kind === 'enum') for (const e of d.values) consts.set(e.name, Number(e.value));
  }
}

describe('generated code', () => {
  it('is what the generator makes of the .x files now', () => {
    for (const [name, text] of generate()) {
      expect(readFileSync(new URL(`../src/generated/${name}.ts`, import.meta.url), 'utf8'), name).toBe(text);
    }
  });

  it('has every procedure of every program, each call with its codecs by the .x naming rule', () => {
    const count = (name: string) => programs.get(consts.get(`${name.toUpperCase()}_PROGRAM`)!)!.procedures.size;
    expect(count('remote')).toBe(443);
    expect(count('qemu')).toBe(7);
    expect(count('lxc')).toBe(1);
    expect(count('keepalive')).toBe(2);
    const lookup = remote.remote_program.byName.get('REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME')!;
    expect(lookup.args).toBe(remote.remote_domain_lookup_by_name_args);
    expect(lookup.ret).toBe(remote.remote_domain_lookup_by_name_ret);
    expect(lookup.method).toBe('domainLookupByName');
    const event = remote.remote_program.byName.get('REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE')!;
    expect(event.event).toBe(remote.remote_domain_event_callback_lifecycle_msg);
    expect(remote.remote_program.byName.get('REMOTE_PROC_STORAGE_VOL_DOWNLOAD')!.readstream).toBe(1);
    expect(remote.remote_program.byName.get('REMOTE_PROC_STORAGE_VOL_UPLOAD')!.writestream).toBe(1);
    expect(remote.remote_program.byName.get('REMOTE_PROC_CONNECT_OPEN')!.priority).toBe('high');
  });
});

describe('every type of every .x file round-trips', () => {
  for (const m of parsed) {
    const types = m.defs.filter((d) => d.kind !== 'const');
    it(`${m.file}: ${types.length} types`, () => {
      const mod = generatedModules[m.module]!;
      let checked = 0;
      for (const d of types) {
        const codec = mod[d.name] as Codec<unknown>;
        expect(codec, d.name).toBeDefined();
        const variants = d.kind === 'union' ? d.arms.length : d.kind === 'enum' ? 1 : 2;
        for (let seed = 0; seed < variants; seed++) {
          const value = sampleOfDef(defs, consts, d.name, seed);
          const bytes = encode(codec, value);
          expect(bytes.length % 4, d.name).toBe(0);
          expect(decode(codec, bytes), d.name).toEqual(value);
          checked++;
        }
      }
      expect(checked).toBeGreaterThanOrEqual(types.length);
    });
  }
});

describe('limits', () => {
  it('refuses strings, arrays and opaques over their declared maximum, both ways', () => {
    const longName = 'x'.repeat(remote.REMOTE_STRING_MAX + 1);
    expect(() => encode(remote.remote_nonnull_string, longName)).toThrow(XdrError);
    // a forged length word: 2^31 items announced in a few bytes
    const forged = new Uint8Array([0x80, 0, 0, 0, 0, 0, 0, 0]);
    expect(() => decode(remote.remote_connect_list_all_domains_ret, forged)).toThrow(/over its limit|items in/);
    const tooMany = new Uint8Array(8);
    new DataView(tooMany.buffer).setUint32(0, remote.REMOTE_DOMAIN_LIST_MAX + 1);
    expect(() => decode(remote.remote_connect_list_all_domains_ret, tooMany)).toThrow(/over its limit 16384/);
    expect(() => decode(remote.remote_nonnull_string, new Uint8Array([0, 0, 0, 9, 65]))).toThrow(/truncated/);
    expect(() => encode(remote.remote_uuid, new Uint8Array(15))).toThrow(/opaque\[16\]/);
    expect(() => encode(virnet.virNetMessageHeader, { prog: -1, vers: 1, proc: 1, type: 0, serial: 1, status: 0 })).toThrow(/out of range/);
  });
});
