import type { Libxml2Error } from './libxml2-check.js';

const isEol = (c: string | undefined): boolean => c === '\n' || c === '\r';

/** The character offset of a 1-based line and column, clamped to the text. */
function offsetOf(text: string, line: number, col: number): number {
  let at = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) return text.length;
    at = nl + 1;
  }
  return Math.min(at + Math.max(col - 1, 0), text.length);
}

/**
 * libvirt's report of a libxml2 parse error: `LABEL:LINE: MESSAGE`, then the source line the
 * parser stopped in and a pointer line of dashes (tabs kept, one dash a byte) ending in `^`.
 * Where the parser stopped on line ends, the last line with text is shown; with none (an empty
 * document, an error at the very end) the source line is `(null)`, as libvirt prints it.
 */
export function parseErrorDetail(text: string, label: string, e: Libxml2Error): string {
  const stop = offsetOf(text, e.line, e.col);
  let start = stop;
  while (start > 0 && isEol(text[start])) start--;
  while (start > 0 && !isEol(text[start])) start--;
  if (isEol(text[start])) start++;
  let end = start;
  while (end < text.length && !isEol(text[end])) end++;
  const source = text.slice(start, end);
  const pointer = [...text.slice(start, stop)].map((c) => (c === '\t' ? '\t' : '-'.repeat(Buffer.byteLength(c)))).join('');
  const message = e.message.endsWith('\n') ? e.message : `${e.message}\n`;
  return `${label}:${e.line}: ${message}${source || '(null)'}\n${pointer}^`;
}
