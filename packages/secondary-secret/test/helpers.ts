import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addDriverImporter, connect, type Connection, type ConnectionDriver, type OpenContext } from '@tsvirt/api';

/** What the stand-in hypervisor was last opened with: its `connect` opens a driver's own (internal) connection. */
export let lastContext: OpenContext | undefined;

/**
 * A stand-in for the QEMU driver: it answers qemu:// URIs with no entry points, so the
 * connection's secret calls reach this package's driver alone (a driver's tests may not load
 * another driver).
 */
const hypervisorStub: { driver: ConnectionDriver } = {
  driver: {
    name: 'QEMU', schemes: ['qemu'], localOnly: true,
    open: async (ctx) => {
      lastContext = ctx;
      return { close: async () => undefined };
    },
  },
};

addDriverImporter(async (specifier) => {
  if (specifier === '@tsvirt/secondary-secret') return import('../src/index.js');
  return specifier === '@tsvirt/driver-qemu' ? hypervisorStub : undefined;
});

/** A fresh embed root in a temporary directory with a connection to it; `remove` closes and deletes both. */
export async function openEmbedRoot(): Promise<{ root: string; uri: string; conn: Connection; remove: () => Promise<void> }> {
  const root = mkdtempSync(join(tmpdir(), 'tsvirt-secretdrv-'));
  const uri = `qemu:///embed?root=${root}`;
  const conn = await connect(uri);
  const remove = async (): Promise<void> => {
    await conn.close();
    rmSync(root, { recursive: true, force: true });
  };
  return { root, uri, conn, remove };
}
