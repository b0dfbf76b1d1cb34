import { access, constants, readdir } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { StoragePoolDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError, runCommand, sysfsPath } from '@tsvirt/util';
import type { PoolBackend } from '../pool-backend.js';
import { sourceDevice, sourceOf } from '../pool-xml.js';
import { hostUnits, unitSizes } from '../scsi/scsi-lus.js';
import { sourcesXML, specHost } from '../sources-xml.js';
import type { VolumeEntry } from '../volume-facts.js';
import { SecretUsageType } from '@tsvirt/api';
import type { SecretReader } from '../secret-value.js';
import {
  SESSION_ARGS, login, logout, nodeNewArgs, nodeUpdateArgs, parseSessions, parseTargets, portalOf, rescanArgs, scanArgs, type Iscsiadm,
} from './iscsiadm.js';

const D = ErrorDomain.STORAGE;

/** Whether an iSCSI initiator (open-iscsi's iscsiadm) is installed. */
export async function hasInitiator(): Promise<boolean> {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter).filter(Boolean)) {
    if (await access(join(dir, 'iscsiadm'), constants.X_OK).then(() => true, () => false)) return true;
  }
  return false;
}

/** iscsiadm, or a clear refusal naming what could not be done where no initiator is installed. */
async function iscsiadm(what: string): Promise<Iscsiadm> {
  if (!(await hasInitiator())) {
    throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, `cannot ${what}: no iSCSI initiator here (open-iscsi's iscsiadm is not installed)`, D);
  }
  return async (args) => (await runCommand('iscsiadm', args, { domain: ErrorDomain.NONE })).stdout;
}

/** The portal and target of a pool: its one host and its device (the target IQN), as libvirt requires them. */
function portalTarget(def: StoragePoolDef): { portal: string; target: string; initiator?: string } {
  const source = sourceOf(def);
  const hosts = source.hosts ?? [];
  if (hosts.length !== 1) throw new VirError(ErrorCode.INTERNAL_ERROR, 'Expected exactly 1 host for the storage pool', D);
  const target = sourceDevice(def);
  if (!target) throw new VirError(ErrorCode.INTERNAL_ERROR, 'missing source device', D);
  const iqn = source.initiatorIqn;
  return { portal: portalOf(hosts[0]!.name ?? '', hosts[0]!.port), target, ...(iqn ? { initiator: iqn } : {}) };
}

async function sessionOf(run: Iscsiadm, target: string): Promise<string | undefined> {
  // iscsiadm exits 21 when there is no session at all.
  const text = await run(SESSION_ARGS).catch(() => '');
  return parseSessions(text).find((s) => s.target === target)?.id;
}

/** The SCSI host a session's LUNs are on (`class/iscsi_session/sessionN/device/targetH:B:T`). */
async function sessionHost(session: string): Promise<number> {
  const entries = await readdir(sysfsPath(`class/iscsi_session/session${session}/device`)).catch(() => []);
  const host = entries.map((e) => /^target(\d+):\d+:\d+$/.exec(e)?.[1]).find((h) => h !== undefined);
  if (host === undefined) throw new VirError(ErrorCode.INTERNAL_ERROR, `Failed to get host number for iSCSI session with path '${session}'`, D);
  return Number(host);
}

async function sessionUnits(def: StoragePoolDef): Promise<VolumeEntry[]> {
  const run = await iscsiadm(`list the volumes of iSCSI pool '${def.name}'`);
  const session = await sessionOf(run, portalTarget(def).target);
  return session === undefined ? [] : hostUnits(def, await sessionHost(session));
}

/**
 * CHAP credentials of the pool's `<auth>` written into the target's node record before the login,
 * as libvirt does (the password from the iSCSI secret, read through the public API).
 */
async function setAuth(run: Iscsiadm, def: StoragePoolDef, portal: string, target: string, secrets: SecretReader): Promise<void> {
  const auth = sourceOf(def).auth;
  if (!auth?.type) return;
  if (auth.type !== 'chap') throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, "iscsi pool only supports 'chap' auth type", D);
  const { uuid, usage } = auth.secret ?? {};
  const ref = uuid ? { uuid } : { usage: usage ?? '' };
  const password = Buffer.from(await secrets(ref, SecretUsageType.ISCSI, `start iSCSI pool '${def.name}'`)).toString('utf8');
  for (const [name, value] of [['node.session.auth.authmethod', 'CHAP'], ['node.session.auth.username', auth.username ?? ''], ['node.session.auth.password', password]] as const) {
    await run(nodeUpdateArgs(portal, target, name, value));
  }
}

/**
 * The `iscsi` pool: the LUNs of an iSCSI target, logged in to with open-iscsi's iscsiadm as
 * libvirt runs it (a static node record for the target, CHAP settings, an interface for the
 * pool's initiator IQN, node login and logout, session rescan; sendtargets discovery); the LUNs
 * are found in sysfs as a scsi pool's are. Everything is refused clearly where no initiator is
 * installed.
 */
export const iscsiBackend: PoolBackend = {
  build: async () => undefined,
  async start(def, secrets) {
    const run = await iscsiadm(`start iSCSI pool '${def.name}'`);
    const { portal, target, initiator } = portalTarget(def);
    if ((await sessionOf(run, target)) !== undefined) return;
    await run(nodeNewArgs(portal, target));
    await setAuth(run, def, portal, target, secrets);
    await login(run, portal, target, initiator);
  },
  async stop(def) {
    const run = await iscsiadm(`stop iSCSI pool '${def.name}'`);
    const { portal, target, initiator } = portalTarget(def);
    await logout(run, portal, target, initiator);
  },
  async check(def) {
    const run = await iscsiadm(`refresh iSCSI pool '${def.name}'`);
    const { target } = portalTarget(def);
    const session = await sessionOf(run, target);
    if (session === undefined) throw new VirError(ErrorCode.INTERNAL_ERROR, `cannot find iscsiadm session: no session to target '${target}'`, D);
    await run(rescanArgs(session));
  },
  sizes: async (def) => unitSizes(await sessionUnits(def)),
  livePermissions: false,
  volumes: sessionUnits,
  volume: async (def, name) => (await sessionUnits(def)).find((v) => v.name === name),
  resizable: false,
  async findSources(srcSpec) {
    const { name, port = 3260 } = specHost(srcSpec, 'iscsi');
    const run = await iscsiadm('find iSCSI sources');
    const targets = parseTargets(await run(scanArgs(portalOf(name, port))));
    return sourcesXML(targets.map((t) => ({ host: { name, port }, devices: [t] })));
  },
};
