import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';

/** libvirt's argument errors carry their own text, without the code's `invalid argument: ` prefix. */
function invalidArg(text: string): VirError {
  return new VirError(ErrorCode.INVALID_ARG, text, ErrorDomain.DOMAIN, { message: text });
}

/** virCheckNonZeroArg: `memory in virDomainSetMemoryFlags must not be zero`. */
export function checkNonZero(value: number, name: string, api: string): void {
  if (value === 0) throw invalidArg(`${name} in ${api} must not be zero`);
}

/** virCheckNonNegativeArg: `period in virDomainSetMemoryStatsPeriod must be zero or greater`. */
export function checkNonNegative(value: number, name: string, api: string): void {
  if (value < 0) throw invalidArg(`${name} in ${api} must be zero or greater`);
}

/** virCheckPositiveArg: `maxCells in virNodeGetCellsFreeMemory must be greater than zero`. */
export function checkPositive(value: number, name: string, api: string): void {
  if (value <= 0) throw invalidArg(`${name} in ${api} must be greater than zero`);
}

/** VIR_REQUIRE_FLAG_RET: a flag that is only valid together with another. */
export function checkRequiredFlag(flags: number, flag: number, flagName: string, required: number, requiredName: string): void {
  if (flags & flag && !(flags & required)) throw invalidArg(`Flag '${requiredName}' is required by flag '${flagName}'`);
}

/** VIR_EXCLUSIVE_FLAGS_RET: two flags that may not be given together. */
export function checkExclusiveFlags(flags: number, a: number, aName: string, b: number, bName: string): void {
  if (flags & a && flags & b) throw invalidArg(`Flags '${aName}' and '${bName}' are mutually exclusive`);
}

/** virCheckNonNullArg: `uri in virDomainSetMetadata must not be NULL`. */
export function checkNonNull(value: unknown, name: string, api: string): void {
  if (value === undefined || value === null) throw invalidArg(`${name} in ${api} must not be NULL`);
}

/** virCheckNullArg: an argument that must be left out for this kind of call. */
export function checkNull(value: unknown, name: string, api: string): void {
  if (value !== undefined && value !== null) throw invalidArg(`${name} in ${api} must be NULL`);
}

/** virCheckNonEmptyStringArg: `string new_name in virDomainRename must not be empty`. */
export function checkNonEmptyString(value: string, name: string, api: string): void {
  if (value === '') throw invalidArg(`string ${name} in ${api} must not be empty`);
}

/** The most keys virDomainSendKey presses at once (VIR_DOMAIN_SEND_KEY_MAX_KEYS). */
export const SEND_KEY_MAX_KEYS = 16;
/** How many key code sets there are (VIR_KEYCODE_SET_LAST). */
const KEYCODE_SET_LAST = 10;

/** virDomainSendKey's own checks: 1 to 16 keys (libvirt 9.0 words both ends as below), a known set. */
export function checkSendKeyArgs(codeset: number, keycodes: readonly number[]): void {
  if (keycodes.length === 0 || keycodes.length > SEND_KEY_MAX_KEYS) throw invalidArg('nkeycodes in virDomainSendKey must be greater than zero');
  if (!Number.isInteger(codeset) || codeset < 0 || codeset >= KEYCODE_SET_LAST) throw invalidArg(`Unsupported codeset '${codeset}'`);
}
