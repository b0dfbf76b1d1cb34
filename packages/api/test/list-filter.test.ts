import { describe, expect, it } from 'vitest';
import { DomainState, ListDomainsFlags as F, matchesListDomainsFlags, type DomainListFacts } from '../src/index.js';

const running: DomainListFacts = {
  active: true, persistent: true, state: DomainState.RUNNING, hasManagedSave: false, autostart: true,
  hasSnapshot: false, hasCheckpoint: false,
};
const transientPaused: DomainListFacts = { ...running, persistent: false, state: DomainState.PAUSED, autostart: false };
const shutoff: DomainListFacts = { ...running, active: false, state: DomainState.SHUTOFF, hasManagedSave: true };

const pick = (flags: number): boolean[] => [running, transientPaused, shutoff].map((d) => matchesListDomainsFlags(d, flags));

describe('matchesListDomainsFlags', () => {
  it('lets everything through without flags', () => expect(pick(0)).toEqual([true, true, true]));
  it('needs one set bit of a group to hold', () => {
    expect(pick(F.ACTIVE)).toEqual([true, true, false]);
    expect(pick(F.ACTIVE | F.INACTIVE)).toEqual([true, true, true]);
    expect(pick(F.TRANSIENT)).toEqual([false, true, false]);
    expect(pick(F.PAUSED | F.SHUTOFF)).toEqual([false, true, true]);
    expect(pick(F.OTHER)).toEqual([false, false, false]);
    expect(pick(F.MANAGEDSAVE)).toEqual([false, false, true]);
    expect(pick(F.NO_AUTOSTART)).toEqual([false, true, false]);
    expect(pick(F.HAS_SNAPSHOT)).toEqual([false, false, false]);
    expect(pick(F.NO_CHECKPOINT)).toEqual([true, true, true]);
  });
  it('combines groups with and', () => expect(pick(F.ACTIVE | F.PERSISTENT)).toEqual([true, false, false]));
});
