import { element, formatXml, textNode, type XmlElement } from '@tsvirt/conf';

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
