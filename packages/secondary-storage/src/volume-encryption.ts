import { attr, firstChild, type StorageVolDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';

const D = ErrorDomain.STORAGE;

/** A volume's `<encryption format='luks'>`: the secret holding its passphrase and the cipher asked for. */
export interface VolumeEncryption {
  /** The secret by UUID, or by usage (the volume's path for volume secrets). */
  readonly secret: { readonly uuid: string } | { readonly usage: string };
  /** qemu's LUKS options from `<cipher>` and `<ivgen>`, in libvirt's order. */
  readonly options: readonly string[];
}

/** qemu's option names for `<cipher>` and `<ivgen>`: cipher-alg is name-size. */
function cipherOptions(enc: NonNullable<ReturnType<typeof firstChild>>): string[] {
  const cipher = firstChild(enc, 'cipher');
  const ivgen = firstChild(enc, 'ivgen');
  const opts: string[] = [];
  if (cipher) {
    opts.push(`cipher-alg=${attr(cipher, 'name') ?? ''}-${attr(cipher, 'size') ?? ''}`);
    if (attr(cipher, 'mode')) opts.push(`cipher-mode=${attr(cipher, 'mode')}`);
    if (attr(cipher, 'hash')) opts.push(`hash-alg=${attr(cipher, 'hash')}`);
  }
  if (ivgen) {
    opts.push(`ivgen-alg=${attr(ivgen, 'name') ?? ''}`);
    if (attr(ivgen, 'hash')) opts.push(`ivgen-hash-alg=${attr(ivgen, 'hash')}`);
  }
  return opts;
}

/**
 * The LUKS encryption a new volume asks for, undefined when none. libvirt makes only LUKS
 * volumes (raw LUKS images and qcow2 with LUKS inside); the old qcow encryption is refused, and a
 * LUKS volume needs its passphrase secret.
 */
export function encryptionOf(def: StorageVolDef): VolumeEncryption | undefined {
  const target = firstChild(def.xml, 'target');
  const enc = target && firstChild(target, 'encryption');
  if (!enc) return undefined;
  const format = attr(enc, 'format');
  if (format !== 'luks') {
    throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `unsupported volume encryption format '${format ?? 'default'}': only luks volumes can be made`, D);
  }
  const secret = firstChild(enc, 'secret');
  const uuid = secret && attr(secret, 'uuid');
  const usage = secret && attr(secret, 'usage');
  if (!uuid && !usage) throw new VirError(ErrorCode.XML_ERROR, 'missing secret uuid or usage attribute in encryption', D);
  return { secret: uuid ? { uuid } : { usage: usage! }, options: cipherOptions(enc) };
}

/** The id qemu-img knows a volume's secret object by: `NAME_encrypt0`, after the image file's name. */
export const secretObjectId = (path: string): string => `${path.slice(path.lastIndexOf('/') + 1)}_encrypt0`;
