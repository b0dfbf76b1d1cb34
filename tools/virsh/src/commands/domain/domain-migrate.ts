import { readFileSync } from 'node:fs';
import { connect, DomainMigrateFlags as MF, DomainMigrateParam as MP, typedInt, typedString, typedULLong, type TypedParameter } from '@tsvirt/api';
import { ErrorCode, VirError, errnoText } from '@tsvirt/util';
import type { OptDef } from '../../vsh/command-def.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { nonEmptyOpt, ullOpt } from '../../vsh/option-values.js';
import { VshError } from '../../vsh/vsh-error.js';
import { DOMAIN } from '../../domain-lookup.js';
import { objectCommand } from '../shared/object-command.js';
import { boolOpt, requireOpt } from '../shared/modify-impact.js';
import { watchMigration } from './migrate-watch.js';

/** The boolean options and the flag each sets, in virsh's order. */
const FLAG_OPTS: ReadonlyArray<[string, number, string]> = [
  ['live', MF.LIVE, 'live migration'],
  ['offline', MF.OFFLINE, 'offline migration'],
  ['p2p', MF.PEER2PEER, 'peer-2-peer migration'],
  ['direct', 0, 'direct migration'],
  ['tunnelled', MF.TUNNELLED, 'tunnelled migration'],
  ['persistent', MF.PERSIST_DEST, 'persist VM on destination'],
  ['undefinesource', MF.UNDEFINE_SOURCE, 'undefine VM on source'],
  ['suspend', MF.PAUSED, 'do not restart the domain on the destination host'],
  ['copy-storage-all', MF.NON_SHARED_DISK, 'migration with non-shared storage with full disk copy'],
  ['copy-storage-inc', MF.NON_SHARED_INC, 'migration with non-shared storage with incremental copy (same base image shared between source and destination)'],
  ['copy-storage-synchronous-writes', MF.NON_SHARED_SYNCHRONOUS_WRITES, 'force guest disk writes to be synchronously written to the destination to improve storage migration convergence'],
  ['change-protection', MF.CHANGE_PROTECTION, 'prevent any configuration changes to domain until migration ends'],
  ['unsafe', MF.UNSAFE, 'force migration even if it may be unsafe'],
  ['verbose', 0, 'display the progress of migration'],
  ['compressed', MF.COMPRESSED, 'compress repeated pages during live migration'],
  ['auto-converge', MF.AUTO_CONVERGE, 'force convergence during live migration'],
  ['rdma-pin-all', MF.RDMA_PIN_ALL, 'pin all memory before starting RDMA live migration'],
  ['abort-on-error', MF.ABORT_ON_ERROR, 'abort on soft errors during migration'],
  ['postcopy', MF.POSTCOPY, 'enable post-copy migration; switch to it using migrate-postcopy command'],
  ['postcopy-after-precopy', 0, 'automatically switch to post-copy migration after one pass of pre-copy'],
  ['postcopy-resume', MF.POSTCOPY_RESUME, 'resume failed post-copy migration'],
  ['zerocopy', MF.ZEROCOPY, 'use zero-copy mechanism for migrating memory pages'],
];

const str = (name: string, help: string): OptDef => ({ name, type: 'string', help });
const num = (name: string, help: string): OptDef => ({ name, type: 'int', help });

const OPTIONS: OptDef[] = [
  { name: 'desturi', type: 'string', positional: true, required: true, help: 'connection URI of the destination host as seen from the client(normal migration) or source(p2p migration)' },
  ...FLAG_OPTS.map(([name, , help]) => boolOpt(name, help)),
  str('migrateuri', 'migration URI, usually can be omitted'),
  str('graphicsuri', 'graphics URI to be used for seamless graphics migration'),
  str('listen-address', 'listen address that destination should bind to for incoming migration'),
  str('dname', 'rename to new name during migration (if supported)'),
  num('timeout', 'run action specified by --timeout-* option (suspend by default) if live migration exceeds timeout (in seconds)'),
  boolOpt('timeout-suspend', 'suspend the guest after timeout'),
  boolOpt('timeout-postcopy', 'switch to post-copy after timeout'),
  str('xml', 'filename containing updated XML for the target'),
  str('migrate-disks', 'comma separated list of disks to be migrated'),
  num('disks-port', 'port to use by target server for incoming disks migration'),
  str('disks-uri', 'URI to use for disks migration (overrides --disks-port)'),
  str('comp-methods', 'comma separated list of compression methods to be used'),
  num('comp-mt-level', 'compress level for multithread compression'),
  num('comp-mt-threads', 'number of compression threads for multithread compression'),
  num('comp-mt-dthreads', 'number of decompression threads for multithread compression'),
  num('comp-xbzrle-cache', 'page cache size for xbzrle compression'),
  num('auto-converge-initial', 'initial CPU throttling rate for auto-convergence'),
  num('auto-converge-increment', 'CPU throttling rate increment for auto-convergence'),
  str('persistent-xml', 'filename containing updated persistent XML for the target'),
  boolOpt('tls', 'use TLS for migration'),
  num('postcopy-bandwidth', 'post-copy migration bandwidth limit in MiB/s'),
  boolOpt('parallel', 'enable parallel migration'),
  num('parallel-connections', 'number of connections for parallel migration'),
  num('bandwidth', 'migration bandwidth limit in MiB/s'),
  str('tls-destination', 'override the destination host name used for TLS verification'),
];

/** A file of XML for the destination, with libvirt's words when it cannot be read. */
function readXML(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new VirError(ErrorCode.SYSTEM_ERROR, `cannot read file '${path}': ${errnoText(e as NodeJS.ErrnoException)}`);
  }
}

/** An int option that must not be negative (vshCommandOptInt, then virsh's own range check). */
function intParam(cmd: ParsedCommand, opt: string, field: string): TypedParameter[] {
  const v = cmd.int(opt);
  if (v === undefined) return [];
  if (v < 0) throw new VshError(`Numeric value '${cmd.string(opt)}' for <${opt}> option is malformed or out of range`);
  return [typedInt(field, v)];
}

/** virsh's typed parameters for the migration, from the value options. */
function migrateParams(cmd: ParsedCommand): TypedParameter[] {
  const params: TypedParameter[] = [];
  const strings: ReadonlyArray<[string, string]> = [
    ['migrateuri', MP.URI], ['disks-uri', MP.DISKS_URI], ['graphicsuri', MP.GRAPHICS_URI], ['listen-address', MP.LISTEN_ADDRESS],
    ['dname', MP.DEST_NAME], ['tls-destination', MP.TLS_DESTINATION],
  ];
  for (const [opt, field] of strings) {
    const v = nonEmptyOpt(cmd, opt);
    if (v !== undefined) params.push(typedString(field, v));
  }
  params.push(...intParam(cmd, 'disks-port', MP.DISKS_PORT));
  for (const disk of nonEmptyOpt(cmd, 'migrate-disks')?.split(',') ?? []) params.push(typedString(MP.MIGRATE_DISKS, disk));
  for (const method of nonEmptyOpt(cmd, 'comp-methods')?.split(',') ?? []) params.push(typedString(MP.COMPRESSION, method));
  params.push(...intParam(cmd, 'comp-mt-level', MP.COMPRESSION_MT_LEVEL), ...intParam(cmd, 'comp-mt-threads', MP.COMPRESSION_MT_THREADS),
    ...intParam(cmd, 'comp-mt-dthreads', MP.COMPRESSION_MT_DTHREADS));
  const cache = ullOpt(cmd, 'comp-xbzrle-cache');
  if (cache !== undefined) params.push(typedULLong(MP.COMPRESSION_XBZRLE_CACHE, cache));
  const xml = nonEmptyOpt(cmd, 'xml');
  if (xml !== undefined) params.push(typedString(MP.DEST_XML, readXML(xml)));
  const persistentXML = nonEmptyOpt(cmd, 'persistent-xml');
  if (persistentXML !== undefined) params.push(typedString(MP.PERSIST_XML, readXML(persistentXML)));
  params.push(...intParam(cmd, 'auto-converge-initial', MP.AUTO_CONVERGE_INITIAL),
    ...intParam(cmd, 'auto-converge-increment', MP.AUTO_CONVERGE_INCREMENT));
  for (const [opt, field] of [['bandwidth', MP.BANDWIDTH], ['postcopy-bandwidth', MP.BANDWIDTH_POSTCOPY]] as const) {
    const v = ullOpt(cmd, opt);
    if (v !== undefined) params.push(typedULLong(field, v));
  }
  params.push(...intParam(cmd, 'parallel-connections', MP.PARALLEL_CONNECTIONS));
  return params;
}

export const migrate = objectCommand({
  name: 'migrate',
  group: 'domain',
  help: 'migrate domain to another host',
  desc: 'Migrate domain to another host.  Add --live for live migration.',
  object: DOMAIN,
  options: OPTIONS,
  check(cmd) {
    cmd.exclusive('live', 'offline');
    cmd.exclusive('timeout-suspend', 'timeout-postcopy');
    requireOpt(cmd, 'postcopy-after-precopy', 'postcopy');
    requireOpt(cmd, 'timeout-postcopy', 'postcopy');
    requireOpt(cmd, 'persistent-xml', 'persistent');
    const timeout = cmd.int('timeout');
    if (timeout !== undefined && timeout < 0) throw new VshError('migrate: Invalid timeout');
    if (timeout !== undefined && !cmd.bool('live')) throw new VshError('migrate: Unexpected timeout for offline migration');
    if (timeout === undefined && (cmd.bool('timeout-suspend') || cmd.bool('timeout-postcopy'))) {
      throw new VshError('migrate: Unexpected --timeout-* option without --timeout');
    }
  },
  async run(dom, ctl, cmd) {
    const desturi = cmd.required('desturi');
    if (cmd.bool('copy-storage-synchronous-writes') && !cmd.bool('copy-storage-all') && !cmd.bool('copy-storage-inc')) {
      // virsh 9.0's words, the second option without its dashes
      throw new VshError("'--copy-storage-synchronous-writes' requires one of '--copy-storage-all', 'copy-storage-inc'");
    }
    const params = migrateParams(cmd);
    const flags = FLAG_OPTS.reduce((f, [name, flag]) => (cmd.bool(name) ? f | flag : f), 0);
    const watch = { verbose: cmd.bool('verbose'), timeoutMs: (cmd.int('timeout') ?? 0) * 1000, postcopy: cmd.bool('timeout-postcopy') };
    if (cmd.bool('p2p') || cmd.bool('direct')) {
      await watchMigration(ctl, dom, dom.migrateToURI3(desturi, params, flags), watch);
    } else {
      const dconn = await connect(desturi);
      try {
        await watchMigration(ctl, dom, dom.migrate3(dconn, params, flags), watch);
      } finally {
        await dconn.close();
      }
    }
    return true;
  },
});
