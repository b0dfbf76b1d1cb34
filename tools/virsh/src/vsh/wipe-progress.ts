import type { StorageVol, StorageVolWipeOptions } from '@tsvirt/api';
import { progressBar, type ProgressStream } from './progress-bar.js';

/**
 * Wipes `vol` (the zero algorithm with the plain call, the others with the pattern call) under a
 * progress bar on a terminal: the driver's onProgress (tsvirt's extension) feeds the bytes, rate
 * and ETA. Over remote the protocol carries no progress: the bar then shows the volume's size and
 * the time the wipe takes, and is full when it ends.
 */
export async function wipeWithProgress(vol: StorageVol, label: string, algorithm: number, stream: ProgressStream = process.stderr): Promise<void> {
  const total = stream.isTTY === true ? (await vol.getInfo().catch(() => undefined))?.allocation : undefined;
  const progress = progressBar(`vol-wipe ${label}`, total, stream);
  const options: StorageVolWipeOptions = { onProgress: (done) => progress.set(done) };
  try {
    await (algorithm === 0 ? vol.wipe(0, options) : vol.wipePattern(algorithm, 0, options));
  } catch (e) {
    progress.finish();
    throw e;
  }
  progress.finish(true);
}
