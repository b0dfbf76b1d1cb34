/**
 * Splits a byte stream into frames. The length word is checked as soon as it arrives, so a frame
 * over libvirt's limit is refused before any of it is buffered. The dummy bytes that carry a
 * frame's file descriptors (one each, after a `*_WITH_FDS` frame) are not part of any frame and
 * are skipped, whether or not the descriptors were received.
 */
import { checkFrameLength, fdCountOf } from './header.js';

export class FrameReader {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private want = 0;
  /** Descriptor carrier bytes still to skip. */
  private carriers = 0;

  /** Adds bytes from the wire; returns the whole frames they complete (length words included). */
  push(data: Uint8Array): Uint8Array[] {
    const frames: Uint8Array[] = [];
    this.chunks.push(data);
    this.buffered += data.length;
    for (;;) {
      if (this.carriers > 0) {
        const n = Math.min(this.carriers, this.buffered);
        if (n > 0) this.take(n);
        this.carriers -= n;
        if (this.carriers > 0) break;
      }
      if (this.want === 0) {
        if (this.buffered < 4) break;
        const head = this.peek(4);
        this.want = checkFrameLength(((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!) >>> 0);
      }
      if (this.buffered < this.want) break;
      const frame = this.take(this.want);
      this.carriers = fdCountOf(frame);
      frames.push(frame);
      this.want = 0;
    }
    return frames;
  }

  /** Bytes held for a frame not yet complete. */
  get pending(): number {
    return this.buffered;
  }

  /** Carrier bytes of the last frame's descriptors not read yet. */
  get carriersPending(): number {
    return this.carriers;
  }

  private peek(n: number): Uint8Array {
    const first = this.chunks[0]!;
    if (first.length >= n) return first.subarray(0, n);
    const all = concat(this.chunks, this.buffered);
    this.chunks = [all];
    return all.subarray(0, n);
  }

  private take(n: number): Uint8Array {
    let first = this.chunks[0]!;
    if (first.length < n) {
      first = concat(this.chunks, this.buffered);
      this.chunks = [first];
    }
    const out = first.subarray(0, n);
    if (first.length === n) this.chunks.shift();
    else this.chunks[0] = first.subarray(n);
    this.buffered -= n;
    return out;
  }
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
