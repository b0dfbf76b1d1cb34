export type { XmlElement, XmlNode, XmlText, XmlComment } from './xml/xml-node.js';
export { element, textNode, attr, childElements, firstChild, textOf } from './xml/xml-node.js';
export { parseXml, MAX_XML_BYTES } from './xml/xml-parse.js';
export { formatXml, escapeXml } from './xml/xml-format.js';
export { toKiB } from './units.js';
export { parseUUID, generateUUID } from './uuid.js';
export type { DomainDef, DomainOS, DomainVcpu, LifecycleAction } from './domain/domain-def.js';
export { parseDomainXML, checkDomainName, type DomainParseDefaults } from './domain/domain-parse.js';
export { formatDomainXML, type DomainFormatOptions } from './domain/domain-format.js';
