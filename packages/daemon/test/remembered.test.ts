import { describe, expect, it, vi } from 'vitest';
import { remembered } from '../src/remembered.js';

describe('remembered', () => {
  it('computes once per argument, forgets all past its limit, and never remembers a throw', () => {
    const fn = vi.fn((s: string) => {
      if (s === 'bad') throw new Error('bad name');
      return s.toUpperCase();
    });
    const f = remembered(fn, 2);
    expect([f('a'), f('a'), f('b'), f('b')]).toEqual(['A', 'A', 'B', 'B']);
    expect(fn).toHaveBeenCalledTimes(2);
    expect(() => f('bad')).toThrow('bad name');
    expect(() => f('bad')).toThrow('bad name');
    expect(fn).toHaveBeenCalledTimes(4);
    // a third argument: the two known ones are forgotten
    expect(f('c')).toBe('C');
    expect(f('a')).toBe('A');
    expect(fn).toHaveBeenCalledTimes(6);
  });
});
