import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { attr, childElements, type XmlElement } from '../xml/xml-node.js';

/**
 * libvirt's rules for a graphics device's listens: a `network` listen names its network, and the
 * old `listen`/`socket` attributes must agree with the first `<listen>` of the same kind.
 */
export function checkGraphicsListens(graphics: XmlElement): void {
  const listens = childElements(graphics, 'listen');
  for (const l of listens) {
    if (attr(l, 'type') === 'network' && attr(l, 'network') === undefined) {
      throw new VirError(ErrorCode.XML_ERROR, "'network' attribute is required for listen type 'network'", ErrorDomain.DOMAIN);
    }
  }
  const first = listens[0];
  if (!first) return;
  for (const [legacy, kind, field] of [['listen', 'address', 'address'], ['socket', 'socket', 'socket']] as const) {
    const value = attr(graphics, legacy);
    const found = attr(first, field);
    if (value === undefined || attr(first, 'type') !== kind || found === undefined || found === value) continue;
    throw new VirError(ErrorCode.CONFIG_UNSUPPORTED,
      `graphics '${legacy}' attribute '${value}' must match '${field}' attribute of first listen element (found '${found}')`, ErrorDomain.DOMAIN);
  }
}
