import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { XmlElement, XmlNode } from './xml-node.js';

/** Documents larger than this are refused before parsing: no libvirt document comes near it. */
export const MAX_XML_BYTES = 10 * 1024 * 1024;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  allowBooleanAttributes: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  commentPropName: '#comment',
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

type Ordered = Record<string, unknown> & { ':@'?: Record<string, string> };

function convert(list: Ordered[]): XmlNode[] {
  const out: XmlNode[] = [];
  for (const item of list) {
    const key = Object.keys(item).find((k) => k !== ':@')!;
    const value = item[key];
    if (key === '#text') out.push({ kind: 'text', text: String(value) });
    else if (key === '#comment') {
      const inner = (value as Ordered[]).map((v) => String(v['#text'] ?? '')).join('');
      out.push({ kind: 'comment', text: inner });
    } else {
      out.push({
        kind: 'element',
        name: key,
        attrs: Object.entries(item[':@'] ?? {}).map(([k, v]) => [k, String(v)]),
        children: convert(value as Ordered[]),
      });
    }
  }
  return out;
}

/**
 * Parses an XML document into a lossless element tree. `what` names the document in errors the
 * way libvirt does (`domain_definition`, `network_definition`). Hostile input is refused: DTDs,
 * entity declarations and oversized documents raise a VirError instead of expanding.
 */
export function parseXml(text: string, what = 'xml'): XmlElement {
  if (Buffer.byteLength(text) > MAX_XML_BYTES) {
    throw new VirError(ErrorCode.XML_ERROR, `document ${what} is larger than ${MAX_XML_BYTES} bytes`, ErrorDomain.XML);
  }
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw new VirError(ErrorCode.XML_ERROR, `(${what}): DTDs and entity declarations are not allowed`, ErrorDomain.XML);
  }
  if (text.trim() === '') {
    throw new VirError(ErrorCode.XML_DETAIL, `(${what}):1: Document is empty`, ErrorDomain.XML);
  }
  const valid = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (valid !== true) {
    throw new VirError(ErrorCode.XML_DETAIL, `(${what}):${valid.err.line}: ${valid.err.msg}`, ErrorDomain.XML);
  }
  let roots: XmlElement[];
  try {
    roots = convert(parser.parse(text) as Ordered[]).filter((n): n is XmlElement => n.kind === 'element');
  } catch (e) {
    // The parser's own limits (nesting depth, ...) surface as plain Errors.
    throw new VirError(ErrorCode.XML_DETAIL, `(${what}): ${(e as Error).message}`, ErrorDomain.XML, { cause: e });
  }
  if (roots.length !== 1) {
    throw new VirError(ErrorCode.XML_DETAIL, `(${what}): Extra content at the end of the document`, ErrorDomain.XML);
  }
  return roots[0]!;
}
