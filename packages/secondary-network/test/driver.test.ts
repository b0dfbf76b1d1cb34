import { describe, expect, it } from 'vitest';
import type { ConnectionDriver } from '@tsvirt/api';
import { parseURI } from '@tsvirt/util';
import { driver } from '../src/index.js';

describe('secondary-network', () => {
  it('provides no entry points yet, so it declines and network calls stay NO_SUPPORT', async () => {
    const ctx = { uri: parseURI('qemu:///system'), readonly: false, connect: () => Promise.reject(new Error('unused')) };
    const asDriver: ConnectionDriver = driver;
    expect(await asDriver.open(ctx)).toBe('declined');
  });
});
