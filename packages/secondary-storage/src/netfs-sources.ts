import { parseGlusterVolumeNames } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError, runCommand } from '@tsvirt/util';
import { sourcesXML, specHost, type FoundSource } from './sources-xml.js';

const D = ErrorDomain.STORAGE;

/** `showmount` as libvirt runs it to list an NFS server's exports. */
export const showmountArgs = (host: string): string[] => ['--no-headers', '--exports', host];

/** The exported directories `showmount --no-headers --exports` lists (`PATH CLIENTS`; a path may hold spaces). */
export function parseShowmount(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('/')).map((l) => (/\s/.test(l) ? l.replace(/\s+\S+$/, '') : l));
}

/** `gluster` as libvirt runs it to list a GlusterFS server's volumes. */
export const glusterArgs = (host: string): string[] => ['--xml', '--log-file=/dev/null', 'volume', 'info', `--remote-host=${host}`];

/** Whether a command failed because its program is not installed. */
const notInstalled = (e: unknown): boolean => e instanceof VirError && /No such file or directory|ENOENT|Cannot find/.test(e.message);

/**
 * The GlusterFS volumes of `host` as netfs sources (`/VOLUME`, format glusterfs); none where the
 * host answers with an error (as libvirt), undefined where the gluster CLI is not installed.
 */
async function glusterSources(host: string): Promise<FoundSource[] | undefined> {
  let stdout: string;
  try {
    ({ stdout } = await runCommand('gluster', glusterArgs(host), { domain: ErrorDomain.NONE }));
  } catch (e) {
    return notInstalled(e) ? undefined : [];
  }
  return parseGlusterVolumeNames(stdout).map((name) => ({ host: { name: host }, dir: `/${name}`, format: 'glusterfs' }));
}

async function nfsSources(host: string): Promise<FoundSource[] | undefined> {
  const out = await runCommand('showmount', showmountArgs(host), { domain: ErrorDomain.NONE }).catch(() => undefined);
  return out && parseShowmount(out.stdout).map((dir) => ({ host: { name: host }, dir, format: 'nfs' }));
}

/**
 * Source discovery for netfs pools, as libvirt's: the NFS exports of the host the source spec
 * names (`showmount`, from nfs-common) and its GlusterFS volumes (`gluster`, from glusterfs-cli).
 * It is an error only when neither answers: libvirt also counts a missing gluster CLI as no
 * volumes, tsvirt refuses clearly when showmount failed too.
 */
export async function findNetfsSources(srcSpec: string | undefined): Promise<string> {
  const { name } = specHost(srcSpec, 'netfs');
  const [nfs, gluster] = await Promise.all([nfsSources(name), glusterSources(name)]);
  if (!nfs && !gluster) {
    throw new VirError(ErrorCode.OPERATION_FAILED, `no storage pools were found on host '${name}' (neither showmount nor gluster could list it)`, D);
  }
  return sourcesXML([...(nfs ?? []), ...(gluster ?? [])]);
}
