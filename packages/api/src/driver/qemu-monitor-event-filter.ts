/**
 * Which QEMU monitor events a registration takes (virConnectDomainQemuMonitorEventRegister's
 * `event` and flags), shared by the QEMU driver and the remote client, which filters on its side.
 */
import { ErrorCode, VirError, checkFlags } from '@tsvirt/util';
import { ConnectDomainQemuMonitorEventRegisterFlags as F } from '../flags.js';

/**
 * All names without a filter (an empty one is none), the name itself, without case with NOCASE,
 * or with REGEX those a regular expression finds a match in. libvirt 9.0 compiles it with GLib's
 * GRegex (PCRE), of which JavaScript's RegExp is the near kin; a bad one is INVALID_ARG in
 * libvirt's words, with JavaScript's reason where GRegex gives PCRE's.
 */
export function qemuMonitorEventFilter(event: string | undefined, flags: number): (name: string) => boolean {
  checkFlags(flags, F.REGEX | F.NOCASE, 'virDomainQemuMonitorEventStateRegisterID');
  if (!event) return () => true;
  const nocase = (flags & F.NOCASE) !== 0;
  if (flags & F.REGEX) {
    let re: RegExp;
    try {
      re = new RegExp(event, nocase ? 'i' : '');
    } catch (e) {
      const why = (e as Error).message.replace(/^Invalid regular expression: \/.*\/\w*: /s, '');
      throw new VirError(ErrorCode.INVALID_ARG, `failed to compile regex '${event}': Error while compiling regular expression ‘${event}’: ${why}`);
    }
    return (name) => re.test(name);
  }
  if (nocase) {
    const want = event.toLowerCase();
    return (name) => name.toLowerCase() === want;
  }
  return (name) => name === event;
}
