import { describe, expect, it } from 'vitest';
import { clock, humanBytes, progressBar, progressLine } from '../src/vsh/progress-bar.js';

const MiB = 1024n * 1024n;

describe('progress bar', () => {
  it('formats bytes, rate and time left, cut to the terminal', () => {
    expect([humanBytes(0), humanBytes(1023), humanBytes(1536), humanBytes(5n * 1024n * MiB)]).toEqual(['0 B', '1023 B', '1.5 KiB', '5.0 GiB']);
    expect([clock(0), clock(65), clock(3725)]).toEqual(['0:00', '1:05', '1:02:05']);
    expect(progressLine('up', 256n * MiB, 1024n * MiB, 2000, 200)).toBe('up [#####---------------]  25% 256.0 MiB / 1.0 GiB 128.0 MiB/s ETA 0:06');
    expect(progressLine('wipe', 0n, undefined, 3000, 200)).toBe('wipe 0 B 0 B/s 0:03');
    expect(progressLine('a-very-long-volume-name', 256n * MiB, 1024n * MiB, 2000, 80)).toBe(
      'a-very-lo… [#####---------------]  25% 256.0 MiB / 1.0 GiB 128.0 MiB/s ETA 0:06');
    expect(progressLine('up', 256n * MiB, 1024n * MiB, 2000, 20)).toHaveLength(19);
  });

  it('draws on a terminal only, in place, at most ten times a second, and ends its line', () => {
    const written: string[] = [];
    let t = 0;
    const tty = { isTTY: true, columns: 100, write: (s: string) => written.push(s) };
    const bar = progressBar('dl', 100n * MiB, tty, () => t);
    bar.add(10n * MiB);
    t = 50;
    bar.add(10n * MiB);
    t = 150;
    bar.add(10n * MiB);
    bar.finish();
    expect(written.filter((w) => w.startsWith('\r\x1b[K'))).toHaveLength(3);
    expect(written.at(-2)).toContain(' 30% ');
    expect(written.at(-1)).toBe('\n');

    const quiet: string[] = [];
    const pipe = progressBar('dl', 1n, { isTTY: false, write: (s: string) => quiet.push(s) });
    pipe.add(1n);
    pipe.finish(true);
    expect(quiet).toEqual([]);
  });
});
