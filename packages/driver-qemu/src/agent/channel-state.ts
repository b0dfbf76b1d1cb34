import { DomainEventAgentLifecycleState, DomainEventID, type DomainDriverEvent, type DomainRef } from '@tsvirt/api';
import { parseDomainXML, formatDomainXML, type DomainDef } from '@tsvirt/conf';
import { channelSocketPath } from '../command/device-args.js';
import { devicesOf, writeBack } from '../devices/typed-devices.js';
import { withDeviceAliases } from '../devices/device-aliases.js';
import type { QmpClient } from '../qmp/qmp-client.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { GUEST_ARCH } from '../state/qemu-store.js';

type ChannelState = 'connected' | 'disconnected';

/** A virtio channel's state in the live XML (`<target state=...>`), as libvirt keeps it for named ones. */
function setState(def: DomainDef, alias: string, state: ChannelState): boolean {
  const c = devicesOf(def.devices, 'channel').find((x) => x.alias === alias);
  if (c?.target?.type !== 'virtio' || c.target.name === undefined || c.target.state === state) return false;
  writeBack(def, { ...c, target: { ...c.target, state } });
  return true;
}

/**
 * At start, as libvirt shows a running domain's channels: a unix channel without a path gets the
 * socket QEMU listens on (`mode='bind'`), and each named virtio channel the state QEMU reports
 * (`frontend-open` of its chardev: whether the guest opened its end).
 */
export async function recordChannels(mon: QmpClient, def: DomainDef, runDir: string): Promise<void> {
  const channels = devicesOf(def.devices, 'channel');
  if (channels.length === 0) return;
  const chardevs = await mon.execute<Array<{ label: string; 'frontend-open'?: boolean }>>('query-chardev');
  channels.forEach((c) => {
    if (c.type === 'unix' && c.target?.name !== undefined && !c.sources?.some((s) => s.path !== undefined)) {
      writeBack(def, { ...c, sources: [{ mode: 'bind', path: channelSocketPath(runDir, c.target.name) }] });
    }
    if (c.alias !== undefined) setState(def, c.alias, chardevs.find((x) => x.label === `char${c.alias}`)?.['frontend-open'] ? 'connected' : 'disconnected');
  });
}

/** VSERPORT_CHANGE of the channel whose alias is `id`: the guest opened or closed its end; returns whether the live XML changed. */
export function followChannel(s: ActiveStatus, id: string, open: boolean): boolean {
  const def = withDeviceAliases(parseDomainXML(s.xml, { arch: GUEST_ARCH }));
  if (!setState(def, id, open ? 'connected' : 'disconnected')) return false;
  s.xml = formatDomainXML(def, { id: s.id });
  return true;
}

/** The guest agent's channel, by the name libvirt looks for. */
const AGENT_CHANNEL = 'org.qemu.guest_agent.0';

/**
 * The AGENT_LIFECYCLE event of a domain's agent channel (none without one), as libvirt raises it
 * at start (reason DOMAIN_STARTED) and on each VSERPORT_CHANGE of that channel (reason CHANNEL).
 * `channel` names the channel (its alias) an event is about; at start the first agent channel counts.
 */
export function agentLifecycle(domain: DomainRef, def: DomainDef, reason: number, channel?: string): DomainDriverEvent | undefined {
  const channels = devicesOf(withDeviceAliases(def).devices, 'channel');
  const c = channel === undefined ? channels.find((x) => x.target?.name === AGENT_CHANNEL) : channels.find((x) => x.alias === channel);
  if (c?.target?.type !== 'virtio' || c.target.name !== AGENT_CHANNEL || c.target.state === undefined) return undefined;
  const state = c.target.state === 'connected' ? DomainEventAgentLifecycleState.CONNECTED : DomainEventAgentLifecycleState.DISCONNECTED;
  return { eventID: DomainEventID.AGENT_LIFECYCLE, domain, state, reason };
}


