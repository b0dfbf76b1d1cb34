/** Where a progress bar is drawn: a terminal stream (process.stderr), or anything shaped like one in tests. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

/** A task's progress as a command reports it. */
export interface Progress {
  /** Bytes done so far, in all. */
  set(done: bigint): void;
  /** Bytes done since the last report. */
  add(bytes: bigint): void;
  /** The task ended: the bar is drawn a last time (full, when `complete`) and the line ended. */
  finish(complete?: boolean): void;
}

const NONE: Progress = { set: () => undefined, add: () => undefined, finish: () => undefined };
/** Redraws at most this often, so that a fast copy does not spend its time drawing. */
const REDRAW_MS = 100;
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** Bytes in binary units with one decimal (`512.0 MiB`); exact bytes below 1 KiB. */
export function humanBytes(n: bigint | number): string {
  let v = Number(n);
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${UNITS[u]}`;
}

/** A duration as m:ss or h:mm:ss. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const [h, m, r] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const two = (x: number): string => String(x).padStart(2, '0');
  return h ? `${h}:${two(m)}:${two(r)}` : `${m}:${two(r)}`;
}

/**
 * One line of a progress bar: the label, a bar and percentage when the total is known, the bytes
 * done, the rate and the time left (elapsed time when the total is unknown), cut to the width.
 */
export function progressLine(label: string, done: bigint, total: bigint | undefined, elapsedMs: number, width: number): string {
  const secs = elapsedMs / 1000;
  const rate = secs > 0 ? Number(done) / secs : 0;
  let parts: string[];
  if (total !== undefined && total > 0n) {
    const frac = Math.min(1, Number(done) / Number(total));
    const cells = 20;
    const full = Math.round(frac * cells);
    parts = [`[${'#'.repeat(full)}${'-'.repeat(cells - full)}]`, `${(frac * 100).toFixed(0).padStart(3)}%`,
      `${humanBytes(done)} / ${humanBytes(total)}`, `${humanBytes(rate)}/s`,
      `ETA ${rate > 0 ? clock(Number(total - (done < total ? done : total)) / rate) : '--:--'}`];
  } else {
    parts = [humanBytes(done), `${humanBytes(rate)}/s`, clock(secs)];
  }
  const figures = parts.join(' ');
  // The figures matter more than the label: a long label is cut first, then the line.
  const room = width - 2 - figures.length;
  const shown = label.length <= room ? label : room > 1 ? `${label.slice(0, room - 1)}…` : '';
  const line = shown ? `${shown} ${figures}` : figures;
  return line.length > width - 1 ? line.slice(0, width - 1) : line;
}

/**
 * A progress bar on `stream` when it is a terminal (nothing at all otherwise, so pipes and
 * scripts see virsh's output unchanged), redrawn in place on one line.
 */
export function progressBar(label: string, total: bigint | undefined, stream: ProgressStream = process.stderr, now = (): number => Date.now()): Progress {
  if (stream.isTTY !== true) return NONE;
  const start = now();
  let done = 0n;
  let drawn = 0;
  // A task that reports nothing for a while still shows its clock moving.
  const timer = setInterval(() => draw(), 1000).unref();
  const draw = (): void => {
    drawn = now();
    stream.write(`\r\x1b[K${progressLine(label, done, total, drawn - start, stream.columns ?? 80)}`);
  };
  draw();
  return {
    set(n) {
      done = n;
      if (now() - drawn >= REDRAW_MS) draw();
    },
    add(n) {
      this.set(done + n);
    },
    finish(complete = false) {
      clearInterval(timer);
      if (complete && total !== undefined) done = total;
      draw();
      stream.write('\n');
    },
  };
}

/**
 * Runs `task` with a progress bar fed by polling `measure` (what a volume being made holds so
 * far) four times a second: for work the API reports no progress of.
 */
export async function withPolledProgress<T>(label: string, total: bigint | undefined, measure: () => Promise<bigint | undefined>, task: () => Promise<T>): Promise<T> {
  const progress = progressBar(label, total);
  let polling = true;
  const poll = async (): Promise<void> => {
    while (polling) {
      const n = await measure().catch(() => undefined);
      if (n !== undefined) progress.set(n);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const poller = poll();
  try {
    const result = await task();
    polling = false;
    await poller;
    progress.finish(true);
    return result;
  } catch (e) {
    polling = false;
    await poller;
    progress.finish();
    throw e;
  }
}
