const A = 0x41;
const Z = 0x5a;
const TO_LOWER = 0x20;

/**
 * virsh's vshStrcasecmp (strcasecmp): ASCII letters compared without case, every other character
 * by its code. It orders virsh's listings of names, where a locale's collation would not.
 */
export function strcasecmp(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x >= A && x <= Z) x += TO_LOWER;
    if (y >= A && y <= Z) y += TO_LOWER;
    if (x !== y) return x - y;
  }
  return a.length - b.length;
}
