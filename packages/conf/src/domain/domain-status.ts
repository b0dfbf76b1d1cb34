import { mapPacked } from '../packed.js';
import { ErrorDomain } from '@tsvirt/util';
import { parseXml } from '../xml/xml-parse.js';
import { attr, firstChild, type XmlElement } from '../xml/xml-node.js';
import { xmlError } from '../xml/xml-errors.js';
import { formatXml } from '../xml/xml-format.js';
import { DOMSTATUS_SPEC } from '../schema/domain-spec.js';
import { domainFromElement } from './domain-parse.js';
import { domainElement } from './domain-format.js';
import type { DomainDef } from './domain-def.js';

/**
 * A hypervisor driver's status file: the live domain wrapped in `<domstatus>` with the driver's
 * runtime state. The state attributes are typed; the driver's private children stay in `xml`.
 */
export interface DomainStatus {
  /** `running`, `paused`, ... */
  state: string;
  reason?: string;
  pid?: number;
  /** The live domain's id. */
  id?: number;
  domain: DomainDef;
  /** The `<domstatus>` element as parsed; its `<domain>` child is replaced by `domain` on format. */
  xml: XmlElement;
}

/** Parses a `<domstatus>` document. */
export function parseDomainStatusXML(xml: string): DomainStatus {
  const root = parseXml(xml, 'domain_status', ErrorDomain.DOMAIN);
  if (root.name !== 'domstatus') throw xmlError(`expecting root element of 'domstatus', not '${root.name}'`, ErrorDomain.DOMAIN);
  const domEl = firstChild(root, 'domain');
  if (!domEl) throw xmlError('no domain config', ErrorDomain.DOMAIN);
  const state = attr(root, 'state');
  if (!state) throw xmlError('missing domain state', ErrorDomain.DOMAIN);
  const reason = attr(root, 'reason');
  const pid = attr(root, 'pid');
  const id = attr(domEl, 'id');
  return {
    state,
    ...(reason !== undefined ? { reason } : {}),
    ...(pid !== undefined ? { pid: Number(pid) } : {}),
    ...(id !== undefined ? { id: Number(id) } : {}),
    domain: domainFromElement(domEl),
    xml: root,
  };
}

/** Formats a DomainStatus as the driver's canonical `<domstatus>` document. */
export function formatDomainStatusXML(status: DomainStatus): string {
  const attrs = mapPacked(status.xml.attrs, ([k, v]): [string, string] => {
    if (k === 'state') return [k, status.state];
    if (k === 'reason' && status.reason !== undefined) return [k, status.reason];
    if (k === 'pid' && status.pid !== undefined) return [k, String(status.pid)];
    return [k, v];
  });
  const children = mapPacked(status.xml.children, (c) =>
    c.kind === 'element' && c.name === 'domain' ? domainElement(status.domain, status.id !== undefined ? { id: status.id } : { inactive: true }) : c);
  return formatXml({ ...status.xml, attrs, children }, 0, DOMSTATUS_SPEC);
}
