import { devicesOf, parseDomainXML } from '@tsvirt/conf';
import { DomainState } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { ActiveStatus } from '../state/domain-status.js';
import { GUEST_ARCH } from '../state/qemu-store.js';
import { withMonitor } from '../driver/monitor.js';

const D = ErrorDomain.QEMU;

/** The virtio channel the QEMU guest agent listens on. */
export const AGENT_CHANNEL = 'org.qemu.guest_agent.0';

/**
 * libvirt's check before any guest agent call (qemuDomainAgentAvailable): the domain runs (not
 * paused), it has the agent's channel, and the guest has opened its end of it, which QEMU tells
 * as the channel's `frontend-open` (libvirt follows the same from VSERPORT_CHANGE). An agent that
 * is there is not spoken to yet: that is refused as unsupported rather than guessed at.
 */
export async function requireAgent(status: ActiveStatus): Promise<never> {
  if (status.state !== DomainState.RUNNING) throw new VirError(ErrorCode.OPERATION_INVALID, 'domain is not running', D);
  const channels = devicesOf(parseDomainXML(status.xml, { arch: GUEST_ARCH }), 'channel');
  const at = channels.findIndex((c) => c.target?.type === 'virtio' && c.target.name === AGENT_CHANNEL);
  if (at < 0) throw new VirError(ErrorCode.ARGUMENT_UNSUPPORTED, 'QEMU guest agent is not configured', D);
  const chardevs = await withMonitor(status, (m) => m.execute('query-chardev')) as Array<{ label: string; 'frontend-open'?: boolean }>;
  if (!chardevs.find((c) => c.label === `charchannel${at}`)?.['frontend-open']) {
    throw new VirError(ErrorCode.AGENT_UNRESPONSIVE, 'QEMU guest agent is not connected', D);
  }
  throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, 'talking to the QEMU guest agent is not implemented', D);
}
