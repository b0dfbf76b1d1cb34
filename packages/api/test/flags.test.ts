import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

/** python3-libvirt's VIR_* constants, the reference for libvirt's ABI numbers. */
const constants = JSON.parse(execFileSync('/usr/bin/python3', ['-c',
  'import json, libvirt\nprint(json.dumps({k: getattr(libvirt, k) for k in dir(libvirt) if k.startswith("VIR_") and isinstance(getattr(libvirt, k), int)}))',
], { encoding: 'utf8' })) as Record<string, number>;

/** Each exported constant table and the prefix of its members in libvirt's headers. */
const TABLES: Array<[string, Record<string, number>, string]> = [
  ['DomainState', api.DomainState, 'VIR_DOMAIN_'],
  ['DomainRunningReason', api.DomainRunningReason, 'VIR_DOMAIN_RUNNING_'],
  ['DomainPausedReason', api.DomainPausedReason, 'VIR_DOMAIN_PAUSED_'],
  ['DomainShutdownReason', api.DomainShutdownReason, 'VIR_DOMAIN_SHUTDOWN_'],
  ['DomainShutoffReason', api.DomainShutoffReason, 'VIR_DOMAIN_SHUTOFF_'],
  ['DomainCrashedReason', api.DomainCrashedReason, 'VIR_DOMAIN_CRASHED_'],
  ['DomainPMSuspendedReason', api.DomainPMSuspendedReason, 'VIR_DOMAIN_PMSUSPENDED_'],
  ['ListDomainsFlags', api.ListDomainsFlags, 'VIR_CONNECT_LIST_DOMAINS_'],
  ['DomainXMLFlags', api.DomainXMLFlags, 'VIR_DOMAIN_XML_'],
  ['DomainCreateFlags', api.DomainCreateFlags, 'VIR_DOMAIN_'],
  ['DomainDefineFlags', api.DomainDefineFlags, 'VIR_DOMAIN_DEFINE_'],
  ['DomainUndefineFlags', api.DomainUndefineFlags, 'VIR_DOMAIN_UNDEFINE_'],
  ['DomainShutdownFlags', api.DomainShutdownFlags, 'VIR_DOMAIN_SHUTDOWN_'],
  ['DomainRebootFlags', api.DomainRebootFlags, 'VIR_DOMAIN_REBOOT_'],
  ['DomainDestroyFlags', api.DomainDestroyFlags, 'VIR_DOMAIN_DESTROY_'],
  ['DomainModificationImpact', api.DomainModificationImpact, 'VIR_DOMAIN_AFFECT_'],
  ['DomainEventType', api.DomainEventType, 'VIR_DOMAIN_EVENT_'],
  ...Object.entries(api.DomainEventDetail).map(([type, details]): [string, Record<string, number>, string] =>
    [`DomainEventDetail.${type}`, details, `VIR_DOMAIN_EVENT_${type}_`]),
];

describe('flag and enum values match python3-libvirt', () => {
  for (const [name, table, prefix] of TABLES) {
    it(name, () => {
      const checked = Object.entries(table).filter(([key]) => constants[prefix + key] !== undefined);
      // Members newer than the installed libvirt cannot be checked, but most must be.
      expect(checked.length, `${name}: members found in libvirt`).toBeGreaterThanOrEqual(Math.ceil(Object.keys(table).length / 2));
      expect(Object.fromEntries(checked)).toEqual(Object.fromEntries(checked.map(([key]) => [key, constants[prefix + key]])));
    });
  }
});

describe('flagMask', () => {
  it('is every bit of a group', () => {
    expect(api.flagMask(api.DomainRebootFlags)).toBe(0x1f);
    expect(api.flagMask({})).toBe(0);
    expect(api.flagMask({ A: 0x80000000 })).toBe(0x80000000);
  });
});
