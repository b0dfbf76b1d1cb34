import { ErrorDomain, runCommand } from '@tsvirt/util';

const QEMU_IMG = 'qemu-img';
const D = ErrorDomain.NONE;

/** What `qemu-img info --output=json` says of an image. */
export interface ImageInfo {
  readonly format: string;
  readonly virtualSize: bigint;
  readonly backingPath?: string;
  readonly backingFormat?: string;
}

interface QemuImgInfoJSON {
  'format': string;
  'virtual-size': number;
  'backing-filename'?: string;
  'full-backing-filename'?: string;
  'backing-filename-format'?: string;
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
      ...(backingPath !== undefined ? { backingPath } : {}),
      ...(j['backing-filename-format'] !== undefined ? { backingFormat: j['backing-filename-format'] } : {}),
    };
  } catch {
    return undefined;
  }
}

/** What a new image needs: format, size in bytes, options, and an optional backing image. */
export interface CreateImage {
  readonly path: string;
  readonly format: string;
  readonly capacity: bigint;
  readonly backing?: { readonly path: string; readonly format: string };
  /** Metadata preallocation (qcow2), VIR_STORAGE_VOL_CREATE_PREALLOC_METADATA. */
  readonly preallocMetadata: boolean;
  /** `-o` options from the volume XML (qcow2 compat, cluster size, lazy refcounts). */
  readonly options: readonly string[];
}

/** The `-o` list of a new image: libvirt's defaults for qcow2 (compat 1.1) and what the XML asks for. */
function imageOptions(img: CreateImage): string[] {
  const opts = [...img.options];
  if (img.format === 'qcow2' && !opts.some((o) => o.startsWith('compat='))) opts.unshift('compat=1.1');
  if (img.preallocMetadata) opts.push('preallocation=metadata');
  return opts;
}

/** `qemu-img create`, the size in KiB rounded up as libvirt passes it. */
export async function createImage(img: CreateImage): Promise<void> {
  const args = ['create', '-f', img.format];
  if (img.backing) args.push('-b', img.backing.path, '-F', img.backing.format);
  const opts = imageOptions(img);
  if (opts.length) args.push('-o', opts.join(','));
  args.push(img.path, `${(img.capacity + 1023n) / 1024n}K`);
  await runCommand(QEMU_IMG, args, { domain: D });
}

/** `qemu-img convert`: a copy of `from` (in `fromFormat`) as a new image. */
export async function convertImage(from: string, fromFormat: string, img: CreateImage): Promise<void> {
  const opts = imageOptions(img);
  await runCommand(QEMU_IMG, ['convert', '-f', fromFormat, '-O', img.format, ...(opts.length ? ['-o', opts.join(',')] : []), from, img.path], { domain: D });
}

/** `qemu-img resize` to `bytes` (`--shrink` allows a smaller size). */
export async function resizeImage(path: string, bytes: bigint, shrink: boolean): Promise<void> {
  await runCommand(QEMU_IMG, ['resize', ...(shrink ? ['--shrink'] : []), path, String(bytes)], { domain: D });
}
