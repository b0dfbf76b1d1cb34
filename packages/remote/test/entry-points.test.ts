import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiArity, procedureFor } from '../src/driver/entry-points.js';
import { overrides } from '../src/driver/overrides.js';
import type { RpcClient } from '../src/client/rpc-client.js';

// The API's driver contract, read as text: every `name?(params): Promise<...>` member.
const driverDir = new URL('../../api/src/driver/', import.meta.url);
const entryPoints: { name: string; arity: number; file: string }[] = [];
for (const file of readdirSync(driverDir)) {
  const text = readFileSync(new URL(file, driverDir), 'utf8');
  for (const m of text.matchAll(/^\s+(\w+)\?\(([^)]*(?:\([^)]*\)[^)]*)*)\)\s*:/gm)) {
    const params = m[2]!.trim() === '' ? 0 : m[2]!.split(',').filter((s) => /^\s*\w+\??\s*:/.test(s)).length;
    entryPoints.push({ name: m[1]!, arity: params, file });
  }
}

/** tsvirt's own entry points, with no procedure in libvirt's protocol. */
const LOCAL_ONLY = new Set(['connectListSharedDisks']);

describe('every entry point of the API maps to a remote procedure', () => {
  const table = overrides({} as RpcClient, { stringParams: true, closeCallback: true });
  it(`${entryPoints.length} entry points`, () => {
    expect(entryPoints.length).toBeGreaterThan(250);
    const unmapped: string[] = [];
    const byRule: string[] = [];
    for (const ep of entryPoints) {
      if (LOCAL_ONLY.has(ep.name) || table[ep.name]) continue;
      const p = procedureFor(ep.name, ep.arity);
      if (!p || apiArity(p) !== ep.arity) unmapped.push(`${ep.name} (${ep.file})${p ? `: ${p.name} takes ${apiArity(p)}` : ''}`);
      else byRule.push(ep.name);
    }
    expect(unmapped).toEqual([]);
    // most are derived from the generated table, not written by hand
    expect(byRule.length).toBeGreaterThan(200);
  });
});
