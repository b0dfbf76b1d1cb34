import { watch } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { constants } from 'node:os';

/** How a container's init ended, as the helper's outer process recorded it (`--end-file`). */
export interface InitEnd {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

function parse(text: string): InitEnd | undefined {
  const m = /^(exit|signal) (\d+)$/.exec(text.trim());
  if (!m) return undefined;
  if (m[1] === 'exit') return { code: Number(m[2]), signal: null };
  const name = Object.entries(constants.signals).find(([, n]) => n === Number(m[2]))?.[0] as NodeJS.Signals | undefined;
  return { code: null, signal: name ?? null };
}

/**
 * Resolves when the helper has recorded init's end in `file` (the controller need not be the
 * helper's parent: the driver starts the container and the controller adopts it), removing the
 * record. Watches the directory, and looks once a second as well in case an event is missed.
 */
export function initEnded(file: string): Promise<InitEnd> {
  return new Promise((resolve) => {
    let done = false;
    const look = async () => {
      if (done) return;
      const end = parse(await readFile(file, 'utf8').catch(() => ''));
      if (!end || done) return;
      done = true;
      watcher.close();
      clearInterval(timer);
      await rm(file, { force: true });
      resolve(end);
    };
    const watcher = watch(dirname(file), (_, name) => {
      if (name === basename(file)) void look();
    });
    const timer = setInterval(() => void look(), 1000);
    void look();
  });
}
