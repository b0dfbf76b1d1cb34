/**
 * virsh's table layout (vshTable): each cell is preceded by a space and padded to its column's
 * width plus two; the last column is not padded; the rule under the header spans them all.
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], withHeader: boolean): string {
  const all = withHeader ? [header, ...rows] : rows;
  const widths = header.map((_, c) => Math.max(0, ...all.map((r) => [...(r[c] ?? '')].length)));
  const line = (r: readonly string[]): string =>
    r.map((cell, c) => (c === r.length - 1 ? ` ${cell}` : ` ${cell.padEnd(widths[c]!)}  `)).join('') + '\n';
  let out = '';
  if (withHeader) {
    out += line(header);
    // The rule is as wide as the widest line with every column padded, plus two.
    out += '-'.repeat(widths.reduce((a, w) => a + w + 3, 0)) + '\n';
  }
  for (const r of rows) out += line(r);
  return out;
}
