// A third party's driver, written as one would outside the repository: it depends only on the
// published @tsvirt packages, declares its scheme in package.json ("tsvirt": {"schemes": ["mem"]})
// and is found by @tsvirt/api without any edit there. Domains live in memory.
import {
  DomainEventDetail, DomainEventType, DomainPausedReason, DomainRunningReason, DomainShutoffReason, DomainState,
  DomainXMLFlags, ListDomainsFlags,
} from '@tsvirt/api';
import { formatDomainXML, parseDomainXML } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';

const D = ErrorDomain.DOMAIN;

/** One hypervisor per process, as libvirt's drivers keep their state. */
const domains = new Map();
const listeners = new Set();
let nextId = 1;

const refOf = (d) => ({ name: d.def.name, uuid: d.def.uuid, id: d.id });
const emit = (d, event, detail) => {
  for (const l of listeners) l({ domain: refOf(d), event, detail });
};

function byName(name) {
  for (const d of domains.values()) if (d.def.name === name) return d;
  throw new VirError(ErrorCode.NO_DOMAIN, `no domain with matching name '${name}'`, D);
}

function byUUID(uuid) {
  const d = domains.get(uuid);
  if (!d) throw new VirError(ErrorCode.NO_DOMAIN, `no domain with matching uuid '${uuid}'`, D);
  return d;
}

const get = (ref) => byUUID(ref.uuid);

function running(d) {
  if (d.id < 0) throw new VirError(ErrorCode.OPERATION_INVALID, 'domain is not running', D);
  return d;
}

const hypervisor = {
  async connectGetType() {
    return 'MEM';
  },
  async connectListAllDomains(flags) {
    const all = [...domains.values()];
    const want = (d) => (!(flags & ListDomainsFlags.ACTIVE) || d.id > 0) && (!(flags & ListDomainsFlags.INACTIVE) || d.id < 0)
      || (flags & ListDomainsFlags.ACTIVE && flags & ListDomainsFlags.INACTIVE);
    return all.filter(want).map(refOf);
  },
  async domainLookupByName(name) {
    return refOf(byName(name));
  },
  async domainLookupByUUID(uuid) {
    return refOf(byUUID(uuid));
  },
  async domainDefineXML(xml) {
    const def = parseDomainXML(xml);
    for (const d of domains.values()) {
      if (d.def.name === def.name && d.def.uuid !== def.uuid) {
        throw new VirError(ErrorCode.OPERATION_FAILED, `domain '${def.name}' already exists with uuid ${d.def.uuid}`, D);
      }
    }
    const old = domains.get(def.uuid);
    const d = old ? Object.assign(old, { def }) : { def, id: -1, state: DomainState.SHUTOFF, reason: DomainShutoffReason.UNKNOWN };
    domains.set(def.uuid, d);
    emit(d, DomainEventType.DEFINED, old ? DomainEventDetail.DEFINED.UPDATED : DomainEventDetail.DEFINED.ADDED);
    return refOf(d);
  },
  async domainUndefine(ref) {
    const d = get(ref);
    if (d.id > 0) throw new VirError(ErrorCode.OPERATION_INVALID, 'cannot undefine a running domain here', D);
    domains.delete(d.def.uuid);
    emit(d, DomainEventType.UNDEFINED, DomainEventDetail.UNDEFINED.REMOVED);
  },
  async domainCreate(ref) {
    const d = get(ref);
    if (d.id > 0) throw new VirError(ErrorCode.OPERATION_INVALID, 'domain is already running', D);
    Object.assign(d, { id: nextId++, state: DomainState.RUNNING, reason: DomainRunningReason.BOOTED });
    emit(d, DomainEventType.STARTED, DomainEventDetail.STARTED.BOOTED);
    return refOf(d);
  },
  async domainDestroy(ref) {
    const d = running(get(ref));
    Object.assign(d, { id: -1, state: DomainState.SHUTOFF, reason: DomainShutoffReason.DESTROYED });
    emit(d, DomainEventType.STOPPED, DomainEventDetail.STOPPED.DESTROYED);
  },
  async domainSuspend(ref) {
    Object.assign(running(get(ref)), { state: DomainState.PAUSED, reason: DomainPausedReason.USER });
  },
  async domainResume(ref) {
    Object.assign(running(get(ref)), { state: DomainState.RUNNING, reason: DomainRunningReason.UNPAUSED });
  },
  async domainGetState(ref) {
    const d = get(ref);
    return { state: d.state, reason: d.reason };
  },
  async domainIsActive(ref) {
    return get(ref).id > 0;
  },
  async domainIsPersistent() {
    return true;
  },
  async domainGetXMLDesc(ref, flags) {
    const d = get(ref);
    const live = d.id > 0 && !(flags & DomainXMLFlags.INACTIVE);
    return formatDomainXML(d.def, live ? { id: d.id } : { inactive: true });
  },
};

/** The entry @tsvirt/api's registry imports: a ConnectionDriver. */
export const driver = {
  name: 'Mem',
  schemes: ['mem'],
  localOnly: true,
  async open(ctx) {
    if (ctx.uri.driver !== 'mem') return 'declined';
    return {
      hypervisor,
      events: {
        subscribe(listener) {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
      },
      close: async () => undefined,
    };
  },
};
