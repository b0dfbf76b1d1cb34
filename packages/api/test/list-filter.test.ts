import { describe, expect, it } from 'vitest';
import {
  ALL_LIST_DOMAINS_FLAGS, DomainState, ListDomainsFlags as F, flagFilter, matchesFlagGroups, matchesListDomainsFlags, type DomainListFacts,
} from '../src/index.js';

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

describe('flagFilter', () => {
  // libvirt's groups written out per call with matchesFlagGroups, the rule flagFilter builds once.
  const groupsOf = (d: DomainListFacts): Array<Array<readonly [number, boolean]>> => [
    [[F.ACTIVE, d.active], [F.INACTIVE, !d.active]],
    [[F.PERSISTENT, d.persistent], [F.TRANSIENT, !d.persistent]],
    [[F.RUNNING, d.state === DomainState.RUNNING], [F.PAUSED, d.state === DomainState.PAUSED],
      [F.SHUTOFF, d.state === DomainState.SHUTOFF], [F.OTHER, d.state !== DomainState.RUNNING && d.state !== DomainState.PAUSED && d.state !== DomainState.SHUTOFF]],
    [[F.MANAGEDSAVE, d.hasManagedSave], [F.NO_MANAGEDSAVE, !d.hasManagedSave]],
    [[F.AUTOSTART, d.autostart], [F.NO_AUTOSTART, !d.autostart]],
    [[F.HAS_SNAPSHOT, d.hasSnapshot], [F.NO_SNAPSHOT, !d.hasSnapshot]],
    [[F.HAS_CHECKPOINT, d.hasCheckpoint], [F.NO_CHECKPOINT, !d.hasCheckpoint]],
  ];
  const facts: DomainListFacts[] = [];
  for (let m = 0; m < 64; m++) {
    for (const state of [DomainState.RUNNING, DomainState.PAUSED, DomainState.SHUTOFF, DomainState.CRASHED, DomainState.PMSUSPENDED]) {
      facts.push({ active: !!(m & 1), persistent: !!(m & 2), state, hasManagedSave: !!(m & 4), autostart: !!(m & 8), hasSnapshot: !!(m & 16), hasCheckpoint: !!(m & 32) });
    }
  }
  const bits = Object.values(F);
  const flagSets = [0, ...bits, ...bits.flatMap((a, i) => bits.slice(i + 1).map((b) => a | b)), ALL_LIST_DOMAINS_FLAGS];

  it('matchesListDomainsFlags agrees with matchesFlagGroups for every fact, every bit and pair of bits', () => {
    for (const d of facts) {
      for (const flags of flagSets) expect([d, flags, matchesListDomainsFlags(d, flags)]).toEqual([d, flags, matchesFlagGroups(flags, groupsOf(d))]);
    }
  });

  it('a filter of no groups passes everything; a group of no tests passes everything', () => {
    expect(flagFilter<number>([])(1, 0xffff)).toBe(true);
    expect(flagFilter<number>([[]])(1, 0xffff)).toBe(true);
    expect(flagFilter<number>([[[1, (x) => x > 0]]])(0, 1)).toBe(false);
    expect(flagFilter<number>([[[1, (x) => x > 0]]])(0, 2)).toBe(true);
  });
});
