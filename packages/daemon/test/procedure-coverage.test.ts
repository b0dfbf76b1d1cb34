import { readdirSync, readFileSync } from 'node:fs';
import { lxc_program, qemu_program, remote_program, type Procedure } from '@tsvirt/remote/protocol';
import { describe, expect, it } from 'vitest';
import { handlerFor } from '../src/dispatch/handler-table.js';
import { publicApiName } from '../src/dispatch/readonly-rule.js';

/**
 * The audit of tsvirtd's dispatch against libvirt's procedure lists: every call of the remote,
 * QEMU and LXC programs is either served or refused for a stated reason, and a public call that
 * @tsvirt/api has must be served (libvirtd serves every call its driver has).
 */

// The API's public calls, as its objects name them to the driver (`callOf(this)('domainSendKey', 'virDomainSendKey')`).
const objectsDir = new URL('../../api/src/objects/', import.meta.url);
const apiCalls = new Set<string>();
for (const file of readdirSync(objectsDir)) {
  for (const m of readFileSync(new URL(file, objectsDir), 'utf8').matchAll(/'(vir[A-Z]\w+)'/g)) apiCalls.add(m[1]!);
}

/** Public calls that travel in another call's procedure, as libvirt's client sends them. */
const CARRIED_BY: Readonly<Record<string, string>> = {
  virDomainListGetStats: 'REMOTE_PROC_CONNECT_GET_ALL_DOMAIN_STATS',
  virDomainLookupByUUIDString: 'REMOTE_PROC_DOMAIN_LOOKUP_BY_UUID',
  virNetworkLookupByUUIDString: 'REMOTE_PROC_NETWORK_LOOKUP_BY_UUID',
  virNetworkPortLookupByUUIDString: 'REMOTE_PROC_NETWORK_PORT_LOOKUP_BY_UUID',
  virStoragePoolLookupByUUIDString: 'REMOTE_PROC_STORAGE_POOL_LOOKUP_BY_UUID',
  virSecretLookupByUUIDString: 'REMOTE_PROC_SECRET_LOOKUP_BY_UUID',
  virNWFilterLookupByUUIDString: 'REMOTE_PROC_NWFILTER_LOOKUP_BY_UUID',
  virDomainMigrate3: 'REMOTE_PROC_DOMAIN_MIGRATE_BEGIN3_PARAMS',
  virDomainMigrateToURI3: 'REMOTE_PROC_DOMAIN_MIGRATE_PERFORM3_PARAMS',
};

/**
 * Public calls the API has that tsvirtd does not serve yet, and why (none now: the last one,
 * virDomainFDAssociate, is served since tsvirtd receives descriptors).
 */
const NOT_SERVED_YET: Readonly<Record<string, string>> = {};
/** Names the API uses that are no call of libvirt's protocol: tsvirt's own, or the connection in its errors. */
const NOT_ON_THE_WIRE = new Set(['virConnect', 'virConnectListSharedDisks']);

/** Why a procedure without a handler is refused (first match); the default is that the API lacks the call. */
const REFUSALS: ReadonlyArray<readonly [RegExp, string]> = [
  [/_MIGRATE_PREPARE_TUNNEL/, 'tunnelled migration: its data goes in a stream the API has no call for'],
  [/_MIGRATE_(BEGIN|PREPARE|PERFORM|FINISH|CONFIRM)/, 'migration: only the v3 *3_PARAMS phases are served (MIGRATION_PARAMS; no older form is announced)'],
  [/_WITH_FILES$|_OPEN_GRAPHICS/, 'passes file descriptors: @tsvirt/api has no call for it'],
  [/^REMOTE_PROC_AUTH_POLKIT$/, 'polkit: tsvirtd authenticates with SASL or not at all'],
];

interface Row { readonly program: string; readonly proc: Procedure; readonly api: string; readonly served: boolean; readonly reason: string }

const rows: Row[] = [];
for (const [program, table] of [['remote', remote_program], ['qemu', qemu_program], ['lxc', lxc_program]] as const) {
  for (const proc of table.procedures.values()) {
    if (proc.event) continue;
    const api = publicApiName(proc);
    const served = handlerFor(program, proc.number) !== undefined;
    const reason = served ? '' : REFUSALS.find(([re]) => re.test(proc.name))?.[1] ?? `@tsvirt/api has no ${api}`;
    rows.push({ program, proc, api, served, reason });
  }
}

describe('tsvirtd serves every call @tsvirt/api has', () => {
  it('lists every procedure as served or refused with its reason', () => {
    const lines = rows.map((r) => `${r.proc.name.padEnd(58)} ${r.served ? 'served' : `refused: ${r.reason}`}`);
    console.log(`${lines.join('\n')}\n${rows.filter((r) => r.served).length} of ${rows.length} calls served`);
    expect(rows.length).toBeGreaterThan(390);
  });

  it('no public call of the API is left unserved', () => {
    const byName = new Map(rows.map((r) => [r.proc.name, r]));
    const byApi = new Map(rows.map((r) => [r.api, r]));
    const unserved: string[] = [];
    const unknown: string[] = [];
    for (const api of apiCalls) {
      if (NOT_ON_THE_WIRE.has(api) || api in NOT_SERVED_YET) continue;
      const carrier = CARRIED_BY[api];
      const row = carrier ? byName.get(carrier) : byApi.get(api);
      if (!row) unknown.push(api);
      else if (!row.served) unserved.push(`${api} (${row.proc.name})`);
    }
    expect(unserved).toEqual([]);
    // a call the API names but no procedure carries: a misspelt name, or one this audit must learn
    expect(unknown).toEqual([]);
  });

  it('the audit sees the API\'s calls', () => {
    expect(apiCalls.size).toBeGreaterThan(250);
    for (const api of ['virDomainSendKey', 'virDomainScreenshot', 'virDomainQemuAgentCommand', 'virDomainCoreDump']) expect(apiCalls).toContain(api);
  });
});
