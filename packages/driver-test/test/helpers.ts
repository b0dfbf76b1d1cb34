import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { addDriverImporter, connect, type Connection } from '@tsvirt/api';

// The registry finds this package from the working directory; naming an importer here makes the
// tests independent of where vitest is started from (the isolated-node_modules story of api's README).
addDriverImporter((s) => import(s));

/** A minimal domain the test driver accepts. */
export function domainXML(name: string, opts: { uuid?: string; memoryKiB?: number; onReboot?: string } = {}): string {
  return `<domain type='test'>
  <name>${name}</name>
  <uuid>${opts.uuid ?? randomUUID()}</uuid>
  <memory unit='KiB'>${opts.memoryKiB ?? 1048576}</memory>
  <vcpu placement='static'>1</vcpu>
  <os>
    <type arch='i686'>hvm</type>
  </os>${opts.onReboot ? `\n  <on_reboot>${opts.onReboot}</on_reboot>` : ''}
</domain>
`;
}

let n = 0;
/** A name no other test in this process uses (test:///default is shared per process). */
export const uniqueName = (what: string): string => `dt-${what}-${process.pid}-${++n}`;

export const defaultConn = (): Promise<Connection> => connect('test:///default');

export { virErrorOf } from '@tsvirt/api/testing';

/** The custom config of libvirt's test suite, shared beside the repository. */
export const TESTNODE_XML = fileURLToPath(new URL('../../../../shared/libvirt-tests/test-driver/testnode.xml', import.meta.url));
