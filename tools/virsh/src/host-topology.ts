import { attr, childElements, firstChild, parseXml, type XmlElement } from '@tsvirt/conf';
import type { Connection } from '@tsvirt/api';

/** What freecell, freepages and allocpages read from the capabilities: the host's NUMA cells and page sizes. */
export interface HostTopology {
  /** The `id` of each `<cell>`, in document order. */
  readonly cellIds: readonly number[];
  /** `<cpu><pages size>` (or, failing those, the cells' `<pages size>`), sorted, without repeats. */
  readonly pageSizes: readonly number[];
}

const path = (root: XmlElement | undefined, ...names: string[]): XmlElement | undefined =>
  names.reduce<XmlElement | undefined>((el, n) => (el ? firstChild(el, n) : undefined), root);

export async function hostTopology(conn: Connection): Promise<HostTopology> {
  const caps = parseXml(await conn.getCapabilities(), 'capabilities');
  const host = path(caps, 'host');
  const cells = childElements(path(host, 'topology', 'cells') ?? caps, 'cell');
  let pages = childElements(path(host, 'cpu') ?? caps, 'pages');
  if (pages.length === 0) pages = cells.flatMap((c) => childElements(c, 'pages'));
  const sizes = new Set(pages.map((p) => Number(attr(p, 'size'))));
  return { cellIds: cells.map((c) => Number(attr(c, 'id'))), pageSizes: [...sizes].sort((a, b) => a - b) };
}
