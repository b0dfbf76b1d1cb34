#!/usr/bin/env node
import './tier-up.js';
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
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
  // Drivers resolve from where this package's dependencies are installed, by their real path: a
  // driver loaded through the symlink in our node_modules was seen (Node 20, restart with domains
  // running) to load its whole graph by symlinked paths, where its dependencies' own
  // dependencies cannot be found.
  addDriverImporter((s) => import(pathToFileURL(realpathSync(fileURLToPath(import.meta.resolve(s)))).href));
  // Signals are taken before starting: the sockets accept clients before start() has finished
  // opening the root, and a SIGTERM then must still stop cleanly.
  const run: { daemon?: Daemon; stopAsked: boolean } = { stopAsked: false };
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.once(sig, () => {
      run.stopAsked = true;
      void run.daemon?.stop();
    });
  }
  const daemon = await Daemon.start(cmd.options);
  run.daemon = daemon;
  if (run.stopAsked) void daemon.stop();
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
