/**
 * Proves that the layering rule in eslint.config.js bites (libvirt's src/README rule):
 * util <- conf <- api <- drivers; a driver never depends on another driver; tools never
 * import a driver statically; nobody reaches into another package by relative path.
 *
 * Two angles:
 *  - the committed root config, run exactly as `pnpm lint` runs it, on in-memory files placed
 *    at repo paths (`lintText` + `filePath`) — workspace imports are judged by specifier, so this
 *    holds whether or not the target package has been built (or even written);
 *  - the same config (`createConfig`) on a fixture tree laid out like the repo, where every
 *    import resolves to a real file through tsconfig `paths` and the `.js` -> `.ts` alias.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import { resolve as resolveImport } from 'eslint-import-resolver-typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { createConfig } from '../../eslint.config.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const FIXTURE = path.join(HERE, 'fixtures/repo');
const RULE = 'boundaries/dependencies';

const layering = (messages: Linter.LintMessage[]) => messages.filter((m) => m.ruleId === RULE);
const problems = (messages: Linter.LintMessage[]) =>
  messages.filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);

describe('layering rule, root eslint.config.js on repo paths', () => {
  let eslint: ESLint;
  beforeAll(() => {
    eslint = new ESLint({ cwd: REPO, overrideConfigFile: path.join(REPO, 'eslint.config.js') });
  });

  async function lint(filePath: string, code: string) {
    const [result] = await eslint.lintText(code, { filePath: path.join(REPO, filePath) });
    if (!result) throw new Error('no lint result');
    return result.messages;
  }

  it('driver-lxc importing driver-qemu fails, naming the rule and both packages', async () => {
    const messages = await lint(
      'packages/driver-lxc/src/x.ts',
      `import { qemu } from '@tsvirt/driver-qemu';\nexport const x = qemu;\n`,
    );
    const errors = layering(messages);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.severity).toBe(2);
    expect(errors[0]?.line).toBe(1);
    expect(errors[0]?.message).toMatch(/layering rule/);
    expect(errors[0]?.message).toContain('@tsvirt/driver-lxc may not depend on @tsvirt/driver-qemu');
  });

  it('also fails for type-only imports, re-exports and dynamic imports between drivers', async () => {
    for (const code of [
      `import type { Qemu } from '@tsvirt/driver-qemu';\nexport type X = Qemu;\n`,
      `export { qemu } from '@tsvirt/driver-qemu';\n`,
      `export const load = () => import('@tsvirt/driver-qemu');\n`,
      `import { storage } from '@tsvirt/secondary-storage';\nexport const x = storage;\n`,
    ]) {
      const errors = layering(await lint('packages/driver-lxc/src/x.ts', code));
      expect(errors, code).toHaveLength(1);
      expect(errors[0]?.message, code).toMatch(/^layering rule: @tsvirt\/driver-lxc may not depend on @tsvirt\//);
    }
  });

  it('driver-lxc importing @tsvirt/api (and conf, util, node builtins, npm packages) passes', async () => {
    const messages = await lint(
      'packages/driver-lxc/src/x.ts',
      [
        `import { api } from '@tsvirt/api';`,
        `import { conf } from '@tsvirt/conf';`,
        `import { util } from '@tsvirt/util';`,
        `import { readFileSync } from 'node:fs';`,
        `import { execa } from 'execa';`,
        `export const x = [api, conf, util, readFileSync, execa];`,
        ``,
      ].join('\n'),
    );
    expect(problems(messages)).toEqual([]);
  });

  it('conf importing api fails', async () => {
    const errors = layering(
      await lint('packages/conf/src/x.ts', `import { api } from '@tsvirt/api';\nexport const x = api;\n`),
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/layering rule/);
    expect(errors[0]?.message).toContain('@tsvirt/conf may not depend on @tsvirt/api');
  });

  it('util depends on nothing of ours; conf only on util; api not on drivers', async () => {
    const bad: [string, string][] = [
      ['packages/util/src/x.ts', '@tsvirt/conf'],
      ['packages/util/test/x.test.ts', '@tsvirt/api'],
      ['packages/conf/src/x.ts', '@tsvirt/driver-test'],
      ['packages/api/src/x.ts', '@tsvirt/driver-qemu'],
      ['packages/api/src/x.ts', '@tsvirt/virsh'],
      ['packages/secondary-network/src/x.ts', '@tsvirt/secondary-storage'],
      ['packages/driver-test/src/x.ts', '@tsvirt/virsh'],
    ];
    for (const [file, target] of bad) {
      const errors = layering(await lint(file, `import { y } from '${target}';\nexport const x = y;\n`));
      expect(errors, `${file} -> ${target}`).toHaveLength(1);
      expect(errors[0]?.message, `${file} -> ${target}`).toMatch(new RegExp(`^layering rule: .* may not depend on ${target}`));
    }
    const good: [string, string][] = [
      ['packages/conf/src/x.ts', '@tsvirt/util'],
      ['packages/api/src/x.ts', '@tsvirt/conf'],
      ['packages/conf/test/x.test.ts', '@tsvirt/conf'], // a package may name itself
      ['packages/secondary-storage/src/x.ts', '@tsvirt/api'],
    ];
    for (const [file, target] of good) {
      const messages = await lint(file, `import { y } from '${target}';\nexport const x = y;\n`);
      expect(problems(messages), `${file} -> ${target}`).toEqual([]);
    }
  });

  it('tests follow the rule of their package', async () => {
    const errors = layering(
      await lint(
        'packages/driver-lxc/test/x.test.ts',
        `import { qemu } from '@tsvirt/driver-qemu';\nexport const x = qemu;\n`,
      ),
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain('@tsvirt/driver-lxc may not depend on @tsvirt/driver-qemu');
  });

  it('tools/virsh: a static import of a driver fails, a dynamic import passes', async () => {
    for (const code of [
      `import { qemu } from '@tsvirt/driver-qemu';\nexport const x = qemu;\n`,
      `export * from '@tsvirt/secondary-network';\n`,
    ]) {
      const errors = layering(await lint('tools/virsh/src/x.ts', code));
      expect(errors, code).toHaveLength(1);
      expect(errors[0]?.message, code).toMatch(/^layering rule: tools may not import a driver statically/);
    }

    const dynamic = await lint(
      'tools/virsh/src/x.ts',
      [
        `import { api } from '@tsvirt/api';`,
        `export async function connect(): Promise<unknown> {`,
        `  const qemu = await import('@tsvirt/driver-qemu');`,
        `  return [api, qemu];`,
        `}`,
        ``,
      ].join('\n'),
    );
    expect(problems(dynamic)).toEqual([]);
  });
});

describe('layering rule, createConfig() on a fixture tree laid out like the repo', () => {
  let eslint: ESLint;
  beforeAll(() => {
    eslint = new ESLint({ cwd: FIXTURE, overrideConfigFile: true, overrideConfig: createConfig(FIXTURE) });
  });

  async function lintFile(rel: string) {
    const [result] = await eslint.lintFiles([path.join(FIXTURE, rel)]);
    if (!result) throw new Error(`no lint result for ${rel}`);
    return result.messages;
  }

  it('the resolver maps @tsvirt/* to src/ (no dist/ needed) and .js imports to .ts files', () => {
    const from = path.join(FIXTURE, 'packages/driver-lxc/src/index.ts');
    const options = { project: path.join(FIXTURE, 'tsconfig.eslint.json') };
    expect(resolveImport('@tsvirt/driver-qemu', from, options)).toEqual({
      found: true,
      path: path.join(FIXTURE, 'packages/driver-qemu/src/index.ts'),
    });
    expect(resolveImport('./helper.js', from, options)).toEqual({
      found: true,
      path: path.join(FIXTURE, 'packages/driver-lxc/src/helper.ts'),
    });
    // And in the real repo, with the root tsconfig.eslint.json.
    expect(
      resolveImport('@tsvirt/util', path.join(REPO, 'packages/conf/src/x.ts'), {
        project: path.join(REPO, 'tsconfig.eslint.json'),
      }),
    ).toEqual({ found: true, path: path.join(REPO, 'packages/util/src/index.ts') });
  });

  it.each([
    'packages/util/src/index.ts',
    'packages/conf/src/index.ts',
    'packages/api/src/index.ts',
    'packages/driver-qemu/src/index.ts',
    'packages/driver-lxc/src/index.ts',
    'tools/virsh/src/index.ts',
  ])('allowed: %s', async (file) => {
    expect(problems(await lintFile(file))).toEqual([]);
  });

  it.each([
    ['packages/driver-lxc/src/bad-qemu.ts', '@tsvirt/driver-lxc may not depend on @tsvirt/driver-qemu'],
    ['packages/driver-lxc/test/bad-qemu.ts', '@tsvirt/driver-lxc may not depend on @tsvirt/driver-qemu'],
    ['packages/conf/src/bad-api.ts', '@tsvirt/conf may not depend on @tsvirt/api'],
    ['tools/virsh/src/bad-static-driver.ts', 'tools may not import a driver statically'],
    [
      'packages/driver-lxc/src/bad-relative.ts',
      "@tsvirt/driver-lxc may not import another package's files by relative path " +
        '(../../driver-qemu/src/index.js is inside @tsvirt/driver-qemu)',
    ],
  ])('violation: %s', async (file, expected) => {
    const messages = await lintFile(file);
    expect(problems(messages)).toHaveLength(1);
    const [error] = layering(messages);
    expect(error?.severity).toBe(2);
    expect(error?.message).toMatch(/^layering rule: /);
    expect(error?.message).toContain(expected);
  });
});
