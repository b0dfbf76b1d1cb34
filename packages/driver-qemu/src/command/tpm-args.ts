import type { XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { devicesOf } from '../devices/typed-devices.js';
import { deviceArg } from './device-args.js';
import { aliasOf } from '../devices/device-aliases.js';

const unsupported = (what: string): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, what, ErrorDomain.QEMU);

/**
 * `-chardev`, `-tpmdev` and `-device` of the TPM. An emulated TPM talks to an swtpm process over a
 * UNIX socket: for `external` the definition names it, for `emulator` the driver starts swtpm
 * (`tpm/swtpm-emulator.ts`) and passes its socket (`emulatorSocket`).
 */
export function tpmArgs(devices: readonly XmlElement[], emulatorSocket: string | undefined): string[] {
  return devicesOf(devices, 'tpm').flatMap((tpm) => {
    const backend = tpm.backend ?? {};
    const model = tpm.model ?? 'tpm-tis';
    if (model !== 'tpm-tis' && model !== 'tpm-crb') throw unsupported(`TPM model '${model}' is not supported on this architecture`);
    let socket: string | undefined;
    if (backend.type === 'external') socket = backend.source?.path;
    else if (backend.type === 'emulator') socket = emulatorSocket;
    else throw unsupported(`TPM backend '${backend.type ?? 'passthrough'}' is not supported by this driver yet`);
    if (socket === undefined) throw new VirError(ErrorCode.INTERNAL_ERROR, `no swtpm socket for the emulated TPM '${aliasOf(tpm)}'`, ErrorDomain.QEMU);
    const id = `tpm-${aliasOf(tpm)}`;
    return [
      '-chardev', `socket,id=chrtpm,path=${socket.replaceAll(',', ',,')}`,
      '-tpmdev', `emulator,id=${id},chardev=chrtpm`,
      ...deviceArg({ driver: model, tpmdev: id, id: aliasOf(tpm) }),
    ];
  });
}
