import type { VolumePart } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';

const D = ErrorDomain.STORAGE;

/** A volume's `<encryption format='luks'>`: the secret holding its passphrase and the cipher asked for. */
export interface VolumeEncryption {
  /** The secret by UUID, or by usage (the volume's path for volume secrets). */
  readonly secret: { readonly uuid: string } | { readonly usage: string };
  /** qemu's LUKS options from `<cipher>` and `<ivgen>`, in libvirt's order. */
  readonly options: readonly string[];
}

/** qemu's LUKS options for the target's `<cipher>` and `<ivgen>`: cipher-alg is name-size. */
function cipherOptions(target: VolumePart<'target'>): string[] {
  const { encryptionCipher: cipher, encryptionIvgen: ivgen } = target;
  const opts: string[] = [];
  if (cipher) {
    opts.push(`cipher-alg=${cipher.name ?? ''}-${cipher.size ?? ''}`);
    if (cipher.mode) opts.push(`cipher-mode=${cipher.mode}`);
    if (cipher.hash) opts.push(`hash-alg=${cipher.hash}`);
  }
  if (ivgen) {
    opts.push(`ivgen-alg=${ivgen.name ?? ''}`);
    if (ivgen.hash) opts.push(`ivgen-hash-alg=${ivgen.hash}`);
  }
  return opts;
}

/**
 * The LUKS encryption a new volume's target asks for, undefined when none. libvirt makes only
 * LUKS volumes (raw LUKS images and qcow2 with LUKS inside); the old qcow encryption is refused,
 * and a LUKS volume needs its passphrase secret.
 */
export function encryptionOf(target: VolumePart<'target'> | undefined): VolumeEncryption | undefined {
  if (!target || (target.encryptionFormat === undefined && !target.encryptionSecret)) return undefined;
  const format = target.encryptionFormat;
  if (format !== 'luks') {
    throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `unsupported volume encryption format '${format ?? 'default'}': only luks volumes can be made`, D);
  }
  const { uuid, usage } = target.encryptionSecret ?? {};
  if (!uuid && !usage) throw new VirError(ErrorCode.XML_ERROR, 'missing secret uuid or usage attribute in encryption', D);
  return { secret: uuid ? { uuid } : { usage: usage! }, options: cipherOptions(target) };
}

/** The id qemu-img knows a volume's secret object by: `NAME_encrypt0`, after the image file's name. */
export const secretObjectId = (path: string): string => `${path.slice(path.lastIndexOf('/') + 1)}_encrypt0`;
