import { ErrorCode, VirError } from '@tsvirt/util';
import { parseDomainXML } from './domain/domain-parse.js';
import { formatDomainXML } from './domain/domain-format.js';
import { formatDomainStatusXML, parseDomainStatusXML } from './domain/domain-status.js';
import { formatNetworkXML } from './network/network-format.js';
import { parseNetworkXML } from './network/network-parse.js';
import { parseStoragePoolXML } from './storage/pool-parse.js';
import { formatStoragePoolXML } from './storage/pool-format.js';
import { parseStorageVolXML } from './storage/volume-parse.js';
import { formatStorageVolXML } from './storage/volume-format.js';
import { formatCapabilitiesXML, parseCapabilitiesXML } from './capabilities/capabilities.js';
import { formatNodeConfigXML, parseNodeConfigXML } from './node-config.js';

/** The document kinds tsvirt models, as `tsvirt-xml` names them. */
export const DOCUMENT_KINDS = ['domain', 'domstatus', 'network', 'pool', 'volume', 'capabilities', 'node'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** Context some kinds need: a volume is read in the context of its pool, a domain with its driver's defaults. */
export interface DocumentContext {
  poolXML?: string;
  /** Guest architecture the driver assumes when a domain names none. */
  arch?: string;
}

/** The RelaxNG schema file (in the package's schemas/) that validates each kind. */
export const SCHEMA_OF: Record<DocumentKind, string> = {
  domain: 'domain.rng', domstatus: 'domain.rng', network: 'network.rng', pool: 'storagepool.rng',
  volume: 'storagevol.rng', capabilities: 'capability.rng', node: 'domain.rng',
};

/** Parses a document of the given kind and formats it back in libvirt's canonical form. */
export function reformatDocument(kind: DocumentKind, xml: string, ctx: DocumentContext = {}): string {
  switch (kind) {
    case 'domain': {
      // A running domain's id is a C int: libvirt ignores one that overflows it, as it ignores any id at define.
      const idText = /^<domain\b[^>]*\bid=['"](\d+)['"]/.exec(xml.trimStart())?.[1];
      const id = idText !== undefined && Number(idText) <= 0x7fffffff ? Number(idText) : undefined;
      return formatDomainXML(parseDomainXML(xml, ctx.arch !== undefined ? { arch: ctx.arch } : {}), id !== undefined ? { id } : { inactive: true });
    }
    case 'domstatus': return formatDomainStatusXML(parseDomainStatusXML(xml));
    case 'network': return formatNetworkXML(parseNetworkXML(xml));
    case 'pool': return formatStoragePoolXML(parseStoragePoolXML(xml));
    case 'volume': {
      if (ctx.poolXML === undefined) throw new VirError(ErrorCode.INVALID_ARG, 'a volume needs its pool for context');
      return formatStorageVolXML(parseStorageVolXML(xml, parseStoragePoolXML(ctx.poolXML)));
    }
    case 'capabilities': return formatCapabilitiesXML(parseCapabilitiesXML(xml));
    case 'node': return formatNodeConfigXML(parseNodeConfigXML(xml));
  }
}
