/** libvirt's encoded version (major * 1e6 + minor * 1e3 + micro) as `major.minor.micro`. */
export function versionString(v: number): string {
  return `${Math.floor(v / 1e6)}.${Math.floor(v / 1e3) % 1000}.${v % 1000}`;
}
