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
    expect(out.trim()).toBe('defineDriverSuite,virErrorOf,withUUID');
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

  it('withUUID sets or replaces the UUID right after the name', () => {
    const u = '11111111-2222-3333-4444-555555555555';
    expect(withUUID("<domain type='test'>\n  <name>a</name>\n  <memory>1</memory>\n</domain>", u))
      .toBe(`<domain type='test'>\n  <name>a</name>\n  <uuid>${u}</uuid>\n  <memory>1</memory>\n</domain>`);
    expect(withUUID("<domain>\n  <name>a</name>\n  <uuid>old</uuid>\n</domain>", u))
      .toBe(`<domain>\n  <name>a</name>\n  <uuid>${u}</uuid>\n</domain>`);
    expect(() => withUUID('<domain/>', u)).toThrow('without a <name>');
  });
});
