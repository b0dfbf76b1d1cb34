// Two qemu:///embed roots for the migration benches, through the built API bundle (driver-qemu and
// secondary-storage loaded from their bundles): `fn` gets the API, a connection to each and their
// directories; the connections are closed and the roots removed after it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUNDLES = { '@tsvirt/driver-qemu': 'driver-qemu', '@tsvirt/secondary-storage': 'secondary-storage' };

export async function withEmbedPair(prefix, fn) {
  const api = await import(pathToFileURL(join(root, 'packages/api/dist/bundle/index.js')).href);
  api.addDriverImporter(async (s) => (BUNDLES[s] ? import(pathToFileURL(join(root, `packages/${BUNDLES[s]}/dist/bundle/index.js`)).href) : undefined));
  const dirs = [mkdtempSync(join(tmpdir(), `${prefix}-a-`)), mkdtempSync(join(tmpdir(), `${prefix}-b-`))];
  const conns = await Promise.all(dirs.map((d) => api.connect(`qemu:///embed?root=${d}`)));
  try {
    return await fn(api, conns, dirs);
  } finally {
    for (const c of conns) await c.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
