import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ErrorCode, ListSecretsFlags as F, SECRET_GET_VALUE_INTERNAL_CALL, SecretDefineFlags, SecretEventID, SecretEventLifecycleType,
  SecretUsageType, VirError, connect, type Connection,
} from '@tsvirt/api';
import { lastContext, openEmbedRoot } from './helpers.js';

const U = (n: number): string => `${n}1111111-2222-3333-4444-555555555555`;
const xml = (uuid: string, attrs = '', usage = ''): string => `<secret ${attrs}><uuid>${uuid}</uuid>${usage}</secret>`;

/** The error a call fails with, as [code, message]. */
async function failure(p: Promise<unknown>): Promise<[number, string]> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  if (!(e instanceof VirError)) throw new Error(`expected a VirError, got ${String(e)}`);
  return [e.code, e.message];
}

let r: Awaited<ReturnType<typeof openEmbedRoot>>;
let conn: Connection;
const secretsDir = (): string => join(r.root, 'etc', 'secrets');
beforeEach(async () => {
  r = await openEmbedRoot();
  conn = r.conn;
});
afterEach(async () => {
  await r.remove();
});

describe('define, look up, dump and undefine', () => {
  const USAGES = [
    { type: SecretUsageType.VOLUME, name: 'volume', xml: '<volume>/var/lib/a.img</volume>', id: '/var/lib/a.img' },
    { type: SecretUsageType.CEPH, name: 'ceph', xml: '<name>client.admin secret</name>', id: 'client.admin secret' },
    { type: SecretUsageType.ISCSI, name: 'iscsi', xml: '<target>libvirtiscsi</target>', id: 'libvirtiscsi' },
    { type: SecretUsageType.TLS, name: 'tls', xml: '<name>tls1</name>', id: 'tls1' },
    { type: SecretUsageType.VTPM, name: 'vtpm', xml: '<name>vtpm1</name>', id: 'vtpm1' },
  ];

  it('every usage type: defined, found by usage, dumped as libvirt does, undefined', async () => {
    for (const [i, u] of USAGES.entries()) {
      const s = await conn.secretDefineXML(xml(U(i + 1), '', `<usage type='${u.name}'>${u.xml}</usage>`));
      expect([s.getUUIDString(), s.getUsageType(), s.getUsageID()]).toEqual([U(i + 1), u.type, u.id]);
      const found = await conn.secretLookupByUsage(u.type, u.id);
      expect(found.getUUIDString()).toBe(U(i + 1));
      expect(await found.getXMLDesc()).toBe(
        `<secret ephemeral='no' private='no'>\n  <uuid>${U(i + 1)}</uuid>\n  <usage type='${u.name}'>\n    ${u.xml}\n  </usage>\n</secret>\n`);
    }
    expect((await conn.listAllSecrets()).map((s) => s.getUUIDString())).toEqual(USAGES.map((_, i) => U(i + 1)));
    expect(await conn.numOfSecrets()).toBe(5);
    expect(await conn.listSecrets(2)).toEqual([U(1), U(2)]);
    for (const [i] of USAGES.entries()) await (await conn.secretLookupByUUIDString(U(i + 1))).undefine();
    expect(await conn.numOfSecrets()).toBe(0);
    expect(readdirSync(secretsDir())).toEqual([]);
  });

  it('a usage is looked up by its type as well as its id; a secret of no usage is never found by usage', async () => {
    await conn.secretDefineXML(xml(U(1), '', "<usage type='tls'><name>x</name></usage>"));
    await conn.secretDefineXML(xml(U(2)));
    expect(await failure(conn.secretLookupByUsage(SecretUsageType.CEPH, 'x'))).toEqual([ErrorCode.NO_SECRET, "Secret not found: no secret with matching usage 'x'"]);
    expect(await failure(conn.secretLookupByUsage(SecretUsageType.NONE, ''))).toEqual([ErrorCode.NO_SECRET, "Secret not found: no secret with matching usage ''"]);
  });

  it('libvirt\'s refusals: unknown UUID, usage clashes, the private flag, unknown flags, schema validation', async () => {
    await conn.secretDefineXML(xml(U(1), "private='yes'", "<usage type='volume'><volume>/a</volume></usage>"));
    expect(await failure(conn.secretLookupByUUIDString(U(9)))).toEqual([ErrorCode.NO_SECRET, `Secret not found: no secret with matching uuid '${U(9)}'`]);
    expect(await failure(conn.secretDefineXML(xml(U(2), '', "<usage type='volume'><volume>/a</volume></usage>")))).toEqual(
      [ErrorCode.INTERNAL_ERROR, `internal error: a secret with UUID ${U(1)} already defined for use with /a`]);
    expect(await failure(conn.secretDefineXML(xml(U(1), "private='yes'", "<usage type='volume'><volume>/b</volume></usage>")))).toEqual(
      [ErrorCode.INTERNAL_ERROR, `internal error: a secret with UUID ${U(1)} is already defined for use with /a`]);
    expect(await failure(conn.secretDefineXML(xml(U(1), '', "<usage type='volume'><volume>/a</volume></usage>")))).toEqual(
      [ErrorCode.INTERNAL_ERROR, 'internal error: cannot change private flag on existing secret']);
    await conn.secretDefineXML(xml(U(3)));
    expect(await failure(conn.secretDefineXML(xml(U(3), '', "<usage type='tls'><name>n</name></usage>")))).toEqual(
      [ErrorCode.INTERNAL_ERROR, `internal error: a secret with UUID ${U(3)} is already defined for use with (null)`]);
    expect(await failure(conn.secretDefineXML(xml(U(4)), 2))).toEqual([ErrorCode.INVALID_ARG, 'unsupported flags (0x2) in function secretDefineXML']);
    expect(await failure(conn.listAllSecrets(16))).toEqual([ErrorCode.INVALID_ARG, 'unsupported flags (0x10) in function secretConnectListAllSecrets']);
    const [code, message] = await failure(conn.secretDefineXML('<secret><bogus/></secret>', SecretDefineFlags.VALIDATE));
    expect([code, message.split('\n')[0]]).toEqual([ErrorCode.XML_INVALID_SCHEMA, expect.stringMatching(/^XML document failed to validate against schema: Unable to validate doc against .*secret\.rng$/)]);
    expect(await conn.numOfSecrets()).toBe(2);
  });

  it('a redefinition keeps the value and may make the secret private, never public again', async () => {
    const s = await conn.secretDefineXML(xml(U(1), '', '<description>one</description>'));
    await s.setValue(Buffer.from('pw'));
    await conn.secretDefineXML(xml(U(1), "private='yes'", '<description>two</description>'));
    expect(await s.getXMLDesc()).toContain("<secret ephemeral='no' private='yes'>\n  <uuid>");
    expect(await s.getXMLDesc()).toContain('<description>two</description>');
    const own = await lastContext!.connect(r.uri);
    expect(Buffer.from(await (await own.secretLookupByUUIDString(U(1))).getValue()).toString()).toBe('pw');
    await own.close();
  });
});

describe('values', () => {
  it('are kept as base64 in a 0600 file of a 0700 directory, read back byte for byte', async () => {
    const s = await conn.secretDefineXML(xml(U(1)));
    expect(await failure(s.getValue())).toEqual([ErrorCode.NO_SECRET, `Secret not found: secret '${U(1)}' does not have a value`]);
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    await s.setValue(bytes);
    expect(Buffer.from(await s.getValue())).toEqual(Buffer.from(bytes));
    const file = join(secretsDir(), `${U(1)}.base64`);
    expect(readFileSync(file, 'latin1')).toBe(Buffer.from(bytes).toString('base64'));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(secretsDir(), `${U(1)}.xml`)).mode & 0o777).toBe(0o600);
    expect(statSync(secretsDir()).mode & 0o777).toBe(0o700);
    expect(readdirSync(secretsDir()).sort()).toEqual([`${U(1)}.base64`, `${U(1)}.xml`]);
    await s.setValue(new Uint8Array());
    expect(await s.getValue()).toEqual(new Uint8Array());
    expect(await failure(s.setValue(Buffer.from('x'), 1))).toEqual([ErrorCode.INVALID_ARG, 'unsupported flags (0x1) in function secretSetValue']);
  });

  it('of a private secret go to a driver\'s own connection, never to a client', async () => {
    const s = await conn.secretDefineXML(xml(U(1), "private='yes'", "<usage type='volume'><volume>/v</volume></usage>"));
    await s.setValue(Buffer.from('secret'));
    expect(await failure(s.getValue())).toEqual([ErrorCode.INVALID_SECRET, 'Invalid secret: secret is private']);
    expect(await failure(s.getValue(SECRET_GET_VALUE_INTERNAL_CALL))).toEqual(
      [ErrorCode.INVALID_ARG, 'unsupported flags (0x40000000) in function secretGetValue']);
    const own = await lastContext!.connect(r.uri);
    try {
      const v = await (await own.secretLookupByUsage(SecretUsageType.VOLUME, '/v')).getValue();
      expect(Buffer.from(v).toString()).toBe('secret');
    } finally {
      await own.close();
    }
    // A fresh client connection is no driver's.
    const other = await connect(r.uri);
    expect(await failure((await other.secretLookupByUUIDString(U(1))).getValue())).toEqual([ErrorCode.INVALID_SECRET, 'Invalid secret: secret is private']);
    await other.close();
  });

  it('are refused to a read-only connection, which may still list and dump', async () => {
    await (await conn.secretDefineXML(xml(U(1)))).setValue(Buffer.from('x'));
    const ro = await connect(r.uri, { readonly: true });
    const s = await ro.secretLookupByUUIDString(U(1));
    expect(await s.getXMLDesc()).toContain(U(1));
    expect(await failure(s.getValue())).toEqual([ErrorCode.OPERATION_DENIED, 'operation forbidden: read only access prevents virSecretGetValue']);
    expect(await failure(s.setValue(Buffer.from('y')))).toEqual([ErrorCode.OPERATION_DENIED, 'operation forbidden: read only access prevents virSecretSetValue']);
    expect(await failure(ro.secretDefineXML(xml(U(2))))).toEqual([ErrorCode.OPERATION_DENIED, 'operation forbidden: read only access prevents virSecretDefineXML']);
    await ro.close();
  });
});

describe('ephemeral secrets', () => {
  it('are never written to disk, yet every connection of the process sees them', async () => {
    const s = await conn.secretDefineXML(xml(U(1), "ephemeral='yes'", "<usage type='ceph'><name>c</name></usage>"));
    await s.setValue(Buffer.from('memory only'));
    expect(readdirSync(r.root, { recursive: true }).filter((f) => String(f).startsWith(join('etc', 'secrets', '')))).toEqual([]);
    const other = await connect(r.uri);
    expect(Buffer.from(await (await other.secretLookupByUsage(SecretUsageType.CEPH, 'c')).getValue()).toString()).toBe('memory only');
    await other.close();
    await s.undefine();
    expect(await conn.numOfSecrets()).toBe(0);
  });

  it('move to disk when redefined persistent, and off it when made ephemeral, with their value', async () => {
    const s = await conn.secretDefineXML(xml(U(1), "ephemeral='yes'"));
    await s.setValue(Buffer.from('v'));
    await conn.secretDefineXML(xml(U(1), "ephemeral='no'"));
    expect(readdirSync(secretsDir()).sort()).toEqual([`${U(1)}.base64`, `${U(1)}.xml`]);
    await conn.secretDefineXML(xml(U(1), "ephemeral='yes'"));
    expect(readdirSync(secretsDir())).toEqual([]);
    expect(Buffer.from(await s.getValue()).toString()).toBe('v');
  });
});

describe('listing', () => {
  it('every filter flag alone and in pairs', async () => {
    // 1: neither, 2: ephemeral, 3: private, 4: both
    await conn.secretDefineXML(xml(U(1)));
    await conn.secretDefineXML(xml(U(2), "ephemeral='yes'"));
    await conn.secretDefineXML(xml(U(3), "private='yes'"));
    await conn.secretDefineXML(xml(U(4), "ephemeral='yes' private='yes'"));
    const cases: Array<[number, number[]]> = [
      [0, [1, 2, 3, 4]], [F.EPHEMERAL, [2, 4]], [F.NO_EPHEMERAL, [1, 3]], [F.PRIVATE, [3, 4]], [F.NO_PRIVATE, [1, 2]],
      [F.EPHEMERAL | F.NO_EPHEMERAL, [1, 2, 3, 4]], [F.PRIVATE | F.NO_PRIVATE, [1, 2, 3, 4]],
      [F.EPHEMERAL | F.PRIVATE, [4]], [F.EPHEMERAL | F.NO_PRIVATE, [2]], [F.NO_EPHEMERAL | F.PRIVATE, [3]], [F.NO_EPHEMERAL | F.NO_PRIVATE, [1]],
    ];
    for (const [flags, want] of cases) {
      expect((await conn.listAllSecrets(flags)).map((s) => s.getUUIDString()), `flags ${flags}`).toEqual(want.map(U));
    }
  });

  it('skips a file that is not a secret\'s, and keeps the others', async () => {
    await conn.secretDefineXML(xml(U(1)));
    writeFileSync(join(secretsDir(), 'junk.xml'), '<secret');
    writeFileSync(join(secretsDir(), `${U(3)}.xml`), xml(U(2)));
    expect((await conn.listAllSecrets()).map((s) => s.getUUIDString())).toEqual([U(1)]);
  });
});

describe('events', () => {
  it('defined, value changed and undefined, to every listener of the root, filtered by secret', async () => {
    const heard: string[] = [];
    const stopAll = await conn.secretEventRegisterAny(undefined, SecretEventID.LIFECYCLE, (s, ev) => heard.push(`all ${s.getUUIDString()[0]} ${ev}`));
    const other = await connect(r.uri);
    const s1 = await other.secretDefineXML(xml(U(1)));
    const stopOne = await conn.secretEventRegisterAny(s1, SecretEventID.VALUE_CHANGED, (s) => heard.push(`value ${s.getUUIDString()[0]}`));
    const s2 = await conn.secretDefineXML(xml(U(2)));
    await s1.setValue(Buffer.from('a'));
    await s2.setValue(Buffer.from('b'));
    await s1.undefine();
    await new Promise((resolve) => setImmediate(resolve));
    expect(heard).toEqual([`all 1 ${SecretEventLifecycleType.DEFINED}`, `all 2 ${SecretEventLifecycleType.DEFINED}`, 'value 1', `all 1 ${SecretEventLifecycleType.UNDEFINED}`]);
    stopAll();
    stopOne();
    await other.close();
  });
});
