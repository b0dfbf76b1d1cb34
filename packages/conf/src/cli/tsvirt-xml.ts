#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ErrorCode, VirError } from '@tsvirt/util';
import { DOCUMENT_KINDS, SCHEMA_OF, reformatDocument, type DocumentKind } from '../documents.js';
import { validateXML } from '../validate/relaxng.js';

const USAGE = `usage: tsvirt-xml format KIND FILE [--pool POOLFILE]
       tsvirt-xml validate KIND FILE
KIND: ${DOCUMENT_KINDS.join(', ')}`;

function readInput(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new VirError(ErrorCode.SYSTEM_ERROR, `Failed to open file '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Runs one command; returns what to print on stdout. */
async function run(argv: string[]): Promise<string> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { pool: { type: 'string' } } });
  const [cmd, kind, file] = positionals;
  if (!cmd || !kind || !file || positionals.length > 3 || !(DOCUMENT_KINDS as readonly string[]).includes(kind)) {
    throw new VirError(ErrorCode.INVALID_ARG, USAGE);
  }
  const xml = readInput(file);
  const k = kind as DocumentKind;
  if (cmd === 'format') return reformatDocument(k, xml, values.pool !== undefined ? { poolXML: readInput(values.pool) } : {});
  if (cmd === 'validate') {
    await validateXML(xml, SCHEMA_OF[k]);
    return `${file} validates\n`;
  }
  throw new VirError(ErrorCode.INVALID_ARG, USAGE);
}

try {
  process.stdout.write(await run(process.argv.slice(2)));
} catch (e) {
  process.stderr.write(`error: ${VirError.from(e).message}\n`);
  process.exitCode = 1;
}
