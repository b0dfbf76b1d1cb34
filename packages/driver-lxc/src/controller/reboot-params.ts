import { join } from 'node:path';
import { logger } from '@tsvirt/util';
import { containerDevNodes, hostdevSpecs } from '../conf/hostdevs.js';
import { STATUS_FILE, isActive } from '../state/lxc-status.js';
import { LXC_ARCH } from '../state/lxc-store.js';
import type { LaunchParams } from './launch-params.js';

const log = logger('lxc.controller');

/**
 * The launch parameters of a start after a reboot inside the container. libvirt starts the
 * container again from its live definition, so devices attached live since the start come back:
 * here the device nodes of the live `<disk>`s and `<hostdev>`s (read from the status the driver
 * keeps) are made again, and the container joins the network namespace of the one before, held
 * open by the controller (`netns`, a path to it), with its interfaces (veths attached live among
 * them, and host interfaces) as they were. Nothing is moved in again. Without a readable live
 * definition, the devices of the start are made.
 */
export async function rebootParams(p: LaunchParams, netns: string | undefined): Promise<LaunchParams> {
  const shares = netns === undefined ? p.shares : [...p.shares, { ns: 'net', path: netns }];
  const base = { ...p, shares, veths: [], hostNets: [] };
  try {
    const status = await STATUS_FILE.read(join(p.stateDir, `${p.name}.json`));
    if (!isActive(status)) return base;
    // The XML parser is loaded only now: most controllers never see a reboot.
    const { devicesOf, parseDomainXML } = await import('@tsvirt/conf');
    const live = parseDomainXML(status.xml, { arch: LXC_ARCH });
    return { ...base, devNodes: await containerDevNodes(hostdevSpecs(devicesOf(live, 'hostdev')), devicesOf(live, 'disk')) };
  } catch (e) {
    log.warn(`domain '${p.name}': the live definition cannot be read, the devices of the start are made again: ${(e as Error).message}`);
    return base;
  }
}
