import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, ErrorDomain, SecretUsageType, VirError, type SecretDriver, type SecretRef, type StoragePool } from '@tsvirt/api';
import { virErrorOf } from '@tsvirt/api/testing';
import { dirPoolXML, embedRootForFile, stubTables, volXML } from './helpers.js';

const MiB = 1024 * 1024;
const root = embedRootForFile();
const UUID = 'f52a81b2-424e-490c-823d-6bd4235bc572';
const PASSPHRASE = 'correct horse battery staple';
let pool: StoragePool;
let dir: string;

const encrypted = (name: string, secret: string, format = 'raw'): string =>
  volXML(name, 16 * MiB, `<format type='${format}'/><encryption format='luks'><secret type='passphrase' ${secret}/></encryption>`);

/** A secret driver standing in for one: the secret libvirt's test data names, and one for a volume's path. */
function secrets(volumePath: string): SecretDriver {
  const byUUID: SecretRef = { uuid: UUID, usageType: SecretUsageType.VOLUME, usageID: '/elsewhere' };
  const byUsage: SecretRef = { uuid: '11111111-2222-3333-4444-555555555555', usageType: SecretUsageType.VOLUME, usageID: volumePath };
  return {
    secretLookupByUUID: async (uuid) => {
      if (uuid !== UUID) throw new VirError(ErrorCode.NO_SECRET, `no secret with matching uuid '${uuid}'`, ErrorDomain.SECRET);
      return byUUID;
    },
    secretLookupByUsage: async (type, id) => {
      if (type !== SecretUsageType.VOLUME || id !== volumePath) throw new VirError(ErrorCode.NO_SECRET, `no secret with matching usage '${id}'`, ErrorDomain.SECRET);
      return byUsage;
    },
    secretGetValue: async () => new TextEncoder().encode(PASSPHRASE),
  };
}

/** Whether qemu reads the image with the passphrase (qemu-io unlocks a key slot; qemu-img info would not). */
const opens = (path: string, format: string, passphrase: string): boolean => {
  const key = format === 'qcow2' ? 'encrypt.key-secret' : 'key-secret';
  try {
    execFileSync('qemu-io', ['--object', `secret,id=s0,data=${passphrase}`, '--image-opts',
      `driver=${format === 'qcow2' ? 'qcow2' : 'luks'},file.filename=${path},${key}=s0`, '-c', 'read 0 512'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
/** What qemu-img sees in an image. */
const imageInfo = (path: string): { format: string; encrypted?: boolean } =>
  JSON.parse(execFileSync('qemu-img', ['info', '--output=json', path], { encoding: 'utf8' })) as never;
const secretDirs = (): string[] => readdirSync(tmpdir()).filter((n) => n.startsWith('tsvirt-secret-'));

beforeAll(async () => {
  dir = root().dir('luks');
  pool = await root().conn.storagePoolCreateXML(dirPoolXML('luks', dir), 1);
}, 30_000);
afterEach(() => {
  delete stubTables.secret;
});

describe('LUKS-encrypted volumes', { timeout: 180_000 }, () => {
  it('are refused clearly where the connection has no secret driver, leaving nothing behind', async () => {
    const err = await virErrorOf(pool.createXML(encrypted('enc.img', `uuid='${UUID}'`)));
    expect([err.code, err.message]).toEqual([ErrorCode.OPERATION_UNSUPPORTED,
      `Operation not supported: cannot create encrypted volume 'enc.img': this connection has no secret driver to read secret '${UUID}' from`]);
    expect(existsSync(join(dir, 'enc.img'))).toBe(false);
  });

  it('raw LUKS and qcow2 with LUKS through qemu-img, the passphrase read through the public API', async () => {
    stubTables.secret = secrets(join(dir, 'enc.qcow2'));
    const before = secretDirs();
    const raw = await pool.createXML(encrypted('enc.img', `uuid='${UUID}'`));
    const qcow = await pool.createXML(encrypted('enc.qcow2', `usage='${join(dir, 'enc.qcow2')}'`, 'qcow2'));
    expect(secretDirs()).toEqual(before);

    // Each unlock costs a key derivation of seconds on a busy host: one right, one wrong.
    expect(opens(join(dir, 'enc.img'), 'raw', PASSPHRASE)).toBe(true);
    expect(opens(join(dir, 'enc.img'), 'raw', 'wrong')).toBe(false);
    expect(imageInfo(join(dir, 'enc.qcow2'))).toMatchObject({ format: 'qcow2', encrypted: true });

    const xml = await raw.getXMLDesc();
    expect(xml).toContain(`<capacity unit='bytes'>${16 * MiB}</capacity>`);
    // As libvirt after a refresh: the volume secret whose usage is the volume's path, if any.
    expect(xml).toMatch(/<format type='raw'\/>[\s\S]*<encryption format='luks'>\n    <\/encryption>\n  <\/target>/);
    expect(await qcow.getXMLDesc()).toContain(
      "<encryption format='luks'>\n      <secret type='passphrase' uuid='11111111-2222-3333-4444-555555555555'/>\n    </encryption>");

    const clone = await virErrorOf(pool.createXMLFrom(volXML('copy.img', 16 * MiB), raw));
    expect(clone.code).toBe(ErrorCode.OPERATION_UNSUPPORTED);
    const missing = await virErrorOf(pool.createXML(encrypted('nosecret.img', "uuid='00000000-0000-0000-0000-000000000000'")));
    expect([missing.code, missing.message]).toEqual([ErrorCode.NO_SECRET, "Secret not found: no secret with matching uuid '00000000-0000-0000-0000-000000000000'"]);
    expect(existsSync(join(dir, 'nosecret.img'))).toBe(false);
    const qcow1 = await virErrorOf(pool.createXML(volXML('old.img', MiB, "<format type='qcow'/><encryption format='qcow'><secret type='passphrase' uuid='" + UUID + "'/></encryption>")));
    expect(qcow1.code).toBe(ErrorCode.CONFIG_UNSUPPORTED);
  });
});
