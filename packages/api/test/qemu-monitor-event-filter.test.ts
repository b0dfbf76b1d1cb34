import { describe, expect, it } from 'vitest';
import { ConnectDomainQemuMonitorEventRegisterFlags as F, qemuMonitorEventFilter } from '../src/index.js';

const NAMES = ['STOP', 'RESUME', 'RESET', 'SHUTDOWN', 'BLOCK_JOB_COMPLETED', 'stop'];
const taken = (event: string | undefined, flags: number) => NAMES.filter(qemuMonitorEventFilter(event, flags));

describe('which QEMU monitor events a registration takes', () => {
  it('every name without a filter, or with an empty one, whatever the flags', () => {
    for (const flags of [0, F.REGEX, F.NOCASE, F.REGEX | F.NOCASE]) {
      expect(taken(undefined, flags)).toEqual(NAMES);
      expect(taken('', flags)).toEqual(NAMES);
    }
  });

  it('the name itself; without case with NOCASE', () => {
    expect(taken('STOP', 0)).toEqual(['STOP']);
    expect(taken('Stop', 0)).toEqual([]);
    expect(taken('Stop', F.NOCASE)).toEqual(['STOP', 'stop']);
    expect(taken('STO', F.NOCASE)).toEqual([]);
  });

  it('with REGEX, names it finds a match in (unanchored), without case with NOCASE', () => {
    expect(taken('RES', F.REGEX)).toEqual(['RESUME', 'RESET']);
    expect(taken('^RES(UME|ET)$', F.REGEX)).toEqual(['RESUME', 'RESET']);
    expect(taken('^s', F.REGEX)).toEqual(['stop']);
    expect(taken('^s', F.REGEX | F.NOCASE)).toEqual(['STOP', 'SHUTDOWN', 'stop']);
    expect(taken('JOB_\\w+', F.REGEX)).toEqual(['BLOCK_JOB_COMPLETED']);
  });

  it('a regex that does not compile and unknown flags are INVALID_ARG in libvirt\'s words', () => {
    expect(() => qemuMonitorEventFilter('[', F.REGEX)).toThrow(/^invalid argument: failed to compile regex '\[': Error while compiling regular expression ‘\[’: Unterminated character class$/);
    expect(() => qemuMonitorEventFilter('STOP', 4)).toThrow('unsupported flags (0x4) in function virDomainQemuMonitorEventStateRegisterID');
    // without REGEX the same text is only a name
    expect(taken('[', 0)).toEqual([]);
  });
});
