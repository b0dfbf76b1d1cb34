import { devicesOf, parseDomainXML } from '@tsvirt/conf';
import { DomainState } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { channelSocketPath } from '../command/device-args.js';
import { withDeviceAliases } from '../devices/device-aliases.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { GUEST_ARCH } from '../state/qemu-store.js';
import { withMonitor } from '../driver/monitor.js';
import { AgentClient } from './agent-client.js';

const D = ErrorDomain.QEMU;

/** The virtio channel the QEMU guest agent listens on. */
export const AGENT_CHANNEL = 'org.qemu.guest_agent.0';

/** A connected agent of a running domain, with the domain's agent timeout (seconds or DomainAgentResponseTimeout). */
export interface DomainAgent {
  readonly client: AgentClient;
  readonly timeout: number;
  /** Runs a command with the domain's timeout and returns its value. */
  run<T = unknown>(execute: string, args?: Record<string, unknown>): Promise<T>;
}

/** The host end of a domain's agent channel: the socket the definition names, else the one made in the run directory. */
function agentSocket(status: ActiveStatus): { path: string; chardev: string } | undefined {
  const channels = devicesOf(withDeviceAliases(parseDomainXML(status.xml, { arch: GUEST_ARCH })), 'channel');
  const c = channels.find((x) => x.target?.type === 'virtio' && x.target.name === AGENT_CHANNEL);
  if (!c) return undefined;
  const path = c.type === 'unix' ? c.sources?.find((s) => s.path !== undefined)?.path : undefined;
  return { path: path ?? channelSocketPath(status.runDir, AGENT_CHANNEL), chardev: `char${c.alias ?? ''}` };
}

/**
 * libvirt's check before any guest agent call (qemuDomainAgentAvailable): the domain runs (not
 * paused), it has the agent's channel, and the guest has opened its end of it, which QEMU tells
 * as the channel's `frontend-open` (the state VSERPORT_CHANGE reports). Returns the channel's socket.
 */
export async function requireAgent(status: ActiveStatus): Promise<string> {
  if (status.state !== DomainState.RUNNING) throw new VirError(ErrorCode.OPERATION_INVALID, 'domain is not running', D);
  const socket = agentSocket(status);
  if (!socket) throw new VirError(ErrorCode.ARGUMENT_UNSUPPORTED, 'QEMU guest agent is not configured', D);
  const chardevs = await withMonitor(status, (m) => m.execute('query-chardev')) as Array<{ label: string; 'frontend-open'?: boolean }>;
  if (!chardevs.find((c) => c.label === socket.chardev)?.['frontend-open']) {
    throw new VirError(ErrorCode.AGENT_UNRESPONSIVE, 'QEMU guest agent is not connected', D);
  }
  return socket.path;
}

/** An agent over a connected client, running commands with `timeout`. */
export function domainAgent(client: AgentClient, timeout: number): DomainAgent {
  return {
    client, timeout,
    run: <T>(execute: string, args?: Record<string, unknown>) => client.execute<T>(args === undefined ? { execute } : { execute, arguments: args }, timeout, timeout),
  };
}

/**
 * Runs `fn` with the domain's agent after libvirt's checks, connected for this call only: the
 * channel's socket takes one client, and every process of a root may need it. The caller holds the domain's job.
 */
export async function withAgent<T>(status: ActiveStatus, fn: (agent: DomainAgent) => Promise<T>): Promise<T> {
  const client = await AgentClient.open(await requireAgent(status));
  try {
    return await fn(domainAgent(client, status.agentTimeout ?? -1));
  } finally {
    client.close();
  }
}
