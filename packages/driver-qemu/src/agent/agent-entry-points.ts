import { devicesOf, parseDomainXML } from '@tsvirt/conf';
import {
  DomainAuthorizedSSHKeysSetFlags as K, DomainGetHostnameFlags as H, DomainQemuAgentCommandTimeout as T, DomainSetTimeFlags,
  DomainSetUserPasswordFlags, DomainShutdownFlags as S, DomainVcpuFlags as V,
  type DomainFSInfo, type DomainGuestVcpus, type DomainInterface, type DomainRef, type DomainTime, type TypedParameter,
} from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import type { DriverContext } from '../driver/driver-context.js';
import { domainJob, readDomain, requireActive } from '../driver/domain-access.js';
import { withMonitor } from '../driver/monitor.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { writeStatus } from '../state/run-status.js';
import { GUEST_ARCH } from '../state/qemu-store.js';
import { compactJson, checkReply } from './agent-client.js';
import { requireAgent, withAgent, type DomainAgent } from './agent-access.js';
import { authorizedKeys, guestHostname, guestInterfaces, guestTime, setAuthorizedKeys, setGuestTime, setUserPassword } from './guest-calls.js';
import { fsFreeze, fsInfo, fsThaw, fsTrim } from './guest-fs.js';
import { guestInfo } from './guest-info.js';
import { guestVcpuCount, guestVcpus, setGuestVcpuCount, setGuestVcpus } from './guest-vcpus.js';

const D = ErrorDomain.QEMU;
/** How long a shutdown or reboot through the agent waits for QEMU to report it (libvirt's VIR_DOMAIN_QEMU_AGENT_COMMAND_SHUTDOWN). */
const SHUTDOWN_SECONDS = T.SHUTDOWN;

const live = (s: ActiveStatus) => parseDomainXML(s.xml, { arch: GUEST_ARCH });

/**
 * The guest agent's entry points of the QEMU driver: each one a job on the running domain whose
 * agent passes libvirt's checks (agent/agent-access.ts), the agent connected for that job only.
 */
export class QemuAgentEntryPoints {
  constructor(private readonly drv: DriverContext) {}

  /** One agent job on a running domain. */
  #agentJob<R>(dom: DomainRef, fn: (agent: DomainAgent, s: ActiveStatus) => Promise<R>): Promise<R> {
    return domainJob(this.drv, dom, true, (d) => {
      const s = requireActive(d);
      return withAgent(s, (agent) => fn(agent, s));
    });
  }

  async qemuAgentCommand(dom: DomainRef, cmd: string, timeout: number, flags: number): Promise<string> {
    checkFlags(flags, 0, 'qemuDomainQemuAgentCommand', D);
    return this.#agentJob(dom, async (agent) => {
      if (timeout < T.BLOCK) throw new VirError(ErrorCode.INVALID_ARG, `guest agent timeout '${timeout}' is less than the minimum '${T.BLOCK}'`, D);
      let parsed: unknown;
      try {
        parsed = JSON.parse(cmd);
      } catch (e) {
        throw new VirError(ErrorCode.INTERNAL_ERROR, `cannot parse json ${cmd}: ${(e as Error).message}`, D);
      }
      const command = parsed as { execute: string; arguments?: Record<string, unknown> };
      const reply = checkReply(command, await agent.client.send(command, timeout, { syncSeconds: agent.timeout }));
      return compactJson(reply.text ?? JSON.stringify(reply));
    });
  }

  async domainGetFSInfo(dom: DomainRef, flags: number): Promise<DomainFSInfo[]> {
    checkFlags(flags, 0, 'qemuDomainGetFSInfo', D);
    return this.#agentJob(dom, (agent, s) => fsInfo(agent, live(s)));
  }

  async domainSetUserPassword(dom: DomainRef, user: string, password: string, flags: number): Promise<void> {
    checkFlags(flags, DomainSetUserPasswordFlags.ENCRYPTED, 'qemuDomainSetUserPassword', D);
    await this.#agentJob(dom, (agent) => setUserPassword(agent, user, password, (flags & DomainSetUserPasswordFlags.ENCRYPTED) !== 0));
  }

  async domainGetTime(dom: DomainRef, flags: number): Promise<DomainTime> {
    checkFlags(flags, 0, 'qemuDomainGetTime', D);
    return this.#agentJob(dom, (agent) => guestTime(agent));
  }

  /** As libvirt on x86: the time set, then QEMU's RTC told to drop the ticks it would replay (rtc-reset-reinjection). */
  async domainSetTime(dom: DomainRef, time: DomainTime, flags: number): Promise<void> {
    checkFlags(flags, DomainSetTimeFlags.SYNC, 'qemuDomainSetTime', D);
    await domainJob(this.drv, dom, true, async (d) => {
      // libvirt asks the capabilities of the running QEMU first, which a stopped domain has none of.
      if (d.status?.phase !== 'active') throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, "cannot set time: qemu doesn't support rtc-reset-reinjection command", D);
      const s = requireActive(d);
      await withAgent(s, (agent) => setGuestTime(agent, flags & DomainSetTimeFlags.SYNC ? undefined : time));
      await withMonitor(s, (m) => m.execute('rtc-reset-reinjection'));
    });
  }

  async domainFSFreeze(dom: DomainRef, mountpoints: readonly string[], flags: number): Promise<number> {
    checkFlags(flags, 0, 'qemuDomainFSFreeze', D);
    return this.#agentJob(dom, (agent) => fsFreeze(agent, mountpoints));
  }

  async domainFSThaw(dom: DomainRef, mountpoints: readonly string[], flags: number): Promise<number> {
    checkFlags(flags, 0, 'qemuDomainFSThaw', D);
    if (mountpoints.length > 0) throw new VirError(ErrorCode.ARGUMENT_UNSUPPORTED, 'specifying mountpoints is not supported', D);
    return this.#agentJob(dom, (agent) => fsThaw(agent));
  }

  async domainFSTrim(dom: DomainRef, mountPoint: string | undefined, minimum: bigint, flags: number): Promise<void> {
    checkFlags(flags, 0, 'qemuDomainFSTrim', D);
    if (mountPoint !== undefined) throw new VirError(ErrorCode.ARGUMENT_UNSUPPORTED, 'Specifying mount point is not supported for now', D);
    await this.#agentJob(dom, (agent) => fsTrim(agent, minimum));
  }

  async domainAuthorizedSSHKeysGet(dom: DomainRef, user: string, flags: number): Promise<string[]> {
    checkFlags(flags, 0, 'qemuDomainAuthorizedSSHKeysGet', D);
    return this.#agentJob(dom, (agent) => authorizedKeys(agent, user));
  }

  async domainAuthorizedSSHKeysSet(dom: DomainRef, user: string, keys: readonly string[], flags: number): Promise<void> {
    checkFlags(flags, K.APPEND | K.REMOVE, 'qemuDomainAuthorizedSSHKeysSet', D);
    const op = flags & K.REMOVE ? 'remove' : flags & K.APPEND ? 'append' : 'reset';
    await this.#agentJob(dom, (agent) => setAuthorizedKeys(agent, user, keys, op));
  }

  async domainGetGuestVcpus(dom: DomainRef, flags: number): Promise<DomainGuestVcpus> {
    checkFlags(flags, 0, 'qemuDomainGetGuestVcpus', D);
    return this.#agentJob(dom, (agent) => guestVcpus(agent));
  }

  async domainSetGuestVcpus(dom: DomainRef, cpumap: string, state: boolean, flags: number): Promise<void> {
    checkFlags(flags, 0, 'qemuDomainSetGuestVcpus', D);
    await this.#agentJob(dom, (agent) => setGuestVcpus(agent, cpumap, state));
  }

  async domainGetGuestInfo(dom: DomainRef, types: number, flags: number): Promise<TypedParameter[]> {
    checkFlags(flags, 0, 'qemuDomainGetGuestInfo', D);
    return this.#agentJob(dom, (agent, s) => guestInfo(agent, live(s), types));
  }

  /** setvcpus --guest: as many vcpus online in the guest as asked, no more than the domain has. */
  async setGuestVcpuCount(dom: DomainRef, count: number, flags: number): Promise<void> {
    checkFlags(flags, V.LIVE | V.CONFIG | V.MAXIMUM | V.GUEST | V.HOTPLUGGABLE, 'qemuDomainSetVcpusFlags', D);
    await this.#agentJob(dom, (agent, s) => {
      const enabled = live(s).vcpu.current ?? live(s).vcpu.count;
      if (count > enabled) {
        throw new VirError(ErrorCode.INVALID_ARG, `requested vcpu count is greater than the count of enabled vcpus in the domain: ${count} > ${enabled}`, D);
      }
      return setGuestVcpuCount(agent, count);
    });
  }

  /** vcpucount --guest: the vcpus online in the guest. */
  async guestVcpuCount(dom: DomainRef, flags: number): Promise<number> {
    checkFlags(flags, V.LIVE | V.CONFIG | V.MAXIMUM | V.GUEST, 'qemuDomainGetVcpusFlags', D);
    return domainJob(this.drv, dom, true, (d) => {
      if (d.status?.phase !== 'active') {
        throw new VirError(ErrorCode.INVALID_ARG, 'vCPU count provided by the guest agent can only be requested for live domains', D);
      }
      return withAgent(requireActive(d), (agent) => guestVcpuCount(agent));
    });
  }

  /** virDomainGetHostname: from the guest agent, or (LEASE) from the DHCP leases of the domain's networks. */
  async domainGetHostname(dom: DomainRef, flags: number): Promise<string> {
    checkFlags(flags, H.LEASE | H.AGENT, 'qemuDomainGetHostname', D);
    if (flags & H.LEASE && flags & H.AGENT) {
      throw new VirError(ErrorCode.INVALID_ARG, "Flags 'VIR_DOMAIN_GET_HOSTNAME_LEASE' and 'VIR_DOMAIN_GET_HOSTNAME_AGENT' are mutually exclusive", D);
    }
    if (!(flags & H.LEASE)) return this.#agentJob(dom, (agent) => guestHostname(agent));
    const s = requireActive(await readDomain(this.drv, dom));
    const leased = await this.drv.withConnection(async (conn) => {
      for (const nic of devicesOf(live(s), 'interface')) {
        if (nic.type !== 'network' || nic.mac === undefined) continue;
        const lease = (await (await conn.networkLookupByName(nic.source?.network ?? '')).getDHCPLeases(nic.mac)).find((l) => l.hostname);
        if (lease?.hostname) return lease.hostname;
      }
      return undefined;
    });
    if (leased === undefined) throw new VirError(ErrorCode.NO_HOSTNAME, `no hostname found for domain ${s.name}`, D);
    return leased;
  }

  /** domifaddr --source agent. */
  interfaceAddresses(status: ActiveStatus): Promise<DomainInterface[]> {
    return withAgent(status, (agent) => guestInterfaces(agent));
  }

  /**
   * Shutdown or reboot through the agent, when asked for (GUEST_AGENT) or by default when the
   * agent is there: guest-shutdown, which the agent answers only on failure, succeeds when QEMU
   * reports the guest's SHUTDOWN (or, for a reboot, RESET). Returns false when the caller should
   * use ACPI instead: not asked for the agent, or asked for either and the agent failed.
   */
  async powerByAgent(dom: DomainRef, flags: number, reboot: boolean): Promise<boolean> {
    const forced = (flags & S.GUEST_AGENT) !== 0 && !(flags & S.ACPI_POWER_BTN);
    if (flags !== 0 && !(flags & S.GUEST_AGENT)) return false;
    return domainJob(this.drv, dom, true, async (d) => {
      const s = requireActive(d);
      const socket = await requireAgent(s).catch((e: unknown) => {
        if (forced) throw e;
        return undefined;
      });
      if (socket === undefined) return false;
      try {
        await withAgent(s, (agent) => withMonitor(s, async (m) => {
          const event = m.waitForEvent((e) => e.event === (reboot ? 'RESET' : 'SHUTDOWN'), SHUTDOWN_SECONDS * 1000)
            .then((e) => e ?? new Promise<never>(() => undefined));
          const cmd = { execute: 'guest-shutdown', arguments: { mode: reboot ? 'reboot' : 'powerdown' } };
          checkReply(cmd, await agent.client.send(cmd, SHUTDOWN_SECONDS, { syncSeconds: agent.timeout, awaitEvent: event }));
        }));
        return true;
      } catch (e) {
        if (forced) throw e;
        return false;
      }
    });
  }

  /** virDomainAgentSetResponseTimeout: kept in the domain's status for its later agent calls. */
  async domainAgentSetResponseTimeout(dom: DomainRef, timeout: number, flags: number): Promise<void> {
    checkFlags(flags, 0, 'qemuDomainAgentSetResponseTimeout', D);
    if (timeout < T.BLOCK) throw new VirError(ErrorCode.INVALID_ARG, `guest agent timeout '${timeout}' is less than the minimum '${T.BLOCK}'`, D);
    await domainJob(this.drv, dom, false, async (d) => {
      if (d.status?.phase !== 'active') return;
      d.status.agentTimeout = timeout;
      await writeStatus(this.drv.paths, d.status);
    });
  }
}
