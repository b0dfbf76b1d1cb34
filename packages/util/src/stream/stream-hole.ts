const BRAND = Symbol.for('tsvirt.StreamHole');

/**
 * A run of zeros a sparse stream skips instead of carrying (libvirt's stream holes,
 * virStreamSendHole/virStreamRecvHole): the reader of a volume yields one where the volume has a
 * hole, the writer recreates it as a hole.
 */
export class StreamHole {
  readonly [BRAND] = true;
  constructor(
    /** How many bytes of zeros the hole stands for. */
    readonly length: bigint,
  ) {}
}

/** What a storage volume stream carries: data, and holes when it is sparse. */
export type StreamChunk = Uint8Array | StreamHole;

/** Whether a chunk is a hole (a brand check, true across copies of this package). */
export const isStreamHole = (chunk: unknown): chunk is StreamHole =>
  typeof chunk === 'object' && chunk !== null && (chunk as Record<symbol, unknown>)[BRAND] === true;
