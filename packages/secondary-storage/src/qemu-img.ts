import { ErrorCode, ErrorDomain, VirError, runCommand } from '@tsvirt/util';
import { secretObjectId } from './volume-encryption.js';

const QEMU_IMG = 'qemu-img';
const D = ErrorDomain.NONE;

/** What `qemu-img info --output=json` says of an image. */
export interface ImageInfo {
  readonly format: string;
  readonly virtualSize: bigint;
  readonly backingPath?: string;
  readonly backingFormat?: string;
  /** The image is encrypted (a LUKS image, or qcow2 with LUKS inside). */
  readonly encrypted: boolean;
  /** A qcow2 image's cluster size in bytes (libvirt probes it for qcow2 alone). */
  readonly clusterSize?: bigint;
}

interface QemuImgInfoJSON {
  'format': string;
  'encrypted'?: boolean;
  'virtual-size': number;
  'backing-filename'?: string;
  'full-backing-filename'?: string;
  'backing-filename-format'?: string;
  'cluster-size'?: number;
}

/**
 * The format and virtual size of an image; undefined when qemu-img cannot read it (a volume then
 * shows as raw, its size that of the file). `-U` reads images a running guest holds locked.
 */
export async function imageInfo(path: string): Promise<ImageInfo | undefined> {
  try {
    const { stdout } = await runCommand(QEMU_IMG, ['info', '--output=json', '-U', path], { domain: D });
    const j = JSON.parse(stdout) as QemuImgInfoJSON;
    const backingPath = j['full-backing-filename'] ?? j['backing-filename'];
    return {
      format: j.format,
      virtualSize: BigInt(j['virtual-size']),
      encrypted: j.format === 'luks' || j.encrypted === true,
      ...(j.format === 'qcow2' && j['cluster-size'] !== undefined ? { clusterSize: BigInt(j['cluster-size']) } : {}),
      ...(backingPath !== undefined ? { backingPath } : {}),
      ...(j['backing-filename-format'] !== undefined ? { backingFormat: j['backing-filename-format'] } : {}),
    };
  } catch {
    return undefined;
  }
}

/** What a new image needs: format, size in bytes, image options and an optional backing image. */
export interface CreateImage {
  readonly path: string;
  /** libvirt's name of the format. */
  readonly format: string;
  /** Absent: qemu-img takes the backing image's size. */
  readonly capacity?: bigint;
  readonly allocation: bigint;
  readonly backing?: { readonly path: string; readonly format: string };
  /** VIR_STORAGE_VOL_CREATE_PREALLOC_METADATA. */
  readonly preallocMetadata: boolean;
  /** The target's `<compat>`, `<clusterSize>` (bytes) and `<features>` children. */
  readonly compat?: string;
  readonly clusterSize?: string;
  readonly features: readonly string[];
  /** LUKS: the file holding the passphrase, and qemu's cipher options. */
  readonly encryption?: { readonly secretFile: string; readonly options: readonly string[] };
}

/** qemu-img's name of a libvirt format: an ISO image is raw to it. */
const qemuFormat = (format: string): string => (format === 'iso' ? 'raw' : format);

/** The size argument of `qemu-img create`: KiB, rounded up. */
const sizeKiB = (bytes: bigint): bigint => (bytes + 1023n) / 1024n;

/**
 * The `-o` list libvirt passes, in its order: the backing format, preallocation (metadata when the
 * size asked for exceeds the allocation, else falloc), then for qcow2 the compat level (0.10 unless
 * the XML names one), cluster size and features; lazy refcounts need compat 1.1.
 */
function imageOptions(img: CreateImage): string[] {
  const opts: string[] = [];
  if (img.backing) opts.push(`backing_fmt=${qemuFormat(img.backing.format)}`);
  if (img.encryption) {
    const id = secretObjectId(img.path);
    // A raw LUKS image is qemu's luks format; qcow2 carries LUKS inside, its options prefixed.
    if (img.format === 'qcow2') opts.push('encrypt.format=luks', `encrypt.key-secret=${id}`);
    else opts.push(`key-secret=${id}`, ...img.encryption.options);
  }
  if (img.preallocMetadata) opts.push(sizeKiB(img.capacity ?? 0n) > img.allocation ? 'preallocation=metadata' : 'preallocation=falloc');
  if (img.format !== 'qcow2') return opts;
  const compat = img.compat ?? '0.10';
  opts.push(`compat=${compat}`);
  if (img.clusterSize !== undefined) opts.push(`cluster_size=${img.clusterSize}`);
  if (img.features.includes('lazy_refcounts')) {
    if (compat === '0.10') throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `lazy_refcounts not supported with compat level ${compat}`, ErrorDomain.STORAGE);
    opts.push('lazy_refcounts');
  }
  if (img.features.includes('extended_l2')) opts.push('extended_l2=on');
  return opts;
}

const optionArgs = (img: CreateImage): string[] => {
  const opts = imageOptions(img);
  return opts.length ? ['-o', opts.join(',')] : [];
};

/** The secret object qemu-img reads a LUKS passphrase from. */
const secretObject = (img: CreateImage): string[] =>
  img.encryption ? ['--object', `secret,id=${secretObjectId(img.path)},file=${img.encryption.secretFile}`] : [];

/** The arguments of `qemu-img create` for a new image, as libvirt builds them (a raw LUKS volume is qemu's luks format). */
export function createImageArgs(img: CreateImage): string[] {
  const format = img.encryption && img.format === 'raw' ? 'luks' : qemuFormat(img.format);
  return [
    'create', '-f', format, ...(img.backing ? ['-b', img.backing.path] : []), ...secretObject(img), ...optionArgs(img), img.path,
    ...(img.capacity !== undefined ? [`${sizeKiB(img.capacity)}K`] : []),
  ];
}

/** The arguments of `qemu-img convert` copying `from` into a new image, as libvirt builds them. */
export function convertImageArgs(from: { readonly path: string; readonly format: string }, img: CreateImage): string[] {
  return ['convert', '-f', qemuFormat(from.format), '-O', qemuFormat(img.format), ...optionArgs(img), from.path, img.path];
}

/** What qemu says when its key-derivation benchmark saw no CPU time pass: a busy host, not a bad request. */
const PBKDF_BENCHMARK_MISSED = 'Unable to get accurate CPU usage';

/** Runs qemu-img; a LUKS creation whose key-derivation benchmark a busy host spoilt is tried again, twice at most. */
export async function qemuImg(args: readonly string[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await runCommand(QEMU_IMG, args, { domain: D });
      return;
    } catch (e) {
      if (attempt >= 3 || !(e instanceof VirError && e.message.includes(PBKDF_BENCHMARK_MISSED))) throw e;
    }
  }
}

/** `qemu-img resize` to `bytes` (`--shrink` allows a smaller size). */
export async function resizeImage(path: string, bytes: bigint, shrink: boolean): Promise<void> {
  await qemuImg(['resize', ...(shrink ? ['--shrink'] : []), path, String(bytes)]);
}
