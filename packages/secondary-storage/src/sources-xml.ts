import { attr, childElements, element, formatXml, parseXml, textNode, type XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';

/** One pool source a discovery found (virStoragePoolSource as virConnectFindStoragePoolSources lists it). */
export interface FoundSource {
  readonly host?: { readonly name: string; readonly port?: number };
  readonly dir?: string;
  readonly devices?: readonly string[];
  readonly name?: string;
  readonly format?: string;
}

/** The `<sources>` document libvirt answers source discovery with, in its element order. */
export function sourcesXML(found: readonly FoundSource[]): string {
  const sources = found.map((s) => {
    const children: XmlElement[] = [];
    if (s.host) children.push(element('host', [['name', s.host.name], ...(s.host.port ? [['port', String(s.host.port)] as [string, string]] : [])]));
    for (const d of s.devices ?? []) children.push(element('device', [['path', d]]));
    if (s.dir !== undefined) children.push(element('dir', [['path', s.dir]]));
    if (s.name !== undefined) children.push(element('name', [], [textNode(s.name)]));
    if (s.format !== undefined) children.push(element('format', [['type', s.format]]));
    return element('source', [], children);
  });
  return formatXml(element('sources', [], sources));
}

/** The host a discovery's source spec names (`<source><host name= port=/></source>`), required for network pools. */
export function specHost(srcSpec: string | undefined, type: string): { name: string; port?: number } {
  const source = srcSpec === undefined ? undefined : parseXml(srcSpec, 'storage_source_specification', ErrorDomain.STORAGE);
  const host = source && childElements(source, 'host')[0];
  const name = host && attr(host, 'name');
  if (!name) throw new VirError(ErrorCode.INVALID_ARG, `hostname must be specified for ${type} sources`, ErrorDomain.STORAGE);
  const port = Number(attr(host, 'port') ?? 0);
  return { name, ...(port ? { port } : {}) };
}
