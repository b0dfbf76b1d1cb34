import {
  TypedParameterFlags, TypedParameterType, typedULLong, typedUInt, validateTypedParams,
  type DomainCPUStats, type TypedParameter,
} from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import { isActive, type DomainObject } from '../domain-object.js';

const D = ErrorDomain.TEST;

/** The mock reports CPU usage for two host CPUs, whatever its node info says. */
const STATS_CPUS = 2;

/** testDomainGetCPUStats: fixed counters in ns, per CPU (cpu_time, vcpu_time) or for the whole domain. */
export function getCPUStats(obj: DomainObject, startCpu: number, ncpus: number, flags: number): DomainCPUStats {
  checkFlags(flags, TypedParameterFlags.STRING_OKAY, 'testDomainGetCPUStats', D);
  if (!isActive(obj)) throw new VirError(ErrorCode.OPERATION_INVALID, 'domain is not running', ErrorDomain.DOMAIN);
  if (startCpu === -1) {
    return {
      cpus: STATS_CPUS,
      stats: [[typedULLong('cpu_time', 48772617035n), typedULLong('user_time', 5540000000n), typedULLong('system_time', 6460000000n)]],
    };
  }
  if (startCpu >= STATS_CPUS) {
    throw new VirError(ErrorCode.INVALID_ARG, `start_cpu ${startCpu} larger than maximum of ${STATS_CPUS - 1}`, D);
  }
  const stats = Array.from({ length: ncpus }, (_, i): TypedParameter[] => {
    const cpu = BigInt(startCpu + i);
    return startCpu + i < STATS_CPUS ? [typedULLong('cpu_time', 24386308517n + cpu), typedULLong('vcpu_time', 23151740627n + cpu)] : [];
  });
  return { cpus: STATS_CPUS, stats };
}

/** The mock's scheduler: "fair", with one parameter. */
export const SCHEDULER = { type: 'fair', nparams: 1 };

/** testDomainGetSchedulerParametersFlags: a fixed weight; it takes no flags at all, not even STRING_OKAY. */
export function getSchedulerParameters(flags: number): TypedParameter[] {
  checkFlags(flags, 0, 'testDomainGetSchedulerParametersFlags', D);
  return [typedUInt('weight', 50)];
}

/** testDomainSetSchedulerParametersFlags: checks the parameters and, as libvirt's mock, keeps nothing. */
export function setSchedulerParameters(params: readonly TypedParameter[], flags: number): void {
  checkFlags(flags, 3, 'testDomainSetSchedulerParametersFlags', D);
  validateTypedParams(params, { weight: TypedParameterType.UINT });
}
