import { spawn } from 'node:child_process';
import { mkdir, open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { devicesOf, formatDomainXML, type DomainDef } from '@tsvirt/conf';
import { DomainEventDetail, DomainEventType, DomainPausedReason, DomainRunningReason, DomainShutoffReason, DomainState } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, processStartTime } from '@tsvirt/util';
import { freeze, removeCgroup, killCgroup } from '../cgroup/cgroup-ops.js';
import { cgroupDirs, cgroupTree, leafName, requireCgroups } from '../cgroup/cgroup-tree.js';
import { containerSpec } from '../conf/container-spec.js';
import { prestartChecks } from '../conf/prestart-checks.js';
import { SETUP_FAILURE, type LaunchParams } from '../controller/launch-params.js';
import { setupFailure } from '../conf/setup-failure.js';
import { diskNode, hostdevNodes } from '../conf/hostdevs.js';
import { withVethTargets } from './device-hotplug.js';
import { sharedNamespaces } from './shared-namespaces.js';
import { controllerScript, ensureHelper } from '../process/package-files.js';
import { logFile } from '../state/lxc-paths.js';
import { type ActiveStatus } from '../state/lxc-status.js';
import { readInit, removeStatus, writeStatus } from '../state/lxc-store.js';
import type { LxcContext } from './lxc-context.js';
import { withConsolePty } from './live-console.js';
import { removeRunFiles, waitController } from './lxc-stop.js';
import { releasePorts } from './network-ports.js';
import { removeHostVeths, setupHostNetwork, type HostNetwork } from './veth-host.js';

/** How long the controller may take to have init running. */
const START_TIMEOUT_MS = 60_000;

/** Spawns the controller detached, tells `spawned` its pid, and waits for its word: `ok`, or `error TEXT`. */
async function runController(drv: LxcContext, params: LaunchParams, spawned: (pid: number) => Promise<void>): Promise<string> {
  await mkdir(drv.paths.logDir, { recursive: true });
  const log = await open(logFile(drv.paths, params.name), 'a');
  try {
    const child = spawn(process.execPath, [controllerScript(), JSON.stringify(params)], { detached: true, stdio: ['ignore', log.fd, log.fd, 'pipe'] });
    const pipe = child.stdio[3] as Readable;
    if (child.pid !== undefined) await spawned(child.pid);
    const word = await new Promise<string>((resolve) => {
      let text = '';
      const timer = setTimeout(() => resolve('error timed out waiting for the container to start'), START_TIMEOUT_MS);
      pipe.on('data', (d: Buffer) => (text += d.toString()));
      pipe.on('close', () => {
        clearTimeout(timer);
        resolve(text.trim() || 'error the controller exited before the container started');
      });
      child.on('error', (e) => resolve(`error cannot run the controller: ${e.message}`));
    });
    pipe.destroy();
    child.unref();
    return word;
  } finally {
    await log.close();
  }
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
  const devNodes = [...await hostdevNodes(spec.hostdevs), ...devicesOf(def, 'disk').map((d) => diskNode(d))];
  const shares = await sharedNamespaces(drv, def);
  const helper = await ensureHelper();
  const tree = cgroupTree();
  requireCgroups(tree);
  const net: HostNetwork = { plans: [], ports: [] };
  const status: ActiveStatus = {
    phase: 'starting', name: def.name, uuid: def.uuid, id: -1, state: DomainState.SHUTOFF, reason: DomainShutoffReason.UNKNOWN,
    controller: undefined, tree, cgroups: [], veths: [], ports: [], xml: '', persistent: opts.persistent, stopRequest: undefined,
  };
  try {
    // A record left by an earlier run would read as this run's end.
    await removeRunFiles(drv.paths, def.name);
    await writeStatus(drv.paths, status);
    await setupHostNetwork(drv, spec, net);
    status.veths = net.plans.map((v) => v.host);
    status.ports = net.ports;
    await writeStatus(drv.paths, status);
    const params: LaunchParams = { stateDir: drv.paths.stateDir, name: def.name, helper, spec, uid: identity.uid, gid: identity.gid, tree, veths: net.plans, shares, devNodes,
      hostNets: spec.hostdevs.filter((h) => h.kind === 'net') };
    const word = await runController(drv, params, async (pid) => {
      // As libvirt: the domain's id is its controller's pid, which also names its cgroup.
      Object.assign(status, { id: pid, cgroups: cgroupDirs(tree, spec.partition, leafName(spec.name, pid)), xml: formatDomainXML(withVethTargets(def, status.veths), { id: pid }) });
      status.controller = { pid, start: await processStartTime(pid) };
      await writeStatus(drv.paths, status);
    });
    if (word !== 'ok') throw startFailure(word.replace(/^error /, ''));
    const init = await readInit(drv.paths, def.name);
    if (init) status.xml = withConsolePty(status.xml, status.id, init.pty);
    if (opts.paused) await freeze(tree, status.cgroups);
    Object.assign(status, opts.paused
      ? { phase: 'active', state: DomainState.PAUSED, reason: DomainPausedReason.USER }
      : { phase: 'active', state: DomainState.RUNNING, reason: DomainRunningReason.BOOTED });
    await writeStatus(drv.paths, status);
  } catch (e) {
    await killCgroup(tree, status.cgroups).catch(() => undefined);
    await waitController(status, 3000);
    await removeCgroup(tree, status.cgroups).catch(() => undefined);
    await removeRunFiles(drv.paths, def.name);
    await removeHostVeths(net.plans);
    await releasePorts(drv, net.ports);
    if (opts.persistent) await writeStatus(drv.paths, { phase: 'inactive', name: def.name, reason: DomainShutoffReason.FAILED });
    else await removeStatus(drv.paths, def.name);
    throw e;
  }
  const ref = { name: def.name, uuid: def.uuid, id: status.id };
  drv.events.raise(ref, DomainEventType.STARTED, DomainEventDetail.STARTED.BOOTED);
  if (opts.paused) drv.events.raise(ref, DomainEventType.SUSPENDED, DomainEventDetail.SUSPENDED.PAUSED);
  return status;
}
