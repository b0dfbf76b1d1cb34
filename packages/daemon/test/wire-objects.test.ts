import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { uuidBytes, uuidText } from '../src/dispatch/wire-objects.js';

describe("a UUID's wire form", () => {
  it('is its 16 bytes, and back to the 8-4-4-4-12 lower-case text, for any UUID', () => {
    for (let i = 0; i < 200; i++) {
      const u = randomUUID();
      const bytes = uuidBytes(u);
      expect(Buffer.from(bytes).toString('hex')).toBe(u.replaceAll('-', ''));
      expect(uuidText(bytes)).toBe(u);
      expect(uuidBytes(u.toUpperCase())).toEqual(bytes);
      expect(uuidBytes(u.replaceAll('-', ''))).toEqual(bytes);
    }
    expect(uuidText(new Uint8Array(16))).toBe('00000000-0000-0000-0000-000000000000');
    expect(uuidText(new Uint8Array(16).fill(255))).toBe('ffffffff-ffff-ffff-ffff-ffffffffffff');
  });
});
