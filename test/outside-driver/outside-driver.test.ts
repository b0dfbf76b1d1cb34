/**
 * A driver from outside packages/ plugs in without an edit to @tsvirt/api and passes the shared
 * driver suite. The test lays out an application as npm would install it: the driver package
 * (`package/`, copied) and @tsvirt/api, conf and util in its node_modules, then runs the suite
 * from that application's directory. The driver is found by its package.json metadata
 * (`"tsvirt": { "schemes": ["mem"] }`), and registerDriver is checked as the explicit path.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');
const app = mkdtempSync(join(tmpdir(), `tsvirt-outside-${process.pid}-`));
mkdirSync(join(app, 'node_modules', '@tsvirt'), { recursive: true });
for (const pkg of ['api', 'conf', 'util']) symlinkSync(join(REPO, 'packages', pkg), join(app, 'node_modules', '@tsvirt', pkg), 'dir');
cpSync(join(HERE, 'package'), join(app, 'node_modules', 'tsvirt-driver-mem'), { recursive: true });
const previousDir = process.cwd();
process.chdir(app);

type Api = typeof import('../../packages/api/src/index.js');
type Testing = typeof import('../../packages/api/src/testing/index.js');
const api = (await import(pathToFileURL(join(app, 'node_modules/@tsvirt/api/dist/bundle/index.js')).href)) as Api;
const testing = (await import(pathToFileURL(join(app, 'node_modules/@tsvirt/api/dist/bundle/testing/index.js')).href)) as Testing;

afterAll(async () => {
  await api.unloadDrivers();
  process.chdir(previousDir);
  rmSync(app, { recursive: true, force: true });
});

describe('an outside driver package', () => {
  it('is not in the built-in table, and is found from its package.json metadata', () => {
    expect(api.DRIVER_REGISTRY['mem']).toBeUndefined();
    expect(api.driverEntry('mem')).toEqual({ package: 'tsvirt-driver-mem', secondary: [] });
  });

  it('registerDriver names it explicitly too', async () => {
    api.registerDriver('mem', 'tsvirt-driver-mem');
    expect(await api.registerDriverPackage('tsvirt-driver-mem')).toEqual(['mem']);
    const conn = await api.connect('mem:///');
    expect(await conn.getType()).toBe('MEM');
    await conn.close();
  });
});

testing.defineDriverSuite({
  name: 'outside mem driver', uri: 'mem:///', describe, it, expect, beforeAll, afterAll,
  makeDomainXML: (name) => `<domain type='test'><name>${name}</name><memory>1024</memory><os><type>hvm</type></os></domain>`,
});
