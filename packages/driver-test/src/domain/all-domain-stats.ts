import {
  ConnectGetAllDomainStatsFlags as F, DomainStatsTypes as S, matchesListDomainsFlags, typedInt,
  type DomainListFacts, type TypedParameter,
} from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import { isActive, type DomainObject } from '../domain-object.js';
import { iothreadStats } from './iothreads.js';

/** The statistics groups libvirt's mock reports. */
const SUPPORTED = S.STATE | S.IOTHREAD;
/** The list filters, which are the first eight bits of ListDomainsFlags. */
const FILTERS = 0xff;

/** testConnectGetAllDomainStats: `state.*` and, for running domains, `iothread.*` of the domains the filters keep. */
export function allDomainStats(
  objs: readonly DomainObject[], facts: (o: DomainObject) => DomainListFacts, stats: number, flags: number,
): Array<{ obj: DomainObject; params: TypedParameter[] }> {
  checkFlags(flags, FILTERS | F.NOWAIT | F.BACKING | F.ENFORCE_STATS, 'testConnectGetAllDomainStats', ErrorDomain.TEST);
  const unsupported = stats & ~SUPPORTED;
  if (unsupported && flags & F.ENFORCE_STATS) {
    throw new VirError(ErrorCode.ARGUMENT_UNSUPPORTED, `Stats types bits 0x${unsupported.toString(16)} are not supported by this daemon`,
      ErrorDomain.TEST);
  }
  const groups = stats === 0 ? SUPPORTED : stats & SUPPORTED;
  return objs.filter((o) => matchesListDomainsFlags(facts(o), flags & FILTERS)).map((obj) => ({
    obj,
    params: [
      ...(groups & S.STATE ? [typedInt('state.state', obj.state), typedInt('state.reason', obj.reason)] : []),
      ...(groups & S.IOTHREAD && isActive(obj) ? iothreadStats(obj) : []),
    ],
  }));
}
