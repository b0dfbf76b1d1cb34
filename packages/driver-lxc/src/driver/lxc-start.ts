import { mkdir, open } from 'node:fs/promises';
import { devicesOf, formatDomainXML, type DomainDef } from '@tsvirt/conf';
import { DomainEventDetail, DomainEventType, DomainPausedReason, DomainRunningReason, DomainShutoffReason, DomainState } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, processStartTime } from '@tsvirt/util';
import { createCgroup, freeze, placeProcess, removeCgroup, killCgroup } from '../cgroup/cgroup-ops.js';
import { applyResources } from '../cgroup/container-resources.js';
import { startContainer, type StartedController } from '../controller/container-process.js';
import { cgroupDirs, cgroupTree, leafName, requireCgroups } from '../cgroup/cgroup-tree.js';
import { containerSpec } from '../conf/container-spec.js';
import { prestartChecks } from '../conf/prestart-checks.js';
import { SETUP_FAILURE, type LaunchParams } from '../controller/launch-params.js';
import { setupFailure } from '../conf/setup-failure.js';
import { containerDevNodes } from '../conf/hostdevs.js';
import { withVethTargets } from './device-hotplug.js';
import { sharedNamespaces } from './shared-namespaces.js';
import { controllerScript, ensureHelper } from '../process/package-files.js';
import { initFile, logFile } from '../state/lxc-paths.js';
import { INIT_FILE, type ActiveStatus } from '../state/lxc-status.js';
import { removeStatus, writeStatus } from '../state/lxc-store.js';
import type { LxcContext } from './lxc-context.js';
import { withConsolePty } from './live-console.js';
import { removeRunFiles, waitController } from './lxc-stop.js';
import { disconnectNbd, nbdServer, serveNbdImages } from './nbd-images.js';
import { releasePorts } from './network-ports.js';
import { removeHostVeths, setupHostNetwork, type HostNetwork } from './veth-host.js';

/** Tells the controller the outcome and lets go of it (it is detached; this process may exit). */
function release(c: StartedController | undefined, word: 'started' | 'failed'): void {
  if (!c) return;
  // The controller may be gone by the time it would read (killed): nothing to tell it then.
  c.word.on('error', () => undefined);
  c.word.end(`${word}\n`, () => c.word.destroy());
}

/**
 * The controller's failure as libvirt words it: its own set-up failing (the cgroup) leaves
 * libvirt_lxc's line in the log that libvirt reports, its newline kept, as a timed-out read; anything
 * later is the guest's.
 */
function startFailure(text: string): VirError {
  if (text.startsWith(SETUP_FAILURE)) return setupFailure(text.slice(SETUP_FAILURE.length));
  return new VirError(ErrorCode.INTERNAL_ERROR, `guest failed to start: ${text}`, ErrorDomain.LXC);
}

/**
 * Starts a container (libvirt's virLXCProcessStart): everything that can be checked is checked
 * before anything is made; then the cgroup, the veths, the status file and the controller, which
 * builds the container. Any failure undoes all of it. The caller holds the domain's job lock.
 */
export async function startContainerDomain(drv: LxcContext, def: DomainDef, opts: { paused: boolean; persistent: boolean }): Promise<ActiveStatus> {
  const spec = containerSpec(def);
  const identity = await prestartChecks(spec);
  const devNodes = await containerDevNodes(spec.hostdevs, devicesOf(def, 'disk'));
  const shares = await sharedNamespaces(drv, def);
  const helper = await ensureHelper();
  const tree = cgroupTree();
  requireCgroups(tree);
  const net: HostNetwork = { plans: [], ports: [] };
  const status: ActiveStatus = {
    phase: 'starting', name: def.name, uuid: def.uuid, id: -1, state: DomainState.SHUTOFF, reason: DomainShutoffReason.UNKNOWN,
    controller: undefined, tree, cgroups: [], veths: [], ports: [], xml: '', persistent: opts.persistent, stopRequest: undefined,
  };
  let controller: StartedController | undefined;
  const nbdDevices: string[] = [];
  await mkdir(drv.paths.logDir, { recursive: true });
  const log = await open(logFile(drv.paths, def.name), 'a');
  try {
    // A record left by an earlier run would read as this run's end.
    await removeRunFiles(drv.paths, def.name);
    await writeStatus(drv.paths, status);
    const built = await serveNbdImages(spec, nbdDevices);
    await setupHostNetwork(drv, spec, net);
    status.veths = net.plans.map((v) => v.host);
    status.ports = net.ports;
    const params: LaunchParams = { stateDir: drv.paths.stateDir, name: def.name, helper, spec: built, uid: identity.uid, gid: identity.gid, tree, veths: net.plans, shares, devNodes,
      hostNets: spec.hostdevs.filter((h) => h.kind === 'net') };
    // One helper run opens the console pty, starts the controller (whose Node start-up then goes
    // on beside the start, off its critical path) and makes the container, while this process
    // makes the cgroup, named after the controller's pid as libvirt names it (the domain's id).
    const container = await startContainer(params, { controller: { script: controllerScript(), log: log.fd } }, async (c) => {
      controller = c;
      const pid = c.pid;
      const xml = formatDomainXML(withVethTargets(def, status.veths), { id: pid });
      Object.assign(status, { id: pid, cgroups: cgroupDirs(tree, spec.partition, leafName(spec.name, pid)), xml: withConsolePty(xml, pid, c.pty) });
      status.controller = { pid, start: await processStartTime(pid) };
      await writeStatus(drv.paths, status);
      try {
        await createCgroup(tree, status.cgroups);
        await applyResources(tree, status.cgroups, spec);
        // As libvirt_lxc: qemu-nbd ends with the container, however it ends.
        for (const dev of nbdDevices) placeProcess(status.cgroups, await nbdServer(dev));
      } catch (e) {
        throw startFailure(`${SETUP_FAILURE}${(e as Error).message}`);
      }
      return status.cgroups;
    }).catch((e: Error) => {
      throw e instanceof VirError ? e : startFailure(e.message);
    });
    container.drop();
    container.child.unref();
    await INIT_FILE.write(initFile(drv.paths, def.name), { pid: container.pid, start: await processStartTime(container.pid), pty: container.controller?.pty ?? '' });
    if (opts.paused) await freeze(tree, status.cgroups);
    Object.assign(status, opts.paused
      ? { phase: 'active', state: DomainState.PAUSED, reason: DomainPausedReason.USER }
      : { phase: 'active', state: DomainState.RUNNING, reason: DomainRunningReason.BOOTED });
    await writeStatus(drv.paths, status);
    release(controller, 'started');
  } catch (e) {
    release(controller, 'failed');
    await killCgroup(tree, status.cgroups).catch(() => undefined);
    // The controller never adopted anything: no need to wait for its start-up to end.
    await waitController(status, 0);
    await removeCgroup(tree, status.cgroups).catch(() => undefined);
    await removeRunFiles(drv.paths, def.name);
    await removeHostVeths(net.plans);
    await releasePorts(drv, net.ports);
    for (const dev of nbdDevices) await disconnectNbd(dev);
    if (opts.persistent) await writeStatus(drv.paths, { phase: 'inactive', name: def.name, reason: DomainShutoffReason.FAILED });
    else await removeStatus(drv.paths, def.name);
    throw e;
  } finally {
    await log.close();
  }
  const ref = { name: def.name, uuid: def.uuid, id: status.id };
  drv.events.raise(ref, DomainEventType.STARTED, DomainEventDetail.STARTED.BOOTED);
  if (opts.paused) drv.events.raise(ref, DomainEventType.SUSPENDED, DomainEventDetail.SUSPENDED.PAUSED);
  return status;
}
