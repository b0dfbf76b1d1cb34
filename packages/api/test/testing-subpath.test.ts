import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defineDriverSuite, withUUID } from '../src/testing/index.js';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));

describe('@tsvirt/api/testing', () => {
  it('is exported as a subpath with types, pointing at its bundle', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { exports: Record<string, unknown> };
    expect(pkg.exports['./testing']).toEqual({ types: './dist/testing/index.d.ts', default: './dist/bundle/testing/index.js' });
  });

  it('loads in plain node, with no test runner around', () => {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e',
      "const m = await import('@tsvirt/api/testing'); console.log(Object.keys(m).sort().join(','))"], { cwd: pkgDir, encoding: 'utf8' });
    expect(out.trim()).toBe('ChildTimeout,busyboxRootfs,consoleRoundTrip,containersMissing,defineDriverSuite,echoContainerXML,virErrorOf,watchChild,withUUID');
  });

  it('never imports vitest: the runner comes in as arguments', () => {
    // The built files, as consumers load them (the build runs before the tests).
    const dir = new URL('../dist/bundle/testing/', import.meta.url);
    const js = readdirSync(dir).filter((f) => f.endsWith('.js'));
    expect(js).toContain('index.js');
    for (const f of js) {
      const code = readFileSync(new URL(f, dir), 'utf8');
      expect(code, f).not.toMatch(/^\s*(import|export)\b[^;]*['"](vitest|@vitest\/[^'"]*|jest)['"]/m);
      expect(code, f).not.toMatch(/import\(\s*['"]vitest/);
    }
  });

  it('registers its tests through the functions it is given, calling nothing at definition time', () => {
    const titles: string[] = [];
    const path: string[] = [];
    let hooks = 0;
    defineDriverSuite({
      name: 'fake',
      uri: 'fake:///',
      describe: (name, fn) => {
        path.push(name);
        fn();
        path.pop();
      },
      it: (name) => {
        titles.push([...path, name].join(' > '));
      },
      expect: () => {
        throw new Error('expect must not run while tests are defined');
      },
      beforeAll: () => {
        hooks++;
      },
      afterAll: () => {
        hooks++;
      },
      makeDomainXML: () => {
        throw new Error('makeDomainXML must not run while tests are defined');
      },
    });
    expect(hooks).toBe(2);
    const joined = titles.join('\n');
    for (const topic of ['connects', 'by name and by UUID', 'inactive', 'RUNNING', 'id= only while running', 'suspends and resumes',
      'SHUTOFF', 'undefine', 'XML_ERROR or XML_DETAIL', 'NO_DOMAIN', 'destroying an inactive', 'OPERATION_FAILED',
      'lifecycle events', 'read-only']) {
      expect(joined).toContain(topic);
    }
    expect(titles.every((t) => t.startsWith('driver suite: fake (fake:///)'))).toBe(true);
  });

  it('skips, with the reason, exactly the tests needing what a driver lacks', async () => {
    const tests: Array<[string, (ctx: { skip: (note?: string) => void }) => Promise<void>]> = [];
    defineDriverSuite({
      name: 'lacking', uri: 'fake:///',
      describe: (_n, fn) => fn(),
      it: (name, fn) => {
        tests.push([name, fn]);
      },
      expect: () => {
        throw new Error('no test body may run');
      },
      makeDomainXML: () => '<domain/>',
      lacks: { start: 'definitions only', events: 'no event source', readonlyConnection: 'one connection per root' },
    });
    const skipped = new Map<string, string | undefined>();
    for (const [name, fn] of tests) {
      let note: string | undefined;
      let skippedHere = false;
      try {
        await fn({ skip: (n) => { skippedHere = true; note = n; } });
      } catch {
        // a test that ran and reached a real connection: not skipped
      }
      if (skippedHere) skipped.set(name, note);
    }
    expect([...skipped.keys()].sort()).toEqual([
      'a read-only connection refuses defineXML with OPERATION_DENIED',
      'destroy leaves the domain SHUTOFF (destroyed)',
      'getXMLDesc names the domain and its UUID, with id= only while running',
      'lifecycle events arrive in order and the stream ends when its signal aborts',
      'lists a defined domain as inactive and a running one as active',
      'starts a domain: RUNNING, with an id',
      'suspends and resumes a running domain (skipped only on NO_SUPPORT)',
    ]);
    expect(skipped.get('starts a domain: RUNNING, with an id')).toBe('the driver lacks start: definitions only');
    expect(skipped.get('a read-only connection refuses defineXML with OPERATION_DENIED')).toBe('the driver lacks readonlyConnection: one connection per root');
  });

  it('withUUID sets or replaces the UUID right after the name', () => {
    const u = '11111111-2222-3333-4444-555555555555';
    expect(withUUID("<domain type='test'>\n  <name>a</name>\n  <memory>1</memory>\n</domain>", u))
      .toBe(`<domain type='test'>\n  <name>a</name>\n  <uuid>${u}</uuid>\n  <memory>1</memory>\n</domain>`);
    expect(withUUID("<domain>\n  <name>a</name>\n  <uuid>old</uuid>\n</domain>", u))
      .toBe(`<domain>\n  <name>a</name>\n  <uuid>${u}</uuid>\n</domain>`);
    expect(() => withUUID('<domain/>', u)).toThrow('without a <name>');
  });
});
