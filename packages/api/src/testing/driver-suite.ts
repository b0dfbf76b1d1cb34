import { randomUUID } from 'node:crypto';
import { ErrorCode, VirError, parseURI } from '@tsvirt/util';
import { connect } from '../connect.js';
import { virErrorOf } from './vir-error-of.js';
import {
  DomainEventDetail, DomainEventType, DomainShutoffReason, DomainState, DomainXMLFlags, ListDomainsFlags,
} from '../flags.js';
import type { Connection } from '../objects/connection.js';
import type { Domain } from '../objects/domain.js';

/** What a test receives from the runner; `skip` marks it skipped (vitest's context has it). */
export interface SuiteTestContext {
  skip?: (note?: string) => void;
}

/** The assertions the suite uses: a subset of vitest's (and jest's) `expect`. */
export interface SuiteMatchers {
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
  toContain(item: unknown): void;
  toMatch(expected: string | RegExp): void;
  toBeGreaterThan(n: number): void;
  readonly not: SuiteMatchers;
}

/**
 * What a driver legitimately lacks, each with the reason printed when the tests that need it are
 * skipped. Anything not listed is required: a driver that lacks it fails the suite.
 */
export interface DriverSuiteLacks {
  /** Domains cannot run (a driver that only keeps definitions): every test that starts one is skipped. */
  readonly start?: string;
  /** virDomainSuspend/virDomainResume (the suspend test also skips by itself on NO_SUPPORT). */
  readonly suspend?: string;
  /** Lifecycle events (virConnectDomainEventRegisterAny). */
  readonly events?: string;
  /** A second, read-only connection to the same URI (an embedded driver whose root one connection holds). */
  readonly readonlyConnection?: string;
}

/** The test functions the suite is built with, passed in so that this module never imports a test runner. */
export interface DriverSuiteOptions {
  /** Shown in the suite's title, e.g. `test` or `qemu`. */
  readonly name: string;
  /** The connection URI the suite opens, e.g. `test:///default`. */
  readonly uri: string;
  readonly describe: (name: string, fn: () => void) => void;
  readonly it: (name: string, fn: (ctx: SuiteTestContext) => Promise<void>, timeout?: number) => void;
  readonly expect: (actual: unknown, message?: string) => SuiteMatchers;
  /** When given, the connection is opened here; otherwise on first use. */
  readonly beforeAll?: (fn: () => Promise<void>, timeout?: number) => void;
  /** When given, leftover domains are removed and the connections closed here. */
  readonly afterAll?: (fn: () => Promise<void>, timeout?: number) => void;
  /**
   * A minimal domain the driver can define and start, named `name`. The suite sets its UUID
   * (replacing any `<uuid>` the XML has), so every domain it makes is its own.
   */
  readonly makeDomainXML: (name: string) => string;
  /** Prefix of the domain names the suite makes (default `tsvirt-suite`); each name is unique. */
  readonly namePrefix?: string;
  /** Timeout of each test in milliseconds (the runner's default when absent). */
  readonly timeoutMs?: number;
  /** How long lifecycle events may take to arrive (default 5000 ms). */
  readonly eventTimeoutMs?: number;
  /** What the driver legitimately lacks (DriverSuiteLacks); the tests needing it are skipped with the reason. */
  readonly lacks?: DriverSuiteLacks;
}

/** `xml` with its `<uuid>` replaced by (or set to) `uuid`, right after `<name>`. */
export function withUUID(xml: string, uuid: string): string {
  const without = xml.replace(/\s*<uuid>[^<]*<\/uuid>/, '');
  const at = without.indexOf('</name>');
  if (at < 0) throw new Error('makeDomainXML returned XML without a <name> element');
  const end = at + '</name>'.length;
  const indent = /\n([ \t]*)<name>/.exec(without)?.[1] ?? '';
  return `${without.slice(0, end)}\n${indent}<uuid>${uuid}</uuid>${without.slice(end)}`;
}


const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (!cond() && Date.now() < until) await sleep(10);
  return cond();
}

/**
 * Registers the tests every hypervisor driver must pass through the public API: connect, define,
 * look up, list, start, dump XML, suspend/resume (unless NO_SUPPORT), destroy, undefine, libvirt's
 * errors and messages, lifecycle events and read-only refusal. A driver package's own tests call it
 * first, then add their own cases:
 *
 * ```ts
 * import { afterAll, beforeAll, describe, expect, it } from 'vitest';
 * import { defineDriverSuite } from '@tsvirt/api/testing';
 * defineDriverSuite({ name: 'test', uri: 'test:///default', describe, it, expect, beforeAll, afterAll,
 *   makeDomainXML: (name) => `<domain type='test'><name>${name}</name>...</domain>` });
 * ```
 *
 * Every domain the suite makes has a unique name and UUID and is removed when its test ends, so
 * the suite can run against a host whose state other tests share (`test:///default`).
 */
export function defineDriverSuite(opts: DriverSuiteOptions): void {
  const { describe, it: runnerIt, expect, uri } = opts;
  const prefix = opts.namePrefix ?? 'tsvirt-suite';
  const eventTimeoutMs = opts.eventTimeoutMs ?? 5000;
  const run = Math.random().toString(36).slice(2, 8);
  let counter = 0;
  const uniqueName = (): string => `${prefix}-${run}-${++counter}`;

  let conn: Connection | undefined;
  const extra: Connection[] = [];
  const made: Domain[] = [];
  const getConn = async (): Promise<Connection> => (conn ??= await connect(uri));

  const lacks = opts.lacks ?? {};
  /** A test that needs the capabilities `needs`: skipped, with the reason, when the driver lacks one. */
  const it = (name: string, fn: (ctx: SuiteTestContext) => Promise<void>, needs: ReadonlyArray<keyof DriverSuiteLacks> = []): void => {
    const body = async (ctx: SuiteTestContext): Promise<void> => {
      const missing = needs.find((n) => lacks[n] !== undefined);
      if (missing) {
        ctx.skip?.(`the driver lacks ${missing}: ${lacks[missing]}`);
        return;
      }
      await fn(ctx);
    };
    if (opts.timeoutMs === undefined) runnerIt(name, body);
    else runnerIt(name, body, opts.timeoutMs);
  };

  /** Removes a domain the suite made, whatever state a failed test left it in. */
  async function cleanup(dom: Domain): Promise<void> {
    try {
      if (await dom.isActive()) await dom.destroy();
    } catch {
      // already gone
    }
    try {
      await dom.undefine();
    } catch {
      // transient or already gone
    }
  }

  /** Defines a fresh domain, runs `fn` on it and removes it afterwards. */
  async function withDomain(fn: (c: Connection, dom: Domain, name: string, uuid: string) => Promise<void>): Promise<void> {
    const c = await getConn();
    const name = uniqueName();
    const uuid = randomUUID();
    const dom = await c.defineXML(withUUID(opts.makeDomainXML(name), uuid));
    made.push(dom);
    try {
      await fn(c, dom, name, uuid);
    } finally {
      await cleanup(dom);
    }
  }

  const names = (doms: Domain[]): string[] => doms.map((d) => d.getName());

  /** The attributes of the root `<domain ...>` element. */
  const rootTag = (xml: string): string => /<domain\b[^>]*>/.exec(xml)?.[0] ?? '';

  describe(`driver suite: ${opts.name} (${uri})`, () => {
    if (opts.beforeAll) {
      opts.beforeAll(async () => {
        await getConn();
      }, opts.timeoutMs);
    }
    if (opts.afterAll) {
      opts.afterAll(async () => {
        for (const dom of made) await cleanup(dom);
        for (const c of [conn, ...extra]) await c?.close();
        conn = undefined;
      }, opts.timeoutMs);
    }

    it('connects', async () => {
      const c = await getConn();
      expect(parseURI(c.getURI()).driver).toBe(parseURI(uri).driver);
      expect(c.isReadOnly()).toBe(false);
    });

    it('defines a domain and looks it up by name and by UUID', async () => {
      await withDomain(async (c, dom, name, uuid) => {
        expect(dom.getName()).toBe(name);
        expect(dom.getUUIDString()).toBe(uuid);
        expect(dom.getID()).toBe(-1);
        expect(await dom.isActive()).toBe(false);
        expect(await dom.isPersistent()).toBe(true);
        expect((await dom.getState())[0], 'state').toBe(DomainState.SHUTOFF);

        const byName = await c.lookupByName(name);
        expect(byName.getUUIDString()).toBe(uuid);
        const byUUID = await c.lookupByUUIDString(uuid);
        expect(byUUID.getName()).toBe(name);
        expect((await c.lookupByUUIDString(uuid.toUpperCase())).getName()).toBe(name);
      });
    });

    it('lists a defined domain as inactive and a running one as active', async () => {
      await withDomain(async (c, dom, name) => {
        expect(names(await c.listAllDomains())).toContain(name);
        expect(names(await c.listAllDomains(ListDomainsFlags.INACTIVE))).toContain(name);
        expect(names(await c.listAllDomains(ListDomainsFlags.ACTIVE))).not.toContain(name);

        await dom.create();
        expect(names(await c.listAllDomains(ListDomainsFlags.ACTIVE))).toContain(name);
        expect(names(await c.listAllDomains(ListDomainsFlags.INACTIVE))).not.toContain(name);
        expect(names(await c.listAllDomains(ListDomainsFlags.ACTIVE | ListDomainsFlags.INACTIVE))).toContain(name);
        const listed = (await c.listAllDomains(ListDomainsFlags.ACTIVE)).find((d) => d.getName() === name);
        expect(listed?.getID()).toBe(dom.getID());
      });
    }, ['start']);

    it('starts a domain: RUNNING, with an id', async () => {
      await withDomain(async (c, dom, name) => {
        await dom.create();
        expect(dom.getID()).toBeGreaterThan(0);
        expect((await dom.getState())[0], 'state').toBe(DomainState.RUNNING);
        expect(await dom.isActive()).toBe(true);
        expect((await c.lookupByName(name)).getID()).toBe(dom.getID());
      });
    }, ['start']);

    it('getXMLDesc names the domain and its UUID, with id= only while running', async () => {
      await withDomain(async (_c, dom, name, uuid) => {
        const inactive = await dom.getXMLDesc();
        expect(inactive).toContain(`<name>${name}</name>`);
        expect(inactive).toContain(`<uuid>${uuid}</uuid>`);
        expect(rootTag(inactive)).not.toMatch(/\sid=/);

        await dom.create();
        const live = await dom.getXMLDesc();
        expect(live).toContain(`<name>${name}</name>`);
        expect(live).toContain(`<uuid>${uuid}</uuid>`);
        expect(rootTag(live)).toMatch(new RegExp(`\\sid=['"]${dom.getID()}['"]`));
        expect(rootTag(await dom.getXMLDesc(DomainXMLFlags.INACTIVE))).not.toMatch(/\sid=/);

        await dom.destroy();
        expect(rootTag(await dom.getXMLDesc())).not.toMatch(/\sid=/);
      });
    }, ['start']);

    it('suspends and resumes a running domain (skipped only on NO_SUPPORT)', async (ctx) => {
      await withDomain(async (_c, dom) => {
        await dom.create();
        try {
          await dom.suspend();
        } catch (e) {
          if (e instanceof VirError && e.code === ErrorCode.NO_SUPPORT) {
            ctx.skip?.('the driver does not support virDomainSuspend');
            return;
          }
          throw e;
        }
        expect((await dom.getState())[0], 'state after suspend').toBe(DomainState.PAUSED);
        await dom.resume();
        expect((await dom.getState())[0], 'state after resume').toBe(DomainState.RUNNING);
      });
    }, ['start', 'suspend']);

    it('destroy leaves the domain SHUTOFF (destroyed)', async () => {
      await withDomain(async (c, dom, name) => {
        await dom.create();
        await dom.destroy();
        expect(await dom.getState()).toEqual([DomainState.SHUTOFF, DomainShutoffReason.DESTROYED]);
        expect(await dom.isActive()).toBe(false);
        expect(dom.getID()).toBe(-1);
        expect((await c.lookupByName(name)).getID()).toBe(-1);
      });
    }, ['start']);

    it('undefine removes the domain: lookups raise NO_DOMAIN', async () => {
      const c = await getConn();
      const name = uniqueName();
      const uuid = randomUUID();
      const dom = await c.defineXML(withUUID(opts.makeDomainXML(name), uuid));
      made.push(dom);
      await dom.undefine();
      expect((await virErrorOf(c.lookupByName(name))).code).toBe(ErrorCode.NO_DOMAIN);
      expect((await virErrorOf(c.lookupByUUIDString(uuid))).code).toBe(ErrorCode.NO_DOMAIN);
      expect(names(await c.listAllDomains())).not.toContain(name);
    });

    describe('errors', () => {
      it('defining malformed XML raises XML_ERROR or XML_DETAIL', async () => {
        const c = await getConn();
        for (const bad of ['not xml at all', `<domain type='x'><name>${uniqueName()}</name>`, '<domain']) {
          const e = await virErrorOf(c.defineXML(bad));
          expect([ErrorCode.XML_ERROR, ErrorCode.XML_DETAIL], `code for ${bad}: ${e.message}`).toContain(e.code);
          expect(e.message.length).toBeGreaterThan(0);
        }
      });

      it("looking up an unknown name raises NO_DOMAIN with libvirt's message", async () => {
        const c = await getConn();
        const name = uniqueName();
        const e = await virErrorOf(c.lookupByName(name));
        expect(e.code).toBe(ErrorCode.NO_DOMAIN);
        // The test driver reports no detail; the others name the domain.
        expect([`Domain not found`, `Domain not found: no domain with matching name '${name}'`]).toContain(e.message);
        expect((await virErrorOf(c.lookupByUUIDString(randomUUID()))).code).toBe(ErrorCode.NO_DOMAIN);
      });

      it('destroying an inactive domain raises OPERATION_INVALID', async () => {
        await withDomain(async (_c, dom) => {
          const e = await virErrorOf(dom.destroy());
          expect(e.code).toBe(ErrorCode.OPERATION_INVALID);
          expect(e.message).toBe('Requested operation is not valid: domain is not running');
        });
      });

      it('defining a second domain with the same name and another UUID raises OPERATION_FAILED', async () => {
        await withDomain(async (c, _dom, name, uuid) => {
          const e = await virErrorOf(c.defineXML(withUUID(opts.makeDomainXML(name), randomUUID())));
          expect(e.code).toBe(ErrorCode.OPERATION_FAILED);
          expect(e.message).toBe(`operation failed: domain '${name}' already exists with uuid ${uuid}`);
          expect((await c.lookupByName(name)).getUUIDString()).toBe(uuid);
        });
      });
    });

    it('lifecycle events arrive in order and the stream ends when its signal aborts', async () => {
      const c = await getConn();
      const name = uniqueName();
      const uuid = randomUUID();
      const ac = new AbortController();
      const stream = c.domainEvents({ signal: ac.signal });
      const lifecycle = new Set<number>([DomainEventType.DEFINED, DomainEventType.STARTED, DomainEventType.STOPPED, DomainEventType.UNDEFINED]);
      const seen: Array<[number, number]> = [];
      const uuids = new Set<string>();
      const consumer = (async () => {
        for await (const e of stream) {
          if (e.domain.getName() !== name || !lifecycle.has(e.event)) continue;
          seen.push([e.event, e.detail]);
          uuids.add(e.domain.getUUIDString());
        }
      })();

      const dom = await c.defineXML(withUUID(opts.makeDomainXML(name), uuid));
      made.push(dom);
      try {
        await dom.create();
        await dom.destroy();
        await dom.undefine();
        await waitFor(() => seen.length >= 4, eventTimeoutMs);
      } finally {
        ac.abort();
      }
      const ended = await Promise.race([consumer.then(() => true), sleep(eventTimeoutMs).then(() => false)]);
      expect(ended, 'the event stream ends when its signal aborts').toBe(true);
      expect(seen).toEqual([
        [DomainEventType.DEFINED, DomainEventDetail.DEFINED.ADDED],
        [DomainEventType.STARTED, DomainEventDetail.STARTED.BOOTED],
        [DomainEventType.STOPPED, DomainEventDetail.STOPPED.DESTROYED],
        [DomainEventType.UNDEFINED, DomainEventDetail.UNDEFINED.REMOVED],
      ]);
      expect([...uuids]).toEqual([uuid]);
    }, ['start', 'events']);

    it('a read-only connection refuses defineXML with OPERATION_DENIED', async () => {
      const ro = await connect(uri, { readonly: true });
      extra.push(ro);
      const name = uniqueName();
      expect(ro.isReadOnly()).toBe(true);
      const e = await virErrorOf(ro.defineXML(withUUID(opts.makeDomainXML(name), randomUUID())));
      expect(e.code).toBe(ErrorCode.OPERATION_DENIED);
      expect(e.message).toBe('operation forbidden: read only access prevents virDomainDefineXML');
      expect((await virErrorOf((await getConn()).lookupByName(name))).code).toBe(ErrorCode.NO_DOMAIN);
      // Reading still works.
      expect(Array.isArray(await ro.listAllDomains())).toBe(true);
    }, ['readonlyConnection']);
  });
}
