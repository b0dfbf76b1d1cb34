import { ErrorDomain, runCommand } from '@tsvirt/util';
import { sourcesXML, specHost } from './sources-xml.js';

/** `showmount` as libvirt runs it to list an NFS server's exports. */
export const showmountArgs = (host: string): string[] => ['--no-headers', '--exports', host];

/** The exported directories `showmount --no-headers --exports` lists (`PATH CLIENTS`; a path may hold spaces). */
export function parseShowmount(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('/')).map((l) => (/\s/.test(l) ? l.replace(/\s+\S+$/, '') : l));
}

/**
 * Source discovery for netfs pools: the NFS exports of the host the source spec names, as
 * `<source>`s of format nfs (libvirt asks `showmount`; nfs-common must be installed).
 */
export async function findNetfsSources(srcSpec: string | undefined): Promise<string> {
  const { name } = specHost(srcSpec, 'netfs');
  const { stdout } = await runCommand('showmount', showmountArgs(name), { domain: ErrorDomain.NONE });
  return sourcesXML(parseShowmount(stdout).map((dir) => ({ host: { name }, dir, format: 'nfs' })));
}
