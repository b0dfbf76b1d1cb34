import { describe, expect, it } from 'vitest';
import { parseUUID } from '../src/uuid.js';

const CANON = '6695eb01-f6a4-8304-79aa-97f2502e193f';

// libvirt 9.0's virUUIDParse, checked through virsh (domain lookups and <uuid> at define).
describe('parseUUID', () => {
  it.each([
    CANON, '6695EB01-F6A4-8304-79AA-97F2502E193F', '6695eb01f6a4830479aa97f2502e193f', '6695eb01 f6a4 8304 79aa 97f2502e193f',
    ' \t6695eb01-f6a4-8304-79aa-97f2502e193f\n', '6695eb01--f6a48304-79aa-97f2502e193f', '-6695eb01f6a4830479aa97f2502e193f',
  ])('reads %j', (text) => expect(parseUUID(text)).toBe(CANON));

  it.each([
    '6695eb0-1f6a4-8304-79aa-97f2502e193f', '6695eb01f6a48304-79aa-97f2502e19-3-f', '6695eb01-f6a4-8304-79aa-97f2502e193',
    '6695eb01-f6a4-8304-79aa-97f2502e193g', '6695eb01-f6a4-8304-79aa-97f2502e193f0', '', '6695eb01_f6a4_8304_79aa_97f2502e193f',
    '6695eb01-f6a4-8304-79aa-97f2502e193f x', '\u00a06695eb01-f6a4-8304-79aa-97f2502e193f',
    '6695eb01f6a4830479aa97f2502e193f- -',
  ])('refuses %j', (text) => expect(parseUUID(text)).toBeUndefined());
});
