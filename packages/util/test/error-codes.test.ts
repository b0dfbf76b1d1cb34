import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ErrorCode, ErrorDomain, ErrorLevel } from '../src/index.js';

/**
 * Every VIR_ERR_*, VIR_WAR_* and VIR_FROM_* constant of the installed python3-libvirt, the
 * reference for the numbers (they are libvirt's ABI). CI installs python3-libvirt; without it
 * this file fails rather than skipping, since the numbers would go unchecked.
 */
function libvirtConstants(): Record<string, number> {
  const script = [
    'import json, libvirt',
    'print(json.dumps({k: getattr(libvirt, k) for k in dir(libvirt) if k.startswith(("VIR_ERR_", "VIR_WAR_", "VIR_FROM_"))}))',
  ].join('\n');
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8' })) as Record<string, number>;
}

const constants = libvirtConstants();
const pick = (prefix: string): Array<[string, number]> =>
  Object.entries(constants).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]);

/** VIR_ERR_NONE, VIR_ERR_WARNING and VIR_ERR_ERROR are virErrorLevel values, not error numbers. */
const LEVELS = new Set(['NONE', 'WARNING', 'ERROR']);

describe('error numbers match python3-libvirt', () => {
  it('finds the constants', () => {
    expect(pick('VIR_ERR_').length).toBeGreaterThan(100);
    expect(pick('VIR_FROM_').length).toBeGreaterThan(70);
  });

  it('VIR_ERR_* equal ErrorCode', () => {
    const codes: Record<string, number> = ErrorCode;
    const mismatched = pick('VIR_ERR_')
      .filter(([name]) => !LEVELS.has(name))
      .filter(([name, value]) => codes[name] !== value)
      .map(([name, value]) => `${name}: libvirt ${value}, tsvirt ${codes[name]}`);
    expect(mismatched).toEqual([]);
  });

  it('VIR_WAR_* equal ErrorCode.WAR_*', () => {
    const codes: Record<string, number> = ErrorCode;
    const war = pick('VIR_WAR_');
    expect(war.length).toBeGreaterThan(0);
    expect(war.filter(([name, value]) => codes[`WAR_${name}`] !== value).map(([n]) => n)).toEqual([]);
  });

  it('VIR_ERR_NONE/WARNING/ERROR equal ErrorLevel', () => {
    const levels: Record<string, number> = ErrorLevel;
    for (const name of LEVELS) expect(levels[name], name).toBe(constants[`VIR_ERR_${name}`]);
  });

  it('VIR_FROM_* equal ErrorDomain', () => {
    const domains: Record<string, number> = ErrorDomain;
    const mismatched = pick('VIR_FROM_')
      .filter(([name, value]) => domains[name] !== value)
      .map(([name, value]) => `${name}: libvirt ${value}, tsvirt ${domains[name]}`);
    expect(mismatched).toEqual([]);
  });

  it('ErrorCode and ErrorDomain hold nothing libvirt lacks', () => {
    const errNames = new Set(pick('VIR_ERR_').map(([n]) => n));
    const warNames = new Set(pick('VIR_WAR_').map(([n]) => `WAR_${n}`));
    expect(Object.keys(ErrorCode).filter((k) => !errNames.has(k) && !warNames.has(k))).toEqual([]);
    const fromNames = new Set(pick('VIR_FROM_').map(([n]) => n));
    expect(Object.keys(ErrorDomain).filter((k) => !fromNames.has(k))).toEqual([]);
  });
});
