import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { DriverEntry } from './registry.js';

/**
 * What a driver package declares in its package.json so that it is found without being
 * registered: `"tsvirt": { "schemes": ["esx"], "secondary": [] }`.
 */
interface PackageMetadata {
  readonly name?: unknown;
  readonly tsvirt?: { readonly schemes?: unknown; readonly secondary?: unknown };
}

function readMetadata(file: string): PackageMetadata | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PackageMetadata;
  } catch {
    return undefined;
  }
}

/** The package.json files directly in a node_modules folder (scoped ones included). */
function packageFiles(nodeModules: string): string[] {
  const out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(nodeModules);
  } catch {
    return out;
  }
  for (const name of names) {
    if (name.startsWith('.')) continue;
    if (name.startsWith('@')) {
      for (const sub of (() => { try { return readdirSync(join(nodeModules, name)); } catch { return []; } })()) {
        out.push(join(nodeModules, name, sub, 'package.json'));
      }
    } else out.push(join(nodeModules, name, 'package.json'));
  }
  return out;
}

const cache = new Map<string, ReadonlyMap<string, DriverEntry>>();

/**
 * The schemes installed packages declare, looked up from `dir` (the working directory) upwards
 * through each node_modules folder, nearest first. Read once per directory, and only when a URI's
 * scheme is neither registered nor built in.
 */
export function discoverDrivers(dir = process.cwd()): ReadonlyMap<string, DriverEntry> {
  const start = resolve(dir);
  const known = cache.get(start);
  if (known) return known;
  const found = new Map<string, DriverEntry>();
  for (let d = start; ; d = dirname(d)) {
    const nm = join(d, 'node_modules');
    if (existsSync(nm)) {
      for (const file of packageFiles(nm)) {
        const meta = readMetadata(file);
        const schemes = meta?.tsvirt?.schemes;
        if (typeof meta?.name !== 'string' || !Array.isArray(schemes)) continue;
        const secondary = Array.isArray(meta.tsvirt?.secondary) ? meta.tsvirt.secondary.filter((s): s is string => typeof s === 'string') : [];
        for (const s of schemes) {
          if (typeof s === 'string' && !found.has(s.toLowerCase())) found.set(s.toLowerCase(), { package: meta.name, secondary });
        }
      }
    }
    if (dirname(d) === d) break;
  }
  cache.set(start, found);
  return found;
}

/** Forgets what was discovered (after installing a package at run time, and in tests). */
export function forgetDiscoveredDrivers(): void {
  cache.clear();
}
