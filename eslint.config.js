// @ts-check
/**
 * ESLint flat config for the tsvirt workspace.
 *
 *  - typescript-eslint `recommended` (syntactic only, no type information: lint stays fast)
 *    for every *.ts file.
 *  - The layering rule (libvirt's src/README rule), enforced with eslint-plugin-boundaries:
 *
 *      util                       depends on nothing of ours
 *      conf                       may use util
 *      api                        may use util, conf
 *      driver-*, secondary-*,     may use util, conf, api  (never another driver)
 *      remote                     (remote is the driver that reaches a daemon)
 *      daemon                     may use util, conf, api and @tsvirt/remote/protocol only
 *                                 (drivers are loaded through api's registry)
 *      tools/* (virsh)            may use anything, but may never import a driver
 *                                 statically (a dynamic `import('@tsvirt/driver-x')` is fine)
 *      no package may import another package's files by relative path.
 *
 *    test/ folders follow the rule of their package (the element is the whole package folder).
 *
 * How imports are classified:
 *  - Workspace imports (`@tsvirt/x`) are judged by their specifier (`dependency.source`), so
 *    the rule works whether or not `@tsvirt/x` resolves — packages are linked in node_modules
 *    but their `exports` point at dist/, which does not exist before `pnpm build`, and a
 *    package that is not declared as a dependency is not linked at all.
 *  - eslint-import-resolver-typescript (with tsconfig.eslint.json, whose `paths` map every
 *    `@tsvirt/x` to packages/x/src/index.ts, and its default `.js` -> `.ts` extension alias)
 *    resolves relative and workspace imports to real source files, so a relative import that
 *    lands in another package folder is classified by that package and rejected.
 *
 * `createConfig(rootDir)` is exported so test/layering can run the very same rule against
 * fixture trees laid out like the repo.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'eslint/config';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

const SCOPE = '@tsvirt';

// The plugin's typings describe `exports.default`, but at runtime its module.exports is the
// plugin object itself (which is what the default import yields), hence the cast.
const boundariesPlugin = /** @type {import('eslint').ESLint.Plugin} */ (/** @type {unknown} */ (boundaries));

/**
 * Which workspace packages each package may depend on (besides itself).
 * @type {Record<string, string[]>}
 */
export const LAYERS = {
  util: [],
  conf: ['util'],
  api: ['util', 'conf'],
  'driver-*': ['util', 'conf', 'api'],
  'secondary-*': ['util', 'conf', 'api'],
  remote: ['util', 'conf', 'api'],
  // tsvirtd: the server side of the protocol; drivers come through @tsvirt/api's registry.
  daemon: ['util', 'conf', 'api', 'remote/protocol'],
};

/** Packages that are drivers (hypervisor drivers, secondary drivers, and the remote driver). */
export const DRIVER_PATTERN = '{{driver,secondary}-*,remote}';

/** `@tsvirt/<name>` and any subpath of it. @param {string} name */
const spec = (name) => [`${SCOPE}/${name}`, `${SCOPE}/${name}/**`];
const ANY_WORKSPACE_PACKAGE = spec('*');
/** Any specifier that is not a workspace package name: relative ('../../x/src/y.js') or absolute paths. */
const NOT_A_PACKAGE_NAME = `!${SCOPE}/**`;

/** @param {string[]} allowed */
const describe = (allowed) =>
  allowed.length === 0
    ? 'depends on nothing of ours'
    : `may only depend on ${allowed.map((a) => `${SCOPE}/${a}`).join(', ')}`;

/** Policies for eslint-plugin-boundaries' `dependencies` rule (last matching policy wins). */
function layeringPolicies() {
  /** @type {import('eslint-plugin-boundaries').DependenciesPolicy[]} */
  const policies = [];

  for (const [pkg, allowed] of Object.entries(LAYERS)) {
    const from = { element: { type: 'package', captured: { pkg } } };
    const label =
      pkg === 'driver-*' || pkg === 'remote' ? 'a driver' : pkg === 'secondary-*' ? 'a secondary driver' : `${SCOPE}/${pkg}`;
    // 1. Any workspace package is off limits ...
    policies.push({
      from,
      disallow: { dependency: { source: ANY_WORKSPACE_PACKAGE } },
      message:
        `layering rule: ${SCOPE}/{{from.element.captured.pkg}} may not depend on {{dependency.source}} ` +
        `(${label} ${describe(allowed)}; see libvirt src/README)`,
    });
    // 2. ... except the layers below it, and the package itself (self-reference by name).
    policies.push({
      from,
      allow: {
        dependency: {
          source: [
            ...allowed.flatMap(spec),
            ...spec('{{from.element.captured.pkg}}'),
          ],
        },
      },
    });
  }

  // Tools may use anything, but never import a driver statically.
  policies.push({
    from: { element: { type: 'tool' } },
    disallow: {
      dependency: {
        source: spec(DRIVER_PATTERN),
        nodeKind: ['import', 'export'],
      },
    },
    message:
      `layering rule: tools may not import a driver statically; ${SCOPE}/{{from.element.captured.pkg}} ` +
      `may not depend on {{dependency.source}} — go through ${SCOPE}/api or load it with a dynamic import()`,
  });

  // Nobody imports another package's files by path. A dependency that resolves into another
  // package folder must be spelled `@tsvirt/x` (dependencies inside the same package are
  // "internal" and never reach this rule). micromatch cannot glob `..` segments, hence the
  // negated pattern rather than `../**`.
  policies.push({
    from: { element: { types: ['package', 'tool'] } },
    disallow: {
      to: { element: { types: ['package', 'tool'] } },
      dependency: { source: NOT_A_PACKAGE_NAME },
    },
    message:
      `layering rule: ${SCOPE}/{{from.element.captured.pkg}} may not import another package's files by ` +
      `relative path ({{dependency.source}} is inside ${SCOPE}/{{to.element.captured.pkg}}); ` +
      `import the package by name, as the layering rule allows`,
  });

  return policies;
}

/**
 * @param {string} rootDir absolute path of the tree to lint (the repo, or a fixture laid out like it)
 */
export function createConfig(rootDir) {
  return defineConfig(
    {
      name: 'tsvirt/ignores',
      ignores: [
        '**/dist/**',
        '**/node_modules/**',
        '**/coverage/**',
        '**/test/fixtures/**',
        'test/layering/fixtures/**',
        '**/.turbo/**',
      ],
    },
    {
      name: 'tsvirt/typescript',
      files: ['**/*.{ts,mts,cts}'],
      extends: [tseslint.configs.recommended],
    },
    {
      name: 'tsvirt/layering',
      // src/ and test/ alike (tests follow their package's rule); plain JS helpers too.
      files: ['{packages,tools}/*/**/*.{ts,mts,cts,js,mjs,cjs}'],
      plugins: { boundaries: boundariesPlugin },
      settings: {
        'boundaries/root-path': rootDir,
        'boundaries/elements': [
          { type: 'package', pattern: 'packages/*', capture: ['pkg'], partialMatch: false },
          { type: 'tool', pattern: 'tools/*', capture: ['pkg'], partialMatch: false },
        ],
        'boundaries/dependency-nodes': ['import', 'export', 'dynamic-import', 'require'],
        'import/resolver': {
          typescript: {
            project: path.join(rootDir, 'tsconfig.eslint.json'),
            alwaysTryTypes: true,
          },
        },
      },
      rules: {
        'boundaries/dependencies': [
          'error',
          {
            default: 'allow',
            checkAllOrigins: true,
            policies: layeringPolicies(),
          },
        ],
      },
    },
  );
}

export default createConfig(path.dirname(fileURLToPath(import.meta.url)));
