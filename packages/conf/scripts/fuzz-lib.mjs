// Seeded fuzzing of conf's parse and format: mutates libvirt's own documents and checks that
// each mutant is either refused with a VirError or accepted with an output that is a fixed point
// (formatting it again gives the same text), within the time limit. Shared by the CI test
// (test/fuzz.test.ts, a few thousand documents) and `pnpm fuzz` (scripts/fuzz.mjs, longer runs).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A small seeded generator (mulberry32): the same seed gives the same documents. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values that have broken parsers before: JavaScript's own property names, huge numbers, odd text. */
export const HOSTILE = [
  'toString', 'constructor', '__proto__', 'valueOf', 'hasOwnProperty', 'prototype', 'isPrototypeOf',
  '9'.repeat(400), '1'.repeat(40), '18446744073709551616', '9007199254740993', '-1', '-0', '0x', '1e308', 'NaN',
  'Infinity', '', ' ', '0', '4294967296', '2147483648', 'é', '\u{1F600}', 'a b', '../../x', '/', 'yes', 'no', 'on',
];

/** libvirt's corpus, by document kind: [kind, file name, text, context]. */
export function corpus(root) {
  const docs = [];
  const add = (kind, dir, ctx) => {
    for (const f of readdirSync(join(root, dir)).filter((n) => n.endsWith('.xml')).sort()) {
      docs.push([kind, `${dir}/${f}`, readFileSync(join(root, dir, f), 'utf8'), ctx]);
    }
  };
  add('domain', 'domain/in', {});
  add('network', 'network/in', {});
  add('pool', 'storage-pool/in', {});
  add('volume', 'storage-vol/in', { poolXML: readFileSync(join(root, 'storage-pool/in/pool-dir.xml'), 'utf8') });
  return docs;
}

const ATTR_VALUE = /(\s[\w:-]+=)(['"])([^'"]*)\2/g;
const TEXT = />([^<>\s][^<>]*)</g;
const ELEMENT = /<([\w:-]+)\b[^<>]*?(?:\/>|>[^<>]*<\/\1>)/g;

function matches(re, text) {
  return [...text.matchAll(re)];
}

/** One mutation of `text`, chosen by `r`. */
function mutateOnce(text, r) {
  const pick = (list) => list[Math.floor(r() * list.length)];
  const at = Math.floor(r() * (text.length + 1));
  switch (Math.floor(r() * 9)) {
    case 0: case 1: { // an attribute value becomes a hostile one
      const m = pick(matches(ATTR_VALUE, text));
      if (!m) return text;
      return text.slice(0, m.index) + `${m[1]}'${pick(HOSTILE).replace(/'/g, '')}'` + text.slice(m.index + m[0].length);
    }
    case 2: { // an element's text becomes a hostile value
      const m = pick(matches(TEXT, text));
      if (!m) return text;
      return `${text.slice(0, m.index)}>${pick(HOSTILE)}<${text.slice(m.index + m[0].length)}`;
    }
    case 3: { // an element is removed
      const m = pick(matches(ELEMENT, text));
      return m ? text.slice(0, m.index) + text.slice(m.index + m[0].length) : text;
    }
    case 4: { // an element is repeated
      const m = pick(matches(ELEMENT, text));
      return m ? text.slice(0, m.index) + m[0] + m[0] + text.slice(m.index + m[0].length) : text;
    }
    case 5: { // an element moves elsewhere
      const m = pick(matches(ELEMENT, text));
      if (!m) return text;
      const without = text.slice(0, m.index) + text.slice(m.index + m[0].length);
      const to = pick([...without.matchAll(/<\/[\w:-]+>/g)].map((x) => x.index));
      return to === undefined ? text : without.slice(0, to) + m[0] + without.slice(to);
    }
    case 6: { // an unknown element or empty known one is added
      const el = pick(['<unknown-x/>', '<format/>', '<source/>', '<target/>', '<address/>', '<x:y xmlns:x="urn:x"/>', '<driver/>', '<alias/>']);
      const to = pick([...text.matchAll(/<\/[\w:-]+>/g)].map((x) => x.index));
      return to === undefined ? text : text.slice(0, to) + el + text.slice(to);
    }
    case 7: { // a few characters go
      return text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + Math.floor(r() * 4)));
    }
    default: { // an attribute is added with a hostile name or value
      const m = pick(matches(/<([\w:-]+)(?=[\s/>])/g, text));
      if (!m) return text;
      const name = pick(['type', 'name', 'id', 'index', 'toString', '__proto__', 'unit', 'mode', 'port']);
      const end = m.index + m[0].length;
      return `${text.slice(0, end)} ${name}='${pick(HOSTILE).replace(/'/g, '')}'${text.slice(end)}`;
    }
  }
}

/**
 * Runs `count` mutants from `seed`. `reformat(kind, xml, ctx)` parses and formats; `isVirError`
 * tells an expected refusal. Answers the tallies and the first failures (kind, source, why, mutant).
 */
export function fuzz({ docs, reformat, isVirError, count, seed, limitMs = 5000, maxFailures = 20 }) {
  const r = rng(seed);
  const tally = { documents: 0, accepted: 0, virError: 0, other: 0, notFixedPoint: 0, slow: 0, fixedPoints: 0 };
  const failures = [];
  const fail = (why, doc, xml) => {
    if (failures.length < maxFailures) failures.push({ why, source: doc[1], kind: doc[0], xml });
  };
  for (let i = 0; i < count; i++) {
    const doc = docs[Math.floor(r() * docs.length)];
    let xml = doc[2];
    for (let n = 1 + Math.floor(r() * 3); n > 0; n--) xml = mutateOnce(xml, r);
    tally.documents++;
    const t0 = performance.now();
    let out;
    try {
      out = reformat(doc[0], xml, doc[3]);
    } catch (e) {
      if (isVirError(e)) tally.virError++;
      else {
        tally.other++;
        fail(`threw ${e?.name}: ${e?.message}`, doc, xml);
      }
      continue;
    } finally {
      if (performance.now() - t0 > limitMs) {
        tally.slow++;
        fail(`took ${Math.round(performance.now() - t0)} ms`, doc, xml);
      }
    }
    tally.accepted++;
    let again;
    try {
      again = reformat(doc[0], out, doc[3]);
    } catch (e) {
      tally.notFixedPoint++;
      fail(`its output is refused: ${e?.message}`, doc, xml);
      continue;
    }
    if (again === out) tally.fixedPoints++;
    else {
      tally.notFixedPoint++;
      fail('its output is not a fixed point', doc, xml);
    }
  }
  return { tally, failures };
}
