import { POOL_PART_MODELS, formatPoolSourcesXML, parseXml } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';

/** One pool source a discovery found (virStoragePoolSource as virConnectFindStoragePoolSources lists it). */
export interface FoundSource {
  readonly host?: { readonly name: string; readonly port?: number };
  readonly dir?: string;
  readonly devices?: readonly string[];
  readonly name?: string;
  readonly format?: string;
}

/** The `<sources>` document libvirt answers source discovery with: each source as conf's typed pool source formats it. */
export function sourcesXML(found: readonly FoundSource[]): string {
  // libvirt writes an empty list open and closed, never as an empty element.
  if (found.length === 0) return '<sources>\n</sources>\n';
  return formatPoolSourcesXML(found.map((s) => ({
    ...(s.host ? { hosts: [{ name: s.host.name, ...(s.host.port ? { port: s.host.port } : {}) }] } : {}),
    ...(s.devices?.length ? { devices: s.devices.map((path) => ({ path })) } : {}),
    ...(s.dir !== undefined ? { dir: s.dir } : {}),
    ...(s.name !== undefined ? { name: s.name } : {}),
    ...(s.format !== undefined ? { format: s.format } : {}),
  })));
}

/** The host a discovery's source spec names (`<source><host name= port=/></source>`), required for network pools. */
export function specHost(srcSpec: string | undefined, type: string): { name: string; port?: number } {
  const source = srcSpec === undefined ? undefined : POOL_PART_MODELS.source.parse(parseXml(srcSpec, 'storage_source_specification', ErrorDomain.STORAGE));
  const host = source?.hosts?.[0];
  const name = host?.name;
  if (!name) throw new VirError(ErrorCode.INVALID_ARG, `hostname must be specified for ${type} sources`, ErrorDomain.STORAGE);
  return { name, ...(host.port ? { port: host.port } : {}) };
}
