import { parseDomainXML, formatDomainXML, type DomainDef } from '@tsvirt/conf';
import { channelSocketPath } from '../command/device-args.js';
import { devicesOf, writeBack } from '../devices/typed-devices.js';
import type { QmpClient } from '../qmp/qmp-client.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { GUEST_ARCH } from '../state/qemu-store.js';

type ChannelState = 'connected' | 'disconnected';

/** A virtio channel's state in the live XML (`<target state=...>`), as libvirt keeps it for named ones. */
function setState(def: DomainDef, index: number, state: ChannelState): boolean {
  const c = devicesOf(def.devices, 'channel')[index];
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
  channels.forEach((c, i) => {
    if (c.type === 'unix' && c.target?.name !== undefined && !c.sources?.some((s) => s.path !== undefined)) {
      writeBack(def, { ...c, sources: [{ mode: 'bind', path: channelSocketPath(runDir, c.target.name) }] });
    }
    setState(def, i, chardevs.find((x) => x.label === `charchannel${i}`)?.['frontend-open'] ? 'connected' : 'disconnected');
  });
}

/** VSERPORT_CHANGE of `channelN`: the guest opened or closed its end; returns whether the live XML changed. */
export function followChannel(s: ActiveStatus, id: string, open: boolean): boolean {
  const m = /^channel(\d+)$/.exec(id);
  if (!m) return false;
  const def = parseDomainXML(s.xml, { arch: GUEST_ARCH });
  if (!setState(def, Number(m[1]), open ? 'connected' : 'disconnected')) return false;
  s.xml = formatDomainXML(def, { id: s.id });
  return true;
}
