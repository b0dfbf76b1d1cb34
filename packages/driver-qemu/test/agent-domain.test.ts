// The guest agent's channel on a real QEMU domain (TCG, no guest OS): the live XML libvirt shows
// (the socket QEMU listens on, the state of the guest's end), what a VSERPORT_CHANGE does to it,
// the domain's agent timeout, and the client on QEMU's own socket: connected to QEMU, but with
// no guest behind it nothing answers the sync, and the call gives up as libvirt's does.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DomainAgentResponseTimeout, DomainEventAgentLifecycleReason as Reason, DomainEventAgentLifecycleState as State, DomainEventID, DomainEventType,
  type Connection, type Domain,
} from '@tsvirt/api';
import { parseDomainXML } from '@tsvirt/conf';
import { ErrorCode } from '@tsvirt/util';
import { AgentClient } from '../src/agent/agent-client.js';
import { agentLifecycle, followChannel } from '../src/agent/channel-state.js';
import { GUEST_ARCH } from '../src/state/qemu-store.js';
import type { ActiveStatus } from '../src/state/domain-status.js';
import { TestRoot } from './helpers.js';

const xml = (name: string, channel: string): string => `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os><devices>${channel}<memballoon model='none'/></devices></domain>`;
const AGENT = "<channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>";

describe('the guest agent channel of a running QEMU domain', () => {
  let root: TestRoot;
  let conn: Connection;
  let dom: Domain;
  /** What the connection reported while the domain started: agent events and lifecycle ones, in order. */
  const started: unknown[] = [];
  const stops: Array<() => void> = [];
  beforeAll(async () => {
    root = new TestRoot();
    conn = await root.open();
    for (const id of [DomainEventID.LIFECYCLE, DomainEventID.AGENT_LIFECYCLE]) {
      stops.push(await conn.domainEventRegisterAny(undefined, id, (d, e) => started.push(e.eventID === 18 ? ['agent', d.getName(), e.state, e.reason]
        : ['lifecycle', d.getName(), e.eventID === 0 ? e.event : -1])));
    }
    dom = await conn.createXML(xml('ag', AGENT));
  });
  afterAll(async () => {
    stops.forEach((stop) => stop());
    await dom.destroy().catch(() => undefined);
    await root.cleanup();
  });

  const status = (): ActiveStatus => root.statuses().find((s) => s['name'] === 'ag') as unknown as ActiveStatus;

  it("shows the socket QEMU listens on and the guest's end as disconnected, as libvirt's live XML does", async () => {
    const live = await dom.getXMLDesc();
    const path = /<source mode='bind' path='([^']+)'\/>/.exec(live)?.[1];
    expect(path).toMatch(/\/channel-org\.qemu\.guest_agent\.0$/);
    expect(existsSync(path!)).toBe(true);
    expect(live).toContain("<target type='virtio' name='org.qemu.guest_agent.0' state='disconnected'/>");
  });

  it('raises AGENT_LIFECYCLE at start (disconnected, domain started) before STARTED, as libvirtd 9.0 does', async () => {
    for (let i = 0; i < 100 && started.length < 3; i++) await new Promise((r) => setTimeout(r, 50));
    expect(started).toEqual([['agent', 'ag', State.DISCONNECTED, Reason.DOMAIN_STARTED], ['lifecycle', 'ag', DomainEventType.RESUMED], ['lifecycle', 'ag', DomainEventType.STARTED]]);
  });

  it('maps VSERPORT_CHANGE of the agent channel to AGENT_LIFECYCLE (reason channel), not of another', () => {
    const s = { ...status() };
    const ref = { name: 'ag', uuid: s.uuid, id: s.id };
    const event = (channel: string) => agentLifecycle(ref, parseDomainXML(s.xml, { arch: GUEST_ARCH }), Reason.CHANNEL, channel);
    followChannel(s, 'channel0', true);
    expect(event('channel0')).toEqual({ eventID: DomainEventID.AGENT_LIFECYCLE, domain: ref, state: State.CONNECTED, reason: Reason.CHANNEL });
    followChannel(s, 'channel0', false);
    expect(event('channel0')).toMatchObject({ state: State.DISCONNECTED, reason: Reason.CHANNEL });
    expect(event('channel7')).toBeUndefined();
  });

  it('follows VSERPORT_CHANGE in the live XML', () => {
    const s = status();
    expect(followChannel(s, 'channel0', true)).toBe(true);
    expect(s.xml).toContain("name='org.qemu.guest_agent.0' state='connected'/>");
    expect(followChannel(s, 'channel0', true)).toBe(false);
    expect(followChannel(s, 'channel0', false)).toBe(true);
    expect(s.xml).toContain("state='disconnected'/>");
    expect(followChannel(s, 'channel7', true)).toBe(false);
    expect(followChannel(s, 'serial0', true)).toBe(false);
  });

  it("refuses every call while the guest's end is closed, and keeps the domain's agent timeout", async () => {
    const notConnected = 'Guest agent is not responding: QEMU guest agent is not connected';
    for (const call of [() => dom.qemuAgentCommand('{"execute":"guest-ping"}'), () => dom.getTime(), () => dom.fsFreeze(), () => dom.getGuestInfo()]) {
      await expect(call()).rejects.toMatchObject({ code: ErrorCode.AGENT_UNRESPONSIVE, message: notConnected });
    }
    await dom.agentSetResponseTimeout(DomainAgentResponseTimeout.NOWAIT);
    expect(status().agentTimeout).toBe(0);
    await dom.agentSetResponseTimeout(7);
    expect(status().agentTimeout).toBe(7);
    await expect(dom.agentSetResponseTimeout(-3)).rejects.toMatchObject({ message: "invalid argument: guest agent timeout '-3' is less than the minimum '-2'" });
    await expect(dom.qemuAgentCommand('x', -3)).rejects.toMatchObject({ code: ErrorCode.AGENT_UNRESPONSIVE });
  });

  it("connects to QEMU's socket, where nothing answers the sync without a guest", async () => {
    const path = /<source mode='bind' path='([^']+)'\/>/.exec(await dom.getXMLDesc())![1]!;
    const c = await AgentClient.open(path);
    try {
      const t = Date.now();
      await expect(c.execute({ execute: 'guest-ping' }, -1, 1)).rejects.toMatchObject({
        code: ErrorCode.AGENT_UNRESPONSIVE, message: 'Guest agent is not responding: Guest agent not available for now',
      });
      expect(Date.now() - t).toBeLessThan(3000);
    } finally {
      c.close();
    }
  });

  it('uses the path a definition names for the channel', async () => {
    const named = join(root.dir, 'qga.sock');
    const d = await conn.createXML(xml('ag2', `<channel type='unix'><source mode='bind' path='${named}'/><target type='virtio' name='org.qemu.guest_agent.0'/></channel>`));
    try {
      expect(await d.getXMLDesc()).toContain(`<source mode='bind' path='${named}'/>`);
      expect(existsSync(named)).toBe(true);
      await expect(d.getFSInfo()).rejects.toMatchObject({ code: ErrorCode.AGENT_UNRESPONSIVE });
    } finally {
      await d.destroy();
    }
  });
});
