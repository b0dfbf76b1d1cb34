import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  connect, DomainEventDetail, DomainEventType, DomainMetadataType, DomainRunningReason, DomainShutoffReason, DomainSnapshotCreateFlags,
  DomainSnapshotDeleteFlags, DomainSnapshotListFlags, DomainState, DomainUndefineFlags, ErrorCode, ListDomainsFlags, type Connection,
  type Domain,
} from '@tsvirt/api';
import { defaultConn, domainXML, uniqueName, virErrorOf } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'tsvirt-state-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function running(conn: Connection, what: string): Promise<Domain> {
  const dom = await conn.defineXML(domainXML(uniqueName(what)));
  await dom.create();
  return dom;
}

/** Collects the lifecycle events of one domain while `body` runs. */
async function eventsOf(conn: Connection, dom: Domain, body: () => Promise<void>): Promise<Array<[number, number]>> {
  const got: Array<[number, number]> = [];
  const ac = new AbortController();
  const consumer = (async () => {
    for await (const e of conn.domainEvents({ signal: ac.signal })) {
      if (e.domain.getUUIDString() === dom.getUUIDString()) got.push([e.event, e.detail]);
    }
  })();
  await body();
  await new Promise((r) => setTimeout(r, 0));
  ac.abort();
  await consumer;
  return got;
}

describe('save and restore', () => {
  it('writes libvirt test driver images and restores the domain, restored, with a new id', async () => {
    const conn = await defaultConn();
    const dom = await running(conn, 'save');
    const path = join(tmp, `${dom.getName()}.img`);
    const events = await eventsOf(conn, dom, async () => {
      await dom.save(path);
      expect(await dom.getState()).toEqual([DomainState.SHUTOFF, DomainShutoffReason.SAVED]);
      await conn.restore(path);
    });
    const image = readFileSync(path);
    // python3-libvirt 9.0: "TestGuestMagic\0", the XML length (native int), then the live XML.
    expect(image.subarray(0, 15).toString('latin1')).toBe('TestGuestMagic\0');
    expect(image.readInt32LE(15)).toBe(image.length - 19);
    expect(image.subarray(19).toString()).toMatch(/^<domain type='test' id='\d+'>/);
    expect(await dom.getState()).toEqual([DomainState.RUNNING, DomainRunningReason.RESTORED]);
    expect(events).toEqual([
      [DomainEventType.STOPPED, DomainEventDetail.STOPPED.SAVED],
      [DomainEventType.STARTED, DomainEventDetail.STARTED.RESTORED],
    ]);
    expect(await conn.saveImageGetXMLDesc(path)).toContain(`<name>${dom.getName()}</name>`);
    await dom.destroy();
  });

  it('refuses what the test driver refuses, with its messages', async () => {
    const conn = await defaultConn();
    const dom = await running(conn, 'savebad');
    expect((await virErrorOf(dom.save(join(tmp, 'x.img'), undefined, 2))).message)
      .toBe('unsupported flags (0x2) in function testDomainSaveFlags');
    expect((await virErrorOf(dom.save(join(tmp, 'x.img'), '<domain/>'))).message).toBe('argument unsupported: xml modification unsupported');
    expect((await virErrorOf(dom.save(join(tmp, 'x.img'), undefined, 6))).message)
      .toBe("Flags 'VIR_DOMAIN_SAVE_RUNNING' and 'VIR_DOMAIN_SAVE_PAUSED' are mutually exclusive");
    const junk = join(tmp, 'junk.img');
    writeFileSync(junk, "<domain type='test'/>");
    expect((await virErrorOf(conn.restore(junk))).message).toBe('internal error: mismatched header magic');
    expect((await virErrorOf(conn.restore(join(tmp, 'none.img')))).code).toBe(ErrorCode.SYSTEM_ERROR);
    await dom.destroy();
  });
});

describe('managed save', () => {
  it('marks the domain, lists it, refuses undefine, and is forgotten at the next start', async () => {
    const conn = await defaultConn();
    const dom = await running(conn, 'msave');
    await dom.managedSave();
    expect(await dom.hasManagedSaveImage()).toBe(true);
    expect((await conn.listAllDomains(ListDomainsFlags.MANAGEDSAVE)).map((d) => d.getName())).toContain(dom.getName());
    expect((await virErrorOf(dom.undefine())).code).toBe(ErrorCode.OPERATION_INVALID);
    await dom.create();
    expect(await dom.hasManagedSaveImage()).toBe(false);
    await dom.destroy();
    await dom.undefine();
  });
});

describe('snapshots', () => {
  it('builds a tree under the current snapshot and lists it with libvirt filters', async () => {
    const conn = await defaultConn();
    const dom = await running(conn, 'snap');
    for (const n of ['a', 'b']) await dom.snapshotCreateXML(`<domainsnapshot><name>${n}</name></domainsnapshot>`);
    await (await dom.snapshotLookupByName('a')).revert();
    await dom.snapshotCreateXML('<domainsnapshot><name>c</name></domainsnapshot>');
    expect(await dom.snapshotListNames()).toEqual(['a', 'b', 'c']);
    expect(await dom.snapshotListNames(DomainSnapshotListFlags.ROOTS)).toEqual(['a']);
    expect(await dom.snapshotListNames(DomainSnapshotListFlags.LEAVES)).toEqual(['b', 'c']);
    expect(await (await dom.snapshotLookupByName('a')).listChildrenNames()).toEqual(['b', 'c']);
    expect((await dom.snapshotCurrent()).getName()).toBe('c');
    expect((await (await dom.snapshotLookupByName('c')).getParent()).getName()).toBe('a');
    expect((await conn.listAllDomains(ListDomainsFlags.HAS_SNAPSHOT)).map((d) => d.getName())).toContain(dom.getName());
    expect((await virErrorOf(dom.snapshotCreateXML('<domainsnapshot><name>a</name></domainsnapshot>'))).message)
      .toBe('operation failed: domain moment a already exists');

    await (await dom.snapshotLookupByName('a')).delete();
    expect(await dom.snapshotListNames(DomainSnapshotListFlags.ROOTS)).toEqual(['b', 'c']);
    await (await dom.snapshotLookupByName('c')).delete(DomainSnapshotDeleteFlags.CHILDREN);
    expect(await dom.hasCurrentSnapshot()).toBe(false);
    await dom.destroy();
    expect((await virErrorOf(dom.undefine())).message).toBe('Requested operation is not valid: cannot delete inactive domain with 1 snapshots');
    await dom.undefine(DomainUndefineFlags.SNAPSHOTS_METADATA);
  });

  it('reverts with a restart and libvirt 9.0 test driver events', async () => {
    const conn = await defaultConn();
    const dom = await running(conn, 'revert');
    const snap = await dom.snapshotCreateXML('<domainsnapshot><name>r</name></domainsnapshot>');
    const events = await eventsOf(conn, dom, () => snap.revert());
    expect(events).toEqual([
      [DomainEventType.STOPPED, DomainEventDetail.STOPPED.FROM_SNAPSHOT],
      [DomainEventType.STARTED, DomainEventDetail.STARTED.FROM_SNAPSHOT],
    ]);
    expect(await dom.getState()).toEqual([DomainState.RUNNING, DomainRunningReason.FROM_SNAPSHOT]);
    expect((await virErrorOf(dom.snapshotCreateXML('<domainsnapshot/>', DomainSnapshotCreateFlags.CURRENT))).message)
      .toBe("Flag 'VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE' is required by flag 'VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT'");
    await dom.destroy();
  });
});

describe('metadata and rename', () => {
  it('keeps live and persistent descriptions apart and namespaced elements by uri', async () => {
    const conn = await defaultConn();
    const dom = await running(conn, 'meta');
    await dom.setMetadata(DomainMetadataType.DESCRIPTION, 'live', undefined, undefined, 1);
    expect(await dom.metadata(DomainMetadataType.DESCRIPTION, undefined, 1)).toBe('live');
    expect((await virErrorOf(dom.metadata(DomainMetadataType.DESCRIPTION, undefined, 2))).code).toBe(ErrorCode.NO_DOMAIN_METADATA);
    await dom.setMetadata(DomainMetadataType.ELEMENT, '<foo a="1"><bar/></foo>', 'k', 'http://x.org/');
    expect(await dom.metadata(DomainMetadataType.ELEMENT, 'http://x.org/')).toBe('<foo a="1">\n  <bar/>\n</foo>');
    expect(await dom.getXMLDesc()).toContain('<k:foo xmlns:k="http://x.org/" a="1">');
    await dom.destroy();
  });

  it('renames a shut-off domain with UNDEFINED and DEFINED renamed events', async () => {
    const conn = await defaultConn();
    const dom = await conn.defineXML(domainXML(uniqueName('rename')));
    const to = uniqueName('renamed');
    const events = await eventsOf(conn, dom, () => dom.rename(to));
    expect(dom.getName()).toBe(to);
    expect(events).toEqual([
      [DomainEventType.UNDEFINED, DomainEventDetail.UNDEFINED.RENAMED],
      [DomainEventType.DEFINED, DomainEventDetail.DEFINED.RENAMED],
    ]);
    expect((await virErrorOf(dom.rename(to))).message).toBe("Requested operation is not valid: Can't rename domain to itself");
    await dom.undefine();
  });
});

describe('custom config test: namespace', () => {
  it('reads transient, hasmanagedsave, runstate and snapshots, and keeps them out of the XML', async () => {
    const path = join(tmp, 'node.xml');
    const dom = (name: string, inner: string): string =>
      `<domain type='test'><name>${name}</name><memory>1024</memory><os><type>hvm</type></os>${inner}</domain>`;
    writeFileSync(path, `<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
  ${dom('t', '<test:transient/>')}
  ${dom('m', '<test:hasmanagedsave/><test:runstate>5</test:runstate>')}
  ${dom('s', `<test:domainsnapshot><name>x</name><state>running</state><creationTime>5</creationTime><active>1</active></test:domainsnapshot>
    <test:runstate>5</test:runstate>`)}
</node>`);
    const conn = await connect(`test://${path}`);
    expect(await (await conn.lookupByName('t')).isPersistent()).toBe(false);
    expect(await (await conn.lookupByName('m')).hasManagedSaveImage()).toBe(true);
    const s = await conn.lookupByName('s');
    expect((await s.snapshotCurrent()).getName()).toBe('x');
    expect(await s.getXMLDesc()).not.toContain('test:');
    await conn.close();

    writeFileSync(path, `<node>${dom('bad', "<test:transient xmlns:test='http://libvirt.org/schemas/domain/test/1.0'/><test:runstate>5</test:runstate>")}</node>`);
    expect((await virErrorOf(connect(`test://${path}`))).message).toContain("transient domain cannot have runstate 'shutoff'");
  });
});
