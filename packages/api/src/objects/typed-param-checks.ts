import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { TYPED_PARAM_FIELD_LENGTH, type TypedParameter } from '../typed-params.js';

function invalidArg(text: string): VirError {
  return new VirError(ErrorCode.INVALID_ARG, text, ErrorDomain.DOMAIN, { message: text });
}

/** virTypedParameterValidateSet: every field name fits libvirt's fixed-size field. */
export function checkTypedParams(params: readonly TypedParameter[]): readonly TypedParameter[] {
  for (const p of params) {
    if (p.field.length >= TYPED_PARAM_FIELD_LENGTH) throw new VirError(ErrorCode.INVALID_ARG, `string parameter name '${p.field}' too long`);
  }
  return params;
}

/** virDomainGetCPUStats' argument rules: -1 (the total) goes with exactly one CPU, otherwise no negative start. */
export function checkCPUStatsRange(startCpu: number, ncpus: number): void {
  if (startCpu === -1) {
    if (ncpus !== 1) throw invalidArg('ncpus must be 1 when start_cpu is -1');
  } else if (startCpu < 0) {
    throw invalidArg('start_cpu in virDomainGetCPUStats must be zero or greater');
  }
}
