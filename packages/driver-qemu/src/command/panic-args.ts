import type { XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { devicesOf } from '../devices/typed-devices.js';
import { deviceArg } from './device-args.js';

/**
 * `-device pvpanic` of an ISA panic device, at its I/O port when the definition gives one.
 * A Hyper-V panic device is the guest CPU's crash MSRs (`hv-crash`, with the CPU's features).
 */
export function panicArgs(devices: readonly XmlElement[]): string[] {
  return devicesOf(devices, 'panic').flatMap((p) => {
    const model = p.model ?? 'isa';
    if (model === 'hyperv') return [];
    if (model !== 'isa') throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `panic model '${model}' is not supported by this QEMU binary`, ErrorDomain.QEMU);
    const port = p.address?.type === 'isa' && p.address.iobase !== undefined ? { ioport: p.address.iobase } : {};
    return deviceArg({ driver: 'pvpanic', ...port });
  });
}
