import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  DomainCreateFlags, DomainEventDetail, DomainEventType, DomainPausedReason, DomainRunningReason, DomainShutoffReason,
  DomainState, DomainXMLFlags, ErrorCode, ErrorDomain, ListDomainsFlags, type Connection, type Domain,
} from '@tsvirt/api';
import { defaultConn, domainXML, uniqueName, virErrorOf } from './helpers.js';

async function defined(conn: Connection, what: string, opts: Parameters<typeof domainXML>[1] = {}): Promise<Domain> {
  return conn.defineXML(domainXML(uniqueName(what), opts));
}

describe('domain ids', () => {
  it('are never reused', async () => {
    const conn = await defaultConn();
    const a = await defined(conn, 'ida');
    await a.create();
    const first = a.getID();
    expect(first).toBeGreaterThan(1);
    await a.destroy();
    await a.create();
    const second = a.getID();
    expect(second).toBeGreaterThan(first);

    const b = await conn.createXML(domainXML(uniqueName('idb')));
    expect(b.getID()).toBeGreaterThan(second);
    await b.destroy();
    await a.destroy();
    await a.create();
    expect(a.getID()).toBeGreaterThan(b.getID());

    // The old ids name nothing now.
    for (const id of [first, second, b.getID()]) {
      const e = await virErrorOf(conn.lookupByID(id));
      expect([e.code, e.domain, e.message]).toEqual([ErrorCode.NO_DOMAIN, ErrorDomain.TEST, 'Domain not found']);
    }
    expect((await conn.lookupByID(a.getID())).getName()).toBe(a.getName());
    await a.destroy();
    await a.undefine();
  });
});

describe('transient and persistent domains', () => {
  it('a transient domain disappears when destroyed', async () => {
    const conn = await defaultConn();
    const name = uniqueName('transient');
    const dom = await conn.createXML(domainXML(name));
    expect(dom.getID()).toBeGreaterThan(0);
    expect(await dom.isPersistent()).toBe(false);
    expect((await dom.getState())[0]).toBe(DomainState.RUNNING);
    expect((await conn.listAllDomains(ListDomainsFlags.TRANSIENT)).map((d) => d.getName())).toContain(name);
    expect((await conn.listAllDomains(ListDomainsFlags.PERSISTENT)).map((d) => d.getName())).not.toContain(name);
    await dom.destroy();
    const e = await virErrorOf(conn.lookupByName(name));
    expect([e.code, e.message]).toEqual([ErrorCode.NO_DOMAIN, 'Domain not found']);
  });

  it('a transient domain disappears when shut down too', async () => {
    const conn = await defaultConn();
    const name = uniqueName('transient-sd');
    const dom = await conn.createXML(domainXML(name));
    await dom.shutdown();
    expect((await virErrorOf(conn.lookupByName(name))).code).toBe(ErrorCode.NO_DOMAIN);
  });

  it('createXML refuses START_PAUSED, as libvirt 9.0\'s test driver does', async () => {
    const conn = await defaultConn();
    const e = await virErrorOf(conn.createXML(domainXML(uniqueName('paused')), DomainCreateFlags.START_PAUSED));
    expect([e.code, e.domain, e.message]).toEqual([ErrorCode.INVALID_ARG, ErrorDomain.TEST, 'unsupported flags (0x1) in function testDomainCreateXML']);
  });

  it('undefining a running persistent domain makes it transient', async () => {
    const conn = await defaultConn();
    const dom = await defined(conn, 'undef-running');
    await dom.create();
    await dom.undefine();
    expect(await dom.isActive()).toBe(true);
    expect(await dom.isPersistent()).toBe(false);
    expect((await conn.listAllDomains(ListDomainsFlags.TRANSIENT)).map((d) => d.getName())).toContain(dom.getName());
    await dom.destroy();
    expect((await virErrorOf(conn.lookupByName(dom.getName()))).code).toBe(ErrorCode.NO_DOMAIN);
  });

  it('undefining a transient domain is allowed, as in libvirt 9.0 test driver', async () => {
    const conn = await defaultConn();
    const dom = await conn.createXML(domainXML(uniqueName('undef-transient')));
    await dom.undefine();
    expect(await dom.isActive()).toBe(true);
    expect(await dom.isPersistent()).toBe(false);
    await dom.destroy();
  });

  it('redefining a running domain keeps the live XML and changes the inactive XML', async () => {
    const conn = await defaultConn();
    const uuid = randomUUID();
    const name = uniqueName('redefine');
    const dom = await conn.defineXML(domainXML(name, { uuid, memoryKiB: 1048576 }));
    await dom.create();
    const id = dom.getID();
    const live = await dom.getXMLDesc();

    const again = await conn.defineXML(domainXML(name, { uuid, memoryKiB: 524288 }));
    expect(again.getID()).toBe(id);
    expect(await dom.getXMLDesc()).toBe(live);
    expect(live).toContain("<memory unit='KiB'>1048576</memory>");
    const inactive = await dom.getXMLDesc(DomainXMLFlags.INACTIVE);
    expect(inactive).toContain("<memory unit='KiB'>524288</memory>");
    expect(inactive).not.toContain(' id=');

    // The new definition takes over when the domain stops.
    await dom.destroy();
    expect(await dom.getXMLDesc()).toContain("<memory unit='KiB'>524288</memory>");
    await dom.create();
    expect(await dom.getXMLDesc()).toContain("<memory unit='KiB'>524288</memory>");
    await dom.destroy();
    await dom.undefine();
  });

  it('createXML over a defined domain runs the new XML and keeps the persistent one', async () => {
    const conn = await defaultConn();
    const uuid = randomUUID();
    const name = uniqueName('create-over');
    const dom = await conn.defineXML(domainXML(name, { uuid, memoryKiB: 1048576 }));
    const running = await conn.createXML(domainXML(name, { uuid, memoryKiB: 524288 }));
    expect(await running.isPersistent()).toBe(true);
    expect(await running.getXMLDesc()).toContain("<memory unit='KiB'>524288</memory>");
    expect(await running.getXMLDesc(DomainXMLFlags.INACTIVE)).toContain("<memory unit='KiB'>1048576</memory>");
    await running.destroy();
    expect(await dom.getXMLDesc()).toContain("<memory unit='KiB'>1048576</memory>");
    expect(await dom.isPersistent()).toBe(true);
    await dom.undefine();
  });

  it('createXML of a running domain is refused', async () => {
    const conn = await defaultConn();
    const uuid = randomUUID();
    const name = uniqueName('create-twice');
    const dom = await conn.createXML(domainXML(name, { uuid }));
    const e = await virErrorOf(conn.createXML(domainXML(name, { uuid })));
    expect([e.code, e.domain, e.message]).toEqual([ErrorCode.OPERATION_INVALID, ErrorDomain.DOMAIN,
      `Requested operation is not valid: domain '${name}' is already active`]);
    await dom.destroy();
  });

  it('refuses to move a UUID to another name', async () => {
    const conn = await defaultConn();
    const uuid = randomUUID();
    const dom = await conn.defineXML(domainXML(uniqueName('uuid-a'), { uuid }));
    const e = await virErrorOf(conn.defineXML(domainXML(uniqueName('uuid-b'), { uuid })));
    expect([e.code, e.domain, e.message]).toEqual([ErrorCode.OPERATION_FAILED, ErrorDomain.DOMAIN,
      `operation failed: domain '${dom.getName()}' is already defined with uuid ${uuid}`]);
    await dom.undefine();
  });

  it('autostart is kept, even for a transient domain (as libvirt 9.0 test driver)', async () => {
    const conn = await defaultConn();
    const dom = await defined(conn, 'autostart');
    await dom.setAutostart(true);
    expect(await dom.getAutostart()).toBe(true);
    expect((await conn.listAllDomains(ListDomainsFlags.AUTOSTART)).map((d) => d.getName())).toContain(dom.getName());
    await dom.undefine();
    const t = await conn.createXML(domainXML(uniqueName('autostart-t')));
    await t.setAutostart(true);
    expect(await t.getAutostart()).toBe(true);
    await t.destroy();
  });
});

type Start = 'running' | 'paused' | 'shutoff';
type Op = 'suspend' | 'resume' | 'shutdown' | 'destroy' | 'reboot' | 'reset' | 'create';
/** The resulting [state, reason], or [code, error domain, message] with NAME for the domain name. */
type Outcome = { state: [number, number] } | { error: [number, number, string] };

const internal = (text: string): Outcome => ({ error: [ErrorCode.INTERNAL_ERROR, ErrorDomain.TEST, `internal error: ${text}`] });
const inactive: Outcome = {
  error: [ErrorCode.OPERATION_INVALID, ErrorDomain.DOMAIN, 'Requested operation is not valid: domain is not running'],
};
const S = DomainState;

/** Recorded from python3-libvirt 9.0.0 on test:///default: each operation from each state. */
const TRANSITIONS: Record<Start, Record<Op, Outcome>> = {
  running: {
    suspend: { state: [S.PAUSED, DomainPausedReason.USER] },
    resume: internal("domain 'NAME' not paused"),
    shutdown: { state: [S.SHUTOFF, DomainShutoffReason.SHUTDOWN] },
    destroy: { state: [S.SHUTOFF, DomainShutoffReason.DESTROYED] },
    reboot: { state: [S.RUNNING, DomainRunningReason.BOOTED] },
    reset: { state: [S.RUNNING, DomainRunningReason.BOOTED] },
    create: internal("Domain 'NAME' is already running"),
  },
  paused: {
    suspend: internal("domain 'NAME' not running"),
    resume: { state: [S.RUNNING, DomainRunningReason.UNPAUSED] },
    shutdown: { state: [S.SHUTOFF, DomainShutoffReason.SHUTDOWN] },
    destroy: { state: [S.SHUTOFF, DomainShutoffReason.DESTROYED] },
    reboot: { state: [S.RUNNING, DomainRunningReason.BOOTED] },
    reset: { state: [S.PAUSED, DomainPausedReason.USER] },
    create: internal("Domain 'NAME' is already running"),
  },
  shutoff: {
    suspend: internal("domain 'NAME' not running"),
    resume: internal("domain 'NAME' not paused"),
    shutdown: internal("domain 'NAME' not running"),
    destroy: inactive,
    reboot: inactive,
    reset: inactive,
    create: { state: [S.RUNNING, DomainRunningReason.BOOTED] },
  },
};

describe("each transition behaves as libvirt's test driver", () => {
  for (const [start, ops] of Object.entries(TRANSITIONS) as Array<[Start, Record<Op, Outcome>]>) {
    for (const [op, outcome] of Object.entries(ops) as Array<[Op, Outcome]>) {
      it(`${op} from ${start}`, async () => {
        const conn = await defaultConn();
        const dom = await defined(conn, `${op}-${start}`);
        if (start !== 'shutoff') await dom.create();
        if (start === 'paused') await dom.suspend();
        const call = (): Promise<void> => dom[op]();
        if ('state' in outcome) {
          await call();
          expect(await dom.getState()).toEqual(outcome.state);
        } else {
          const e = await virErrorOf(call());
          const [code, domain, message] = outcome.error;
          expect([e.code, e.domain, e.message]).toEqual([code, domain, message.replace('NAME', dom.getName())]);
        }
        if (await dom.isActive()) await dom.destroy();
        await dom.undefine();
      });
    }
  }
});

describe('lookups', () => {
  it("fail with the test driver's bare NO_DOMAIN; a stale handle names its UUID", async () => {
    const conn = await defaultConn();
    for (const p of [conn.lookupByName('no-such-domain'), conn.lookupByID(999_999), conn.lookupByUUIDString(randomUUID())]) {
      const e = await virErrorOf(p);
      expect([e.code, e.domain, e.message]).toEqual([ErrorCode.NO_DOMAIN, ErrorDomain.TEST, 'Domain not found']);
    }
    const dom = await defined(conn, 'stale');
    await dom.undefine();
    const e = await virErrorOf(dom.isActive());
    expect(e.message).toBe(`Domain not found: no domain with matching uuid '${dom.getUUIDString()}' (${dom.getName()})`);
  });

  it('an invalid UUID string is refused before the driver is asked', async () => {
    const e = await virErrorOf((await defaultConn()).lookupByUUIDString('not-a-uuid'));
    expect(e.code).toBe(ErrorCode.INVALID_ARG);
  });
});

describe('events', () => {
  it('carry libvirt event and detail codes for every transition', async () => {
    const conn = await defaultConn();
    const ac = new AbortController();
    const uuid = randomUUID();
    const name = uniqueName('events');
    const got: Array<[number, number]> = [];
    const stream = conn.domainEvents({ signal: ac.signal });
    const consumer = (async () => {
      for await (const e of stream) if (e.domain.getName() === name) got.push([e.event, e.detail]);
    })();

    const dom = await conn.defineXML(domainXML(name, { uuid }));
    await dom.create();
    await dom.suspend();
    await dom.resume();
    await conn.defineXML(domainXML(name, { uuid, memoryKiB: 524288 }));
    await dom.shutdown();
    // The test driver refuses START_PAUSED on a defined domain: start, then pause (the same events).
    await dom.create();
    await dom.suspend();
    await dom.destroy();
    await dom.undefine();
    const t = await conn.createXML(domainXML(name, { uuid }));
    await t.destroy();
    ac.abort();
    await consumer;

    const T = DomainEventType;
    const D = DomainEventDetail;
    // python3-libvirt 9.0 on test:///default gives the same sequence.
    expect(got).toEqual([
      [T.DEFINED, D.DEFINED.ADDED],
      [T.STARTED, D.STARTED.BOOTED],
      [T.SUSPENDED, D.SUSPENDED.PAUSED],
      [T.RESUMED, D.RESUMED.UNPAUSED],
      [T.DEFINED, D.DEFINED.UPDATED],
      [T.STOPPED, D.STOPPED.SHUTDOWN],
      [T.STARTED, D.STARTED.BOOTED],
      [T.SUSPENDED, D.SUSPENDED.PAUSED],
      [T.STOPPED, D.STOPPED.DESTROYED],
      [T.UNDEFINED, D.UNDEFINED.REMOVED],
      [T.STARTED, D.STARTED.BOOTED],
      [T.STOPPED, D.STOPPED.DESTROYED],
    ]);
  });

  it('reach every connection of the host; each stream ends on its own signal', async () => {
    const a = await defaultConn();
    const b = await defaultConn();
    const name = uniqueName('fanout');
    const acA = new AbortController();
    const acB = new AbortController();
    const gotA: number[] = [];
    const gotB: number[] = [];
    const consume = async (s: AsyncIterable<{ domain: Domain; event: number }>, into: number[]) => {
      for await (const e of s) if (e.domain.getName() === name) into.push(e.event);
    };
    const ca = consume(a.domainEvents({ signal: acA.signal }), gotA);
    const cb = consume(b.domainEvents({ signal: acB.signal }), gotB);
    const dom = await a.defineXML(domainXML(name));
    acB.abort();
    await cb;
    await dom.undefine();
    acA.abort();
    await ca;
    expect(gotA).toEqual([DomainEventType.DEFINED, DomainEventType.UNDEFINED]);
    expect(gotB).toEqual([DomainEventType.DEFINED]);
  });
});
