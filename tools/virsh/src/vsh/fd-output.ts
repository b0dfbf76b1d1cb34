import { fstatSync, writeSync } from 'node:fs';

type Fd = 1 | 2;

/** The standard streams that took over a descriptor that refused a synchronous write. */
const streams = new Map<Fd, NodeJS.WriteStream>();
/** Descriptors whose reader went away: their output is dropped, as virsh's would be. */
const closed = new Set<Fd>();

/**
 * Writes to standard output or error straight through its descriptor. Creating `process.stdout`
 * loads Node's stream machinery, which a short command would pay for on every start; a write to a
 * descriptor a parent made non-blocking (EAGAIN) goes on through the stream, which waits for it.
 */
export function writeFd(fd: Fd, text: string): void {
  if (closed.has(fd) || text === '') return;
  const stream = streams.get(fd);
  if (stream) {
    stream.write(text);
    return;
  }
  const buf = Buffer.from(text);
  let done = 0;
  while (done < buf.length) {
    try {
      done += writeSync(fd, buf, done);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') {
        closed.add(fd);
        return;
      }
      if (code !== 'EAGAIN') throw e;
      const s = fd === 1 ? process.stdout : process.stderr;
      streams.set(fd, s);
      s.write(buf.subarray(done));
      return;
    }
  }
}

/** Whether a descriptor is a terminal or another character device, where output is shown at once. */
export function isCharDevice(fd: Fd): boolean {
  try {
    return fstatSync(fd).isCharacterDevice();
  } catch {
    return false;
  }
}
