import { mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type DomainDef, type XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError, processStartTime, isProcessAlive, runCommand, writeFileAtomic } from '@tsvirt/util';
import { devicesOf } from '../devices/typed-devices.js';
import { killQemu } from '../process/qemu-kill.js';
import type { DriverPaths } from '../state/driver-paths.js';
import { defaultTpmVersion, swtpmLogFile, swtpmPidFile, swtpmSocket, swtpmStorageRoot, tpmDomainDir, tpmStateDir, type TpmVersion } from './swtpm-paths.js';
import { swtpmTools, type SwtpmTools } from './swtpm-tools.js';
import { runWithPassphrase, tpmPassphrase, type WithConnection } from './swtpm-passphrase.js';

const D = ErrorDomain.QEMU;

/** A TPM of a definition that swtpm emulates. */
export interface EmulatedTpm {
  readonly index: number;
  readonly version: TpmVersion;
  /** `persistent_state='yes'`: the state outlives a transient domain and a plain undefine. */
  readonly persistentState: boolean;
  /** `<encryption secret='UUID'/>`: the vtpm secret whose value encrypts the state. */
  readonly secret: string | undefined;
}

/** The emulated TPMs among a list of devices. */
export function emulatedTpms(devices: readonly XmlElement[]): EmulatedTpm[] {
  return devicesOf(devices, 'tpm').flatMap((t, index) => (t.backend?.type === 'emulator'
    ? [{ index, version: t.backend.version ?? defaultTpmVersion(t.model), persistentState: t.backend.persistentState === true, secret: t.backend.encryptionSecret }]
    : []));
}

/** What a start made for its emulated TPMs. */
export interface TpmEmulatorStart {
  /** The control socket of the first TPM's swtpm, for QEMU's chardev. */
  readonly socket: string | undefined;
  /** State directories this start created; a failed start removes them again. */
  readonly created: readonly string[];
}

/**
 * swtpm_setup's configuration for this root: the EK and platform certificates are signed by a
 * local CA of the root's own (not the system's `/var/lib/swtpm-localca`, whose files belong to
 * the `tss` user that libvirtd runs swtpm as).
 */
async function setupConfig(paths: DriverPaths, tools: SwtpmTools): Promise<string> {
  const root = swtpmStorageRoot(paths);
  const ca = join(root, 'localca');
  await mkdir(ca, { recursive: true, mode: 0o700 });
  const caConfig = join(root, 'swtpm-localca.conf');
  await writeFileAtomic(caConfig, `statedir = ${ca}\nsigningkey = ${ca}/signkey.pem\nissuercert = ${ca}/issuercert.pem\ncertserial = ${ca}/certserial\n`);
  const options = await stat('/etc/swtpm-localca.options').then(() => 'create_certs_tool_options = /etc/swtpm-localca.options\n', () => '');
  const config = join(root, 'swtpm_setup.conf');
  await writeFileAtomic(config, `create_certs_tool = ${join(dirname(tools.swtpmSetup), 'swtpm_localca')}\ncreate_certs_tool_config = ${caConfig}\n${options}`);
  return config;
}

/** Whether a state directory holds a TPM's state already (libvirt runs swtpm_setup only when not). */
async function hasState(dir: string): Promise<boolean> {
  return (await readdir(dir).catch(() => [] as string[])).some((f) => f.endsWith('.permall'));
}

/** Runs an swtpm program, with the passphrase on descriptors 3 and on when the state is encrypted. */
function runSwtpm(file: string, args: readonly string[], timeoutMs: number, key: { readonly passphrase: Uint8Array; readonly copies: number } | undefined): Promise<{ exitCode: number; stderr: string }> {
  if (key) return runWithPassphrase(file, args, key.passphrase, key.copies, timeoutMs);
  return runCommand(file, args, { timeoutMs, okExitCodes: Array.from({ length: 256 }, (_, i) => i), domain: D });
}

/**
 * swtpm_setup: the TPM's endorsement key, its certificates and the platform certificate, as libvirt
 * asks for them; an encrypted state with the passphrase on descriptor 3 and AES-256-CBC.
 */
async function manufacture(paths: DriverPaths, def: DomainDef, tpm: EmulatedTpm, dir: string, tools: SwtpmTools, passphrase: Uint8Array | undefined): Promise<void> {
  const log = swtpmLogFile(paths, def.name);
  await mkdir(dirname(log), { recursive: true });
  const args = [
    ...(tpm.version === '2.0' ? ['--tpm2'] : []),
    '--tpm-state', dir, '--vmid', `${def.name}:${def.uuid}`, '--logfile', log,
    '--createek', '--create-ek-cert', '--create-platform-cert', '--lock-nvram', '--not-overwrite',
    '--config', await setupConfig(paths, tools),
    ...(passphrase ? ['--pwdfile-fd', '3', '--cipher', 'aes-256-cbc'] : []),
  ];
  const r = await runSwtpm(tools.swtpmSetup, args, 120_000, passphrase && { passphrase, copies: 1 });
  if (r.exitCode !== 0) {
    throw new VirError(ErrorCode.INTERNAL_ERROR, `Could not run '${tools.swtpmSetup}'. exitstatus: ${r.exitCode}; Check error log '${log}' for details.`, D);
  }
}

/**
 * Runs swtpm for one TPM, daemonised (it outlives this process, as QEMU does) and ending itself
 * when QEMU lets go of it; an encrypted state's key and migration key from the passphrase on
 * descriptors 3 and 4, as libvirt passes them.
 */
async function launch(paths: DriverPaths, def: DomainDef, tpm: EmulatedTpm, dir: string, runDir: string, tools: SwtpmTools, passphrase: Uint8Array | undefined): Promise<string> {
  const socket = swtpmSocket(runDir, tpm.index);
  const pidFile = swtpmPidFile(runDir, tpm.index);
  await rm(socket, { force: true });
  const r = await runSwtpm(tools.swtpm, [
    'socket', '--ctrl', `type=unixio,path=${socket},mode=0600`, '--tpmstate', `dir=${dir},mode=0600`,
    '--log', `file=${swtpmLogFile(paths, def.name)}`, '--terminate', ...(tpm.version === '2.0' ? ['--tpm2'] : []),
    ...(passphrase ? ['--key', 'pwdfd=3,mode=aes-256-cbc', '--migration-key', 'pwdfd=4,mode=aes-256-cbc'] : []),
    '--daemon', '--pid', `file=${pidFile}`,
  ], 30_000, passphrase && { passphrase, copies: 2 });
  if (r.exitCode !== 0) throw new VirError(ErrorCode.INTERNAL_ERROR, `Could not start 'swtpm'. exitstatus: ${r.exitCode}, error: ${r.stderr.trim()}`, D);
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new VirError(ErrorCode.INTERNAL_ERROR, `Could not read swtpm's pidfile ${pidFile}`, D);
  if (!(await isProcessAlive(pid, undefined))) throw new VirError(ErrorCode.OPERATION_FAILED, 'swtpm died unexpectedly', D);
  return socket;
}

/** The passphrase of an encrypted state, once both programs are known to take it on a descriptor (libvirt's words otherwise). */
async function encryptionPassphrase(tools: SwtpmTools, secret: string, withConnection: WithConnection | undefined): Promise<Uint8Array> {
  const unsupported = (what: string): VirError => new VirError(ErrorCode.ARGUMENT_UNSUPPORTED, what, D);
  if (!tools.setupFeatures.has('cmdarg-pwdfile-fd')) throw unsupported(`${tools.swtpmSetup} does not support passing a passphrase using a file descriptor`);
  if (!tools.swtpmFeatures.has('cmdarg-pwd-fd')) throw unsupported(`${tools.swtpm} does not support passing passphrase via file descriptor`);
  if (!withConnection) throw new VirError(ErrorCode.INTERNAL_ERROR, 'an encrypted TPM state needs the secret driver', D);
  return tpmPassphrase(withConnection, secret);
}

/**
 * Starts an swtpm for each emulated TPM before QEMU (libvirt's order): the state directory under
 * the driver's root is made and, the first time, manufactured with swtpm_setup; swtpm's control
 * socket and pid file go in the run directory. The caller stops them (`stopTpmEmulators`) and
 * removes `created` when the start fails later.
 */
export async function startTpmEmulators(paths: DriverPaths, def: DomainDef, runDir: string, withConnection?: WithConnection): Promise<TpmEmulatorStart> {
  const created: string[] = [];
  let socket: string | undefined;
  try {
    for (const tpm of emulatedTpms(def.devices)) {
      const tools = await swtpmTools();
      if (!tools.swtpmFeatures.has(`tpm-${tpm.version}`)) throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `TPM version '${tpm.version}' is not supported`, D);
      const passphrase = tpm.secret === undefined ? undefined : await encryptionPassphrase(tools, tpm.secret, withConnection);
      const dir = tpmStateDir(paths, def.uuid, tpm.version);
      await mkdir(swtpmStorageRoot(paths), { recursive: true, mode: 0o711 });
      if (!(await hasState(dir))) {
        // The whole domain directory goes if it is new, else only the version's.
        const owned = await stat(tpmDomainDir(paths, def.uuid)).then(() => dir, () => tpmDomainDir(paths, def.uuid));
        await mkdir(dir, { recursive: true, mode: 0o700 });
        created.push(owned);
        await manufacture(paths, def, tpm, dir, tools, passphrase);
      }
      socket ??= await launch(paths, def, tpm, dir, runDir, tools, passphrase);
    }
  } catch (e) {
    await stopTpmEmulators(runDir);
    await Promise.all(created.map((d) => rm(d, { recursive: true, force: true })));
    throw e;
  }
  return { socket, created };
}

/** Whether `pid` is an swtpm serving a socket of this run directory (a pid file may outlive its process, and pids are reused). */
async function isOurSwtpm(pid: number, runDir: string): Promise<boolean> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return cmdline.split('\0').some((a) => a.startsWith(`type=unixio,path=${runDir}/`));
}

/** Stops the swtpm processes of a run (each found by its pid file in the run directory). */
export async function stopTpmEmulators(runDir: string): Promise<void> {
  const pidFiles = (await readdir(runDir).catch(() => [] as string[])).filter((f) => /^tpm\d+-swtpm\.pid$/.test(f));
  for (const f of pidFiles) {
    const pid = Number((await readFile(join(runDir, f), 'utf8').catch(() => '')).trim());
    if (Number.isInteger(pid) && pid > 0 && (await isOurSwtpm(pid, runDir))) await killQemu(pid, await processStartTime(pid));
  }
}

/**
 * Removes a domain's TPM state as libvirt does when the domain goes (a transient one stopping, an
 * undefine): always with `deleteState`, never with `keepState`, else unless a TPM asks to keep it
 * (`persistent_state='yes'`).
 */
export async function removeTpmState(paths: DriverPaths, uuid: string, devices: readonly XmlElement[], how: { deleteState?: boolean; keepState?: boolean } = {}): Promise<void> {
  const tpms = emulatedTpms(devices);
  if (tpms.length === 0 || how.keepState) return;
  if (how.deleteState || tpms.every((t) => !t.persistentState)) await rm(tpmDomainDir(paths, uuid), { recursive: true, force: true });
}
