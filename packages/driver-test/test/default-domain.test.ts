import { describe, expect, it } from 'vitest';
import { parseDomainXML } from '@tsvirt/conf';
import { DEFAULT_DOMAIN_XML, TEST_ARCH } from '../src/default-config.js';
import { defaultDomainDef } from '../src/default-domain.generated.js';

/** Each object met again, as [where it is met again, where it was first met]: the model's sharing. */
function sharing(root: unknown): Array<[string, string]> {
  const first = new Map<object, string>();
  const again: Array<[string, string]> = [];
  const walk = (v: unknown, path: string): void => {
    if (v === null || typeof v !== 'object') return;
    const seen = first.get(v);
    if (seen !== undefined) {
      again.push([path, seen]);
      return;
    }
    first.set(v, path);
    for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
  };
  walk(root, '');
  return again;
}

const REGENERATE = 'out of date: pnpm build, then node scripts/gen-default-domain.mjs';

describe("test:///default's prebuilt domain", () => {
  it('is what conf parses from DEFAULT_DOMAIN_XML', () => {
    const parsed = parseDomainXML(DEFAULT_DOMAIN_XML, { arch: TEST_ARCH });
    const prebuilt = defaultDomainDef();
    expect(prebuilt, REGENERATE).toStrictEqual(parsed);
    // A device is one object in `devices` and in its source `<devices>`, as the parse leaves it.
    expect(sharing(prebuilt), REGENERATE).toEqual(sharing(parsed));
    expect(sharing(prebuilt)).not.toEqual([]);
  });

  it('is a new object each time, as a fresh host changes its domain in place', () => {
    const a = defaultDomainDef();
    const b = defaultDomainDef();
    expect(a).toStrictEqual(b);
    const objects = (v: unknown): unknown[] =>
      v !== null && typeof v === 'object' ? [v, ...Object.values(v).flatMap(objects)] : [];
    const ofB = new Set(objects(b));
    expect(objects(a).filter((o) => ofB.has(o))).toEqual([]);
  });
});
