#!/usr/bin/env node
// Counts raw XML element access (attributes, children, conf's tree helpers) in each driver
// package's src/: drivers read and change definitions through conf's typed models instead
// (packages/conf/README.md, "How drivers read and change definitions"). The counts may only go
// down: test/raw-xml-access compares them with ratchet.json.
//
//   node scripts/raw-xml-access.mjs            # the table, per package
//   node scripts/raw-xml-access.mjs --files    # and per file
//   node scripts/raw-xml-access.mjs --update   # lower the ratchet to today's counts
import { readdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const RATCHET = join(ROOT, 'test/raw-xml-access/ratchet.json');

/** What counts as raw access: the tree's fields, and conf's element-level helpers called bare. */
const RAW = /\.attrs\b|\.children\b|(?<![.\w])(?:attr|childElements|firstChild|textOf|setAttr|patchElement|cloneElement|element|textNode|ensureChild|removeChildren)\(/g;

/** Driver packages: every packages/driver-* and packages/secondary-*. */
export function driverPackages() {
  return readdirSync(join(ROOT, 'packages')).filter((p) => /^(driver|secondary)-/.test(p) && existsSync(join(ROOT, 'packages', p, 'src'))).sort();
}

function* sources(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* sources(p);
    else if (/\.(ts|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts')) yield p;
  }
}

/** Raw accesses per package, and per file. */
export function countRawAccess() {
  const packages = {};
  const files = {};
  for (const pkg of driverPackages()) {
    let total = 0;
    for (const file of sources(join(ROOT, 'packages', pkg, 'src'))) {
      const text = readFileSync(file, 'utf8').replace(/^\s*(\/\/|\*|\/\*).*$/gm, '');
      const n = (text.match(RAW) ?? []).length;
      if (n) files[relative(ROOT, file)] = n;
      total += n;
    }
    packages[pkg] = total;
  }
  return { packages, files };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { packages, files } = countRawAccess();
  const ratchet = existsSync(RATCHET) ? JSON.parse(readFileSync(RATCHET, 'utf8')) : {};
  console.log('package                   raw accesses   ratchet');
  for (const [pkg, n] of Object.entries(packages)) console.log(`${pkg.padEnd(26)}${String(n).padStart(12)}${String(ratchet[pkg] ?? '-').padStart(10)}`);
  if (process.argv.includes('--files')) {
    for (const [f, n] of Object.entries(files).sort((a, b) => b[1] - a[1])) console.log(`${String(n).padStart(5)}  ${f}`);
  }
  if (process.argv.includes('--update')) {
    const next = Object.fromEntries(Object.entries(packages).map(([p, n]) => [p, Math.min(n, ratchet[p] ?? n)]));
    writeFileSync(RATCHET, `${JSON.stringify(next, null, 2)}\n`);
    console.log(`ratchet written: ${relative(ROOT, RATCHET)}`);
  }
}
