import { readdirSync } from 'node:fs';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';

const DRI = '/dev/dri';

/** The host's DRM render node (the first `/dev/dri/renderD*`), as libvirt picks one for a display with OpenGL that names none. */
export function hostRenderNode(): string {
  let names: string[];
  try {
    names = readdirSync(DRI);
  } catch (e) {
    throw new VirError(ErrorCode.SYSTEM_ERROR, `cannot open directory '${DRI}': ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (e as Error).message}`, ErrorDomain.QEMU);
  }
  const node = names.filter((n) => n.startsWith('renderD')).sort()[0];
  if (node === undefined) throw new VirError(ErrorCode.INTERNAL_ERROR, 'No DRM render nodes available', ErrorDomain.QEMU);
  return `${DRI}/${node}`;
}
