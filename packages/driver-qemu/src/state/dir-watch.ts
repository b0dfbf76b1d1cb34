import { watch, type FSWatcher } from 'node:fs';

/**
 * An inotify watch of one directory (Node's `fs.watch`): whether any entry in it was created,
 * removed, renamed, changed or had its attributes set since the last `take()`, or the watch
 * broke. The watch follows the directory's inode: a directory replaced under its path is not
 * this one, and needs a watch of its own. The kernel queues an event when the change is made, so
 * the event loop runs this watch's callback before it reads anything sent after the change (epoll
 * hands out descriptors in the order they became ready). A caller whose requests arrive through the event loop (a daemon's
 * clients) may therefore trust a quiet watch; a caller that ran another process synchronously and
 * reads in the same tick may not (the event is still in the kernel's queue).
 */
export class DirWatch {
  #watcher: FSWatcher | undefined;
  /** Nothing heard yet: the caller looks at the directory right after making the watch. */
  #changed = false;
  #broken = false;

  constructor(dir: string) {
    try {
      // not persistent: the watch never keeps the process alive
      this.#watcher = watch(dir, { persistent: false }, () => (this.#changed = true));
      this.#watcher.on('error', () => this.close());
    } catch {
      this.close();
    }
  }

  /** Whether the directory may have changed since the last call (always, once broken); resets. */
  take(): boolean {
    const changed = this.#changed || this.#broken;
    this.#changed = false;
    return changed;
  }

  /** Whether the watch no longer tells (closed, the directory missing, inotify's error). */
  get broken(): boolean {
    return this.#broken;
  }

  close(): void {
    this.#broken = true;
    this.#watcher?.close();
    this.#watcher = undefined;
  }
}
