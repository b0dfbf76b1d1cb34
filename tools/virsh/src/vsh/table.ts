const SURROGATE = /[\uD800-\uDFFF]/;

/** A cell's width in code points, as virsh counts it; a spread into an array only for text with surrogates. */
function cellWidth(cell: string): number {
  return SURROGATE.test(cell) ? [...cell].length : cell.length;
}

/**
 * virsh's table layout (vshTable): each cell is preceded by a space and padded to its column's
 * width plus two; the last column is not padded; the rule under the header spans them all.
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], withHeader: boolean): string {
  const widths = header.map((h) => (withHeader ? cellWidth(h) : 0));
  for (const r of rows) {
    for (let c = 0; c < widths.length; c++) widths[c] = Math.max(widths[c]!, cellWidth(r[c] ?? ''));
  }
  const line = (r: readonly string[]): string => {
    let out = '';
    for (let c = 0; c < r.length; c++) out += c === r.length - 1 ? ` ${r[c]}` : ` ${r[c]!.padEnd(widths[c]!)}  `;
    return `${out}\n`;
  };
  let out = '';
  if (withHeader) {
    out += line(header);
    // The rule is as wide as the widest line with every column padded, plus two.
    out += '-'.repeat(widths.reduce((a, w) => a + w + 3, 0)) + '\n';
  }
  for (const r of rows) out += line(r);
  return out;
}
