import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode, ErrorDomain } from '@tsvirt/util';
import { LocalDomainStore, currentDefinition, defineStateFile, storedUuid, v, type DomainStatusKind } from '../src/state/index.js';

const dir = mkdtempSync(join(tmpdir(), `tsvirt-store-${process.pid}-`));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Status = { phase: 'active'; name: string; uuid: string; xml: string } | { phase: 'inactive'; name: string };
type Active = Extract<Status, { phase: 'active' }>;

const STATUS = defineStateFile<Status>({
  kind: 'test-domain-status',
  version: 1,
  migrate: { 0: (d) => d },
  domain: ErrorDomain.LXC,
  schema: v.variant('phase', [
    v.object({ phase: v.literal('active'), name: v.string(), uuid: v.string(), xml: v.string() }),
    v.object({ phase: v.literal('inactive'), name: v.string() }),
  ]),
});
const KIND: DomainStatusKind<Status, Active> = {
  arch: 'x86_64', isActive: (s): s is Active => s?.phase === 'active', liveXml: (s) => s.xml, liveUuid: (s) => s.uuid,
};
const UUID = 'c7a5fdbd-edaf-9455-926a-d65c16db1809';
const domainXML = (name: string, memory = 1024): string =>
  `<domain type='lxc'><name>${name}</name><uuid>${UUID}</uuid><memory>${memory}</memory><os><type>exe</type><init>/sbin/init</init></os></domain>`;

let n = 0;
function newStore(): LocalDomainStore<Status, Active> {
  const root = join(dir, `root${n++}`);
  return new LocalDomainStore({ ...KIND, configDir: join(root, 'etc'), stateDir: join(root, 'run'), domain: ErrorDomain.LXC, status: STATUS,
    lockWaitMs: 500, isSafeName: (name) => !name.startsWith('.') });
}

describe("conf's local-domain store", () => {
  it('saves, loads and removes definitions, and tells the definition in effect', async () => {
    const store = newStore();
    await store.saveConfig('a', domainXML('a'));
    expect(await store.listNames()).toEqual(['a']);
    const a = (await store.load('a'))!;
    expect(a.hasConfig).toBe(true);
    expect(a.persistentDef?.memoryKiB).toBe(1024);
    expect(storedUuid(KIND, a)).toBe(UUID);
    await store.writeStatus({ phase: 'active', name: 'a', uuid: UUID, xml: domainXML('a', 2048) });
    const live = (await store.load('a'))!;
    expect(currentDefinition(KIND, live).memoryKiB).toBe(2048);
    expect(await store.loadActiveStatuses()).toHaveLength(1);
    await store.removeConfig('a');
    await store.removeStatus('a');
    expect(await store.load('a')).toBeUndefined();
  });

  it('keeps status files versioned, migrates the unversioned ones and refuses one naming another domain', async () => {
    const store = newStore();
    await store.writeStatus({ phase: 'inactive', name: 'b' });
    expect(JSON.parse(readFileSync(store.statusFile('b'), 'utf8'))).toMatchObject({ tsvirt: 'test-domain-status', version: 1 });
    writeFileSync(store.statusFile('c'), JSON.stringify({ phase: 'active', name: 'c', uuid: UUID, xml: domainXML('c') }));
    expect((await store.readStatus('c'))?.phase).toBe('active');
    writeFileSync(store.statusFile('d'), JSON.stringify({ phase: 'inactive', name: 'other' }));
    await expect(store.readStatus('d')).rejects.toMatchObject({
      code: ErrorCode.INTERNAL_ERROR, domain: ErrorDomain.LXC, message: expect.stringContaining("it names domain 'other'"),
    });
  });

  it('skips (and logs) a definition or status that cannot be read when loading them all', async () => {
    const store = newStore();
    await store.saveConfig('good', domainXML('good'));
    await store.saveConfig('bad', '<domain type="lxc"><name>bad</name><vcpu>999999999999999999999</vcpu></domain>');
    mkdirSync(store.opts.stateDir, { recursive: true });
    writeFileSync(store.statusFile('torn'), '{"phase": "act');
    expect((await store.loadAll()).map((d) => d.name)).toEqual(['good']);
    expect(await store.loadActiveStatuses()).toEqual([]);
    await expect(store.load('bad').then((d) => d?.persistentDef)).rejects.toMatchObject({ code: ErrorCode.XML_ERROR });
  });

  it('never looks up a name that could not be one of its own files', async () => {
    const store = newStore();
    mkdirSync(join(store.opts.configDir), { recursive: true });
    writeFileSync(join(store.opts.configDir, '.hidden.xml'), domainXML('.hidden'));
    expect(await store.listNames()).toEqual([]);
    expect(await store.load('.hidden')).toBeUndefined();
  });

  it('marks autostart with a link to the definition', async () => {
    const store = newStore();
    await store.saveConfig('e', domainXML('e'));
    expect(await store.hasAutostart('e')).toBe(false);
    await store.setAutostart('e', true);
    expect(await store.hasAutostart('e')).toBe(true);
    await store.setAutostart('e', false);
    expect(existsSync(store.autostartLink('e'))).toBe(false);
  });

  it('gives ids in order and serialises jobs on a domain between holders', async () => {
    const store = newStore();
    expect(await store.withDriverLock(() => store.allocateId())).toBe(1);
    expect(await store.withDriverLock(() => store.allocateId())).toBe(2);
    let err: unknown;
    await store.withDomainJob('f', async () => {
      err = await store.withDomainJob('f', async () => 'inner').catch((e: unknown) => e);
    });
    expect(err).toMatchObject({ code: ErrorCode.OPERATION_TIMEOUT, domain: ErrorDomain.LXC });
    expect(await store.withDomainJob('f', async () => 'after')).toBe('after');
  });
});
