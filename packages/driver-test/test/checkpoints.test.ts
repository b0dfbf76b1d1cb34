import { describe, expect, it } from 'vitest';
import {
  DomainCheckpointCreateFlags as C, DomainCheckpointDeleteFlags as Del, DomainCheckpointListFlags as L, DomainCheckpointXMLFlags as X,
  ErrorCode, ListDomainsFlags, type Connection, type Domain,
} from '@tsvirt/api';
import { defaultConn, domainXML, uniqueName, virErrorOf } from './helpers.js';

async function running(conn: Connection): Promise<Domain> {
  const dom = await conn.defineXML(domainXML(uniqueName('cp')));
  await dom.create();
  return dom;
}

const names = async (p: Promise<Array<{ getName(): string }>>): Promise<string[]> => (await p).map((c) => c.getName());

describe('checkpoints', () => {
  it('chains new checkpoints under the current one and lists them by flags', async () => {
    const conn = await defaultConn();
    const dom = await running(conn);
    for (const n of ['c1', 'c3', 'c2']) await dom.checkpointCreateXML(`<domaincheckpoint><name>${n}</name></domaincheckpoint>`);
    expect(await names(dom.listAllCheckpoints())).toEqual(['c1', 'c3', 'c2']);
    expect(await names(dom.listAllCheckpoints(L.ROOTS))).toEqual(['c1']);
    expect(await names(dom.listAllCheckpoints(L.LEAVES))).toEqual(['c2']);
    const c1 = await dom.checkpointLookupByName('c1');
    expect(await names(c1.listAllChildren())).toEqual(['c3']);
    expect(await names(c1.listAllChildren(L.DESCENDANTS))).toEqual(['c3', 'c2']);
    expect((await (await dom.checkpointLookupByName('c2')).getParent()).getName()).toBe('c3');
    expect((await virErrorOf(c1.getParent())).code).toBe(ErrorCode.NO_DOMAIN_CHECKPOINT);
    expect((await conn.listAllDomains(ListDomainsFlags.HAS_CHECKPOINT)).map((d) => d.getName())).toContain(dom.getName());
  });

  it('formats the XML with the domain unless NO_DOMAIN, a bitmap per disk named after the checkpoint', async () => {
    const dom = await running(await defaultConn());
    const cp = await dom.checkpointCreateXML('<domaincheckpoint><name>c1</name><description>d</description></domaincheckpoint>');
    const xml = await cp.getXMLDesc(X.NO_DOMAIN);
    expect(xml).toMatch(/^<domaincheckpoint>\n  <name>c1<\/name>\n  <description>d<\/description>\n  <creationTime>\d+<\/creationTime>\n/);
    expect(xml).not.toContain('<domain ');
    expect(await cp.getXMLDesc()).toContain('<domain type=');
  });

  it('deletes with children moved up, or children only; refuses both flags together', async () => {
    const dom = await running(await defaultConn());
    for (const n of ['a', 'b', 'c']) await dom.checkpointCreateXML(`<domaincheckpoint><name>${n}</name></domaincheckpoint>`);
    const a = await dom.checkpointLookupByName('a');
    expect((await virErrorOf(a.delete(Del.CHILDREN | Del.CHILDREN_ONLY))).code).toBe(ErrorCode.INVALID_ARG);
    await (await dom.checkpointLookupByName('b')).delete();
    expect(await names(a.listAllChildren())).toEqual(['c']);
    await a.delete(Del.CHILDREN_ONLY);
    expect(await names(dom.listAllCheckpoints())).toEqual(['a']);
  });

  it('refuses an inactive domain, a duplicate name, a snapshot beside checkpoints, and a redefinition without its parent', async () => {
    const conn = await defaultConn();
    const off = await conn.defineXML(domainXML(uniqueName('cp-off')));
    const codeOf = async (p: Promise<unknown>): Promise<number> => (await virErrorOf(p)).code;
    expect(await codeOf(off.checkpointCreateXML('<domaincheckpoint/>'))).toBe(ErrorCode.OPERATION_UNSUPPORTED);
    const dom = await running(conn);
    await dom.checkpointCreateXML('<domaincheckpoint><name>x</name></domaincheckpoint>');
    expect(await codeOf(dom.checkpointCreateXML('<domaincheckpoint><name>x</name></domaincheckpoint>'))).toBe(ErrorCode.OPERATION_FAILED);
    expect(await codeOf(dom.snapshotCreateXML('<domainsnapshot/>'))).toBe(ErrorCode.OPERATION_UNSUPPORTED);
    const orphan = '<domaincheckpoint><name>y</name><parent><name>nope</name></parent><creationTime>1</creationTime></domaincheckpoint>';
    expect(await codeOf(dom.checkpointCreateXML(orphan, C.REDEFINE))).toBe(ErrorCode.INVALID_ARG);
    expect(await codeOf(dom.checkpointCreateXML('<domaincheckpoint><bogus/></domaincheckpoint>'))).toBe(ErrorCode.XML_INVALID_SCHEMA);
  });
});
