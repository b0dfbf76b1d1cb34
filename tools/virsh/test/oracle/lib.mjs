// Shared code for record.mjs and compare.mjs: case parsing, running, masking, diffing.
// Node 20 ESM, no dependencies.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ORACLE_DIR = dirname(fileURLToPath(import.meta.url));
export const CASES_DIR = join(ORACLE_DIR, 'cases');
export const FILES_DIR = join(ORACLE_DIR, 'files');
export const MASK_TOKEN = '<MASKED>';
export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Parse the text of a .case file.
 * Returns { name, description, args, stdin, env, masks, timeoutMs }.
 */
export function parseCase(name, text) {
  const c = { name, description: [], args: null, stdin: '', env: {}, masks: [], timeoutMs: DEFAULT_TIMEOUT_MS };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const where = `${name}.case:${i + 1}`;
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      c.description.push(line.replace(/^#\s?/, ''));
      continue;
    }
    const m = /^([a-z-]+):\s?(.*)$/.exec(line);
    if (!m) throw new Error(`${where}: expected "key: value" or "# comment", got ${JSON.stringify(line)}`);
    const [, key, value] = m;
    switch (key) {
      case 'args': {
        if (c.args) throw new Error(`${where}: duplicate args`);
        let v;
        try {
          v = JSON.parse(value);
        } catch (e) {
          throw new Error(`${where}: args is not valid JSON: ${e.message}`);
        }
        if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) {
          throw new Error(`${where}: args must be a JSON array of strings`);
        }
        c.args = v;
        break;
      }
      case 'stdin': {
        let v;
        try {
          v = JSON.parse(value);
        } catch (e) {
          throw new Error(`${where}: stdin is not a valid JSON string: ${e.message}`);
        }
        if (typeof v !== 'string') throw new Error(`${where}: stdin must be a JSON string`);
        c.stdin = v;
        break;
      }
      case 'env': {
        const eq = value.indexOf('=');
        if (eq <= 0) throw new Error(`${where}: env must be NAME=VALUE`);
        c.env[value.slice(0, eq)] = value.slice(eq + 1);
        break;
      }
      case 'mask': {
        try {
          c.masks.push(new RegExp(value, 'gm'));
        } catch (e) {
          throw new Error(`${where}: bad mask regex: ${e.message}`);
        }
        break;
      }
      case 'timeout': {
        const n = Number(value);
        if (!Number.isFinite(n) || n <= 0) throw new Error(`${where}: timeout must be seconds > 0`);
        c.timeoutMs = n * 1000;
        break;
      }
      default:
        throw new Error(`${where}: unknown key ${JSON.stringify(key)}`);
    }
  }
  if (!c.args) throw new Error(`${name}.case: missing args`);
  return c;
}

/** All case names (sorted), optionally filtered by names/substrings given on the command line. */
export function listCases(filters = []) {
  const all = readdirSync(CASES_DIR)
    .filter((f) => f.endsWith('.case'))
    .map((f) => f.slice(0, -'.case'.length))
    .sort();
  if (filters.length === 0) return all;
  return all.filter((n) => filters.some((f) => n === f || n.includes(f)));
}

export function loadCase(name) {
  return parseCase(name, readFileSync(join(CASES_DIR, `${name}.case`), 'utf8'));
}

/** Apply the case's masks to a text. Each match is replaced by <MASKED>. */
export function applyMasks(c, text) {
  let out = text;
  for (const re of c.masks) {
    re.lastIndex = 0;
    out = out.replace(re, MASK_TOKEN);
  }
  return out;
}

/** Stands for the case's working directory in args (for absolute paths such as test:///DIR/node.xml). */
export const CWD_TOKEN = '{{cwd}}';

/**
 * Run one case with the given binary. Each run gets a fresh temporary directory:
 *   TMP/cwd   a copy of oracle/files, used as the working directory (cases name files relatively)
 *   TMP/home  HOME / XDG_* directories (so nothing in the real home is read or written)
 * The environment is built from scratch (only PATH is inherited) plus the case's env: lines.
 * Resolves to { stdout, stderr, rc, error } with raw (unmasked) output.
 */
export async function runCase(binary, c) {
  // virsh 9.0's save and managedsave hang now and then in their job watch (a race in virsh, a few
  // runs in a hundred, and a third of them on a machine under CI's load); a run killed by the
  // timeout gets five more chances.
  let run = await runOnce(binary, c);
  for (let retry = 0; retry < 5 && run.error?.startsWith('timed out'); retry++) run = await runOnce(binary, c);
  return run;
}

function runOnce(binary, c) {
  const tmp = mkdtempSync(join(tmpdir(), 'virsh-oracle-'));
  const cwd = join(tmp, 'cwd');
  const home = join(tmp, 'home');
  cpSync(FILES_DIR, cwd, { recursive: true });
  for (const d of ['.config', '.cache', '.local/share', 'run']) mkdirSync(join(home, d), { recursive: true });
  const env = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_DATA_HOME: join(home, '.local/share'),
    XDG_RUNTIME_DIR: join(home, 'run'),
    LC_ALL: 'C',
    LANG: 'C',
    TERM: 'dumb',
    TZ: 'UTC',
    ...c.env,
  };
  return new Promise((resolve) => {
    const args = c.args.map((a) => a.replaceAll(CWD_TOKEN, cwd));
    const child = spawn(binary, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    let error = null;
    const timer = setTimeout(() => {
      error = `timed out after ${c.timeoutMs / 1000}s`;
      child.kill('SIGKILL');
    }, c.timeoutMs);
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => err.push(b));
    child.stdin.on('error', () => {}); // the child may exit without reading stdin
    child.on('error', (e) => {
      error = `cannot run ${binary}: ${e.message}`;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      rmSync(tmp, { recursive: true, force: true });
      // The run's own directory is named back by its token, so outputs do not depend on it.
      const text = (chunks) => Buffer.concat(chunks).toString('utf8').replaceAll(cwd, CWD_TOKEN);
      resolve({
        stdout: text(out),
        stderr: text(err),
        rc: code ?? (signal ? `signal ${signal}` : 'unknown'),
        error,
      });
    });
    child.stdin.end(c.stdin);
  });
}

/** Run fn over items with at most `jobs` in flight; results keep the input order. */
export async function pool(items, jobs, fn) {
  const results = new Array(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
  return results;
}

export function expectedPaths(name) {
  const base = join(CASES_DIR, name);
  return { stdout: `${base}.stdout`, stderr: `${base}.stderr`, rc: `${base}.rc` };
}

export function readExpected(name) {
  const p = expectedPaths(name);
  if (!existsSync(p.stdout) || !existsSync(p.stderr) || !existsSync(p.rc)) return null;
  return {
    stdout: readFileSync(p.stdout, 'utf8'),
    stderr: readFileSync(p.stderr, 'utf8'),
    rc: Number(readFileSync(p.rc, 'utf8').trim()),
  };
}

// ---------------------------------------------------------------------------
// Unified diff (LCS on lines; outputs here are at most a few hundred lines).

function splitLines(text) {
  // Like diff(1): a missing final newline is shown explicitly.
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') {
    lines.pop();
    return lines.map((l) => ({ text: l, nl: true }));
  }
  return lines.map((l, i) => ({ text: l, nl: i < lines.length - 1 }));
}

/** Show otherwise invisible differences: trailing blanks, tabs, CR, other control chars. */
function visible(s) {
  let v = s.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
  v = v.replace(/\t/g, '\\t');
  const m = / +$/.exec(v);
  if (m) v = v.slice(0, m.index) + '·'.repeat(m[0].length);
  return v;
}

export function unifiedDiff(expected, actual, labelA = 'expected', labelB = 'actual', context = 3) {
  const a = splitLines(expected);
  const b = splitLines(actual);
  const eq = (x, y) => x.text === y.text && x.nl === y.nl;
  const n = a.length;
  const m = b.length;
  // lcs[i][j] = LCS length of a[i..] and b[j..]
  const lcs = Array.from({ length: n + 1 }, () => new Int32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = eq(a[i], b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const ops = []; // { t: ' ' | '-' | '+', line, ai, bi }
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && eq(a[i], b[j])) {
      ops.push({ t: ' ', line: a[i], ai: i++, bi: j++ });
    } else if (i < n && (j >= m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      ops.push({ t: '-', line: a[i], ai: i++, bi: j });
    } else {
      ops.push({ t: '+', line: b[j], ai: i, bi: j++ });
    }
  }
  const changed = ops.map((o, k) => (o.t !== ' ' ? k : -1)).filter((k) => k >= 0);
  if (changed.length === 0) return '';
  const out = [`--- ${labelA}`, `+++ ${labelB}`];
  let k = 0;
  while (k < changed.length) {
    let start = Math.max(0, changed[k] - context);
    let end = Math.min(ops.length, changed[k] + context + 1);
    while (k + 1 < changed.length && changed[k + 1] - context <= end) {
      k++;
      end = Math.min(ops.length, changed[k] + context + 1);
    }
    k++;
    const hunk = ops.slice(start, end);
    const aStart = hunk[0].ai;
    const bStart = hunk[0].bi;
    const aLen = hunk.filter((o) => o.t !== '+').length;
    const bLen = hunk.filter((o) => o.t !== '-').length;
    out.push(`@@ -${aLen ? aStart + 1 : aStart},${aLen} +${bLen ? bStart + 1 : bStart},${bLen} @@`);
    for (const o of hunk) {
      out.push(o.t + visible(o.line.text));
      if (!o.line.nl) out.push('\\ No newline at end of file');
    }
  }
  return out.join('\n') + '\n';
}
