import { watch, type FSWatcher } from 'node:fs';

/**
 * An inotify watch of a few directories (Node's `fs.watch`): whether any entry in them was
 * created, removed, renamed, changed or had its attributes set since the last `take()`, or the
 * watch broke. The kernel queues an event when the change is made, so the event loop runs this
 * watch's callback before it reads anything sent after the change (epoll hands out descriptors in
 * the order they became ready). A caller whose requests arrive through the event loop (a daemon's
 * clients) may therefore trust a quiet watch; a caller that ran another process synchronously and
 * reads in the same tick may not (the event is still in the kernel's queue).
 */
export class DirWatch {
  readonly #watchers: FSWatcher[] = [];
  /** Nothing heard yet: the caller looks at the directories right after making the watch. */
  #changed = false;
  #broken = false;

  constructor(dirs: readonly string[]) {
    try {
      for (const dir of dirs) {
        // not persistent: the watch never keeps the process alive
        const w = watch(dir, { persistent: false }, () => (this.#changed = true));
        w.on('error', () => this.close());
        this.#watchers.push(w);
      }
    } catch {
      this.close();
    }
  }

  /** Whether the directories may have changed since the last call (always, once broken); resets. */
  take(): boolean {
    const changed = this.#changed || this.#broken;
    this.#changed = false;
    return changed;
  }

  /** Whether the watch no longer tells (closed, a directory missing, inotify's error). */
  get broken(): boolean {
    return this.#broken;
  }

  close(): void {
    this.#broken = true;
    for (const w of this.#watchers.splice(0)) w.close();
  }
}
