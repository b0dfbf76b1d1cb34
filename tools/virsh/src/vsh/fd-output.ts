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

/** Linux's major number of the memory devices (/dev/null, /dev/zero, /dev/full). */
const MEM_MAJOR = 1;

/**
 * Whether a descriptor is a terminal or another character device that shows output as it comes
 * (virsh's stdio buffers by line there). `fstat` rather than `tty.isatty`, which would load Node's
 * tty and net modules on every start; the memory devices are character devices too, but output
 * sent to /dev/null is gathered as for a file or a pipe, as stdio fully buffers it.
 */
export function isCharDevice(fd: Fd): boolean {
  try {
    const st = fstatSync(fd);
    return st.isCharacterDevice() && ((st.rdev >> 8) & 0xfff) !== MEM_MAJOR;
  } catch {
    return false;
  }
}
