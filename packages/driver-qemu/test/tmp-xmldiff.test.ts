import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'vitest';
import { formatDomainXML } from '@tsvirt/conf';
import { parseQemuDomain } from '../src/driver/domain-define.js';
import { DOMAIN_CORPUS } from './conformance.js';

it('diffs', () => {
  const out: string[] = [];
  for (const f of readdirSync(join(DOMAIN_CORPUS, 'out')).filter((f) => f.endsWith('.x86_64-latest.xml'))) {
    const name = f.slice(0, -'.x86_64-latest.xml'.length);
    if (!existsSync(join(DOMAIN_CORPUS, 'in', `${name}.xml`))) continue;
    const want = readFileSync(join(DOMAIN_CORPUS, 'out', f), 'utf8').split('\n');
    let got: string[];
    try { got = formatDomainXML(parseQemuDomain(readFileSync(join(DOMAIN_CORPUS, 'in', `${name}.xml`), 'utf8'), false), { inactive: true }).split('\n'); }
    catch (e) { out.push(`${name}: THREW ${(e as Error).message}`); continue; }
    const i = want.findIndex((w, k) => got[k] !== w);
    if (i >= 0 || got.length !== want.length) out.push(`${name}: L${i}\n   want ${want[i]}\n   got  ${got[i]}`);
  }
  console.log(out.join('\n'));
});
