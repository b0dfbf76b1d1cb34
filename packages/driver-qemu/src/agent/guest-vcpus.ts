import { typedString, type DomainGuestVcpus } from '@tsvirt/api';
import { formatCpuSet, parseCpuSet } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { DomainAgent } from './agent-access.js';

const D = ErrorDomain.QEMU;

/** One vcpu as guest-get-vcpus reports it. */
export interface AgentVcpu {
  readonly id: number;
  online: boolean;
  readonly offlinable: boolean;
  /** Changed by this call, to be sent with guest-set-vcpus. */
  modified?: boolean;
}

const bad = (what: string): VirError => new VirError(ErrorCode.INTERNAL_ERROR, what, D);
const invalid = (what: string): VirError => new VirError(ErrorCode.INVALID_ARG, what, D);

/** guest-get-vcpus, checked entry by entry. */
export async function agentVcpus(agent: DomainAgent): Promise<AgentVcpu[]> {
  const data = await agent.run<unknown>('guest-get-vcpus');
  if (!Array.isArray(data)) throw bad('guest-get-vcpus reply was missing return data');
  return data.map((e: Record<string, unknown>) => {
    if (typeof e['logical-id'] !== 'number') throw bad("'logical-id' missing in reply of guest-get-vcpus");
    if (typeof e['online'] !== 'boolean') throw bad("'online' missing in reply of guest-get-vcpus");
    if (typeof e['can-offline'] !== 'boolean') throw bad("'can-offline' missing in reply of guest-get-vcpus");
    return { id: e['logical-id'], online: e['online'], offlinable: e['can-offline'] };
  });
}

/** A set of cpu numbers as libvirt writes a bitmap: `0-3,5`. */
function formatCpuList(ids: readonly number[]): string {
  const bits: boolean[] = [];
  for (const id of ids) bits[id] = true;
  return formatCpuSet(Array.from(bits, Boolean));
}

/** virDomainGetGuestVcpus: `vcpus`, `online` and `offlinable` as cpu lists. */
export async function guestVcpus(agent: DomainAgent): Promise<DomainGuestVcpus> {
  const v = await agentVcpus(agent);
  return [
    typedString('vcpus', formatCpuList(v.map((c) => c.id))),
    typedString('online', formatCpuList(v.filter((c) => c.online).map((c) => c.id))),
    typedString('offlinable', formatCpuList(v.filter((c) => c.offlinable).map((c) => c.id))),
  ];
}

/** guest-set-vcpus with the modified entries; fewer done than asked is the first undone cpu's failure. */
async function applyVcpus(agent: DomainAgent, vcpus: readonly AgentVcpu[]): Promise<void> {
  const changed = vcpus.filter((c) => c.modified);
  if (changed.length === 0) return;
  const done = await agent.run<unknown>('guest-set-vcpus', { vcpus: changed.map((c) => ({ 'logical-id': c.id, online: c.online })) });
  if (typeof done !== 'number') throw bad('malformed return value');
  if (done < changed.length) throw new VirError(ErrorCode.OPERATION_FAILED, `failed to set state of cpu ${changed[done]!.id} via guest agent`, D);
}

/** The most vcpus a guest may have, and so the size of the cpu map virDomainSetGuestVcpus reads. */
const GUEST_VCPU_MAX = 4096;

/** virDomainSetGuestVcpus: every cpu of `cpumap` set online (`state`) or offline, as libvirt sends them all. */
export async function setGuestVcpus(agent: DomainAgent, cpumap: string, state: boolean): Promise<void> {
  const wanted = parseCpuSet(cpumap, GUEST_VCPU_MAX);
  const vcpus = await agentVcpus(agent);
  for (const c of vcpus) {
    if (!wanted[c.id]) continue;
    if (!state && !c.offlinable) throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, `vCPU '${c.id}' is not offlinable`, D);
    Object.assign(c, { online: state, modified: true });
    wanted[c.id] = false;
  }
  if (wanted.includes(true)) throw invalid(`guest is missing vCPUs '${formatCpuSet(wanted)}'`);
  await applyVcpus(agent, vcpus);
}

/** setvcpus --guest: `count` cpus online in the guest, onlining the first offline ones or offlining the last offlinable ones. */
export async function setGuestVcpuCount(agent: DomainAgent, count: number): Promise<void> {
  if (count < 1) throw invalid('target vcpu count cannot be less than 1');
  const vcpus = await agentVcpus(agent);
  if (count > vcpus.length) throw invalid('guest agent reports less cpu than requested');
  const flip = (c: AgentVcpu): void => void Object.assign(c, { online: !c.online, modified: true });
  const online = (): number => vcpus.filter((c) => c.online).length;
  for (const c of vcpus.filter((x) => !x.online).slice(0, Math.max(0, count - online()))) flip(c);
  for (const c of vcpus.filter((x) => x.online && x.offlinable).reverse().slice(0, Math.max(0, online() - count))) flip(c);
  if (online() !== count) throw invalid('Cannot offline enough CPUs');
  await applyVcpus(agent, vcpus);
}

/** vcpucount --guest: the cpus online in the guest. */
export async function guestVcpuCount(agent: DomainAgent): Promise<number> {
  return (await agentVcpus(agent)).filter((c) => c.online).length;
}
