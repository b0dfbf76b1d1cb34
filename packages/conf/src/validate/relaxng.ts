import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RelaxNGValidator } from 'libxml2-wasm';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { parseXml } from '../xml/xml-parse.js';

/** The folder of libvirt's RelaxNG schemas, shipped with this package (found on first use: a start that validates nothing skips it). */
export function schemaDir(): string {
  return fileURLToPath(new URL('../../schemas/', import.meta.url));
}

const validators = new Map<string, RelaxNGValidator>();
let providersRegistered = false;

/** libxml2 (WebAssembly) is loaded only when something is validated: it costs a cold start dearly. */
async function libxml2() {
  const [lib, node] = await Promise.all([import('libxml2-wasm'), import('libxml2-wasm/lib/nodejs.mjs')]);
  // The schemas include each other by relative path, which libxml2 resolves through the file system.
  if (!providersRegistered) providersRegistered = node.xmlRegisterFsInputProviders() || true;
  return lib;
}

function validatorFor(lib: Awaited<ReturnType<typeof libxml2>>, schema: string): RelaxNGValidator {
  const { RelaxNGValidator, XmlDocument } = lib;
  let v = validators.get(schema);
  if (!v) {
    const path = `${schemaDir()}${schema}`;
    const doc = XmlDocument.fromBuffer(readFileSync(path), { url: path });
    try {
      v = RelaxNGValidator.fromDoc(doc);
    } finally {
      doc.dispose();
    }
    validators.set(schema, v);
  }
  return v;
}

/**
 * Validates a document against one of libvirt's schemas (`domain.rng`, `network.rng`, ...), as
 * `virsh define --validate` and virt-xml-validate do. The text first passes tsvirt's own parser, so
 * hostile documents are refused before libxml2 sees them. As libvirt's, the message ends in a newline.
 */
export async function validateXML(xml: string, schema: string): Promise<void> {
  parseXml(xml);
  const lib = await libxml2();
  const { XmlDocument, XmlValidateError } = lib;
  const v = validatorFor(lib, schema);
  const doc = XmlDocument.fromString(xml);
  try {
    v.validate(doc);
  } catch (e) {
    if (!(e instanceof XmlValidateError)) throw VirError.from(e, ErrorCode.XML_INVALID_SCHEMA, ErrorDomain.XML);
    const why = e.details.map((d) => d.message.trim()).join('\n');
    throw new VirError(ErrorCode.XML_INVALID_SCHEMA, `Unable to validate doc against ${schemaDir()}${schema}\n${why}\n`, ErrorDomain.XML, { cause: e });
  } finally {
    doc.dispose();
  }
}
