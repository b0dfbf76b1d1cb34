#!/usr/bin/env node
import { createRequire } from 'node:module';
import { addDriverImporter } from '@tsvirt/api';
import { Daemon } from './daemon.js';
import { USAGE, parseDaemonArgs } from './options.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** tsvirtd's command line: start serving, stop cleanly on SIGTERM/SIGINT (domains keep running). */
async function main(argv: readonly string[]): Promise<number> {
  const cmd = parseDaemonArgs(argv);
  if (cmd.kind !== 'run') {
    process.stdout.write(cmd.kind === 'help' ? USAGE : `tsvirtd (tsvirt) ${version}\n`);
    return 0;
  }
  // Drivers resolve from where this package's dependencies are installed.
  addDriverImporter((s) => import(s));
  const daemon = await Daemon.start(cmd.options);
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(sig, () => void daemon.stop());
  await daemon.stopped;
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`tsvirtd: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
