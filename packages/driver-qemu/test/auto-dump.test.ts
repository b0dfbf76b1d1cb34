import { describe, expect, it } from 'vitest';
import { autoDumpPath } from '../src/events/auto-dump.js';

describe("a crash's dump path, as libvirt names it", () => {
  const at = new Date(2026, 0, 2, 3, 4, 5);
  it('LIBDIR/dump/ID-NAME-date-time, local time', () => {
    expect(autoDumpPath('/r/lib/qemu', { id: 7, name: 'vm1' }, at)).toBe('/r/lib/qemu/dump/7-vm1-2026-01-02-03:04:05');
  });
  it('the name cut to its first 20 characters (not bytes)', () => {
    expect(autoDumpPath('/l', { id: 1, name: 'ä'.repeat(25) }, at)).toBe(`/l/dump/1-${'ä'.repeat(20)}-2026-01-02-03:04:05`);
  });
});
