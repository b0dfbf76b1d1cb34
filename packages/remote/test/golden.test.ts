import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  decodeArgs,
  decodeError,
  decodeEvent,
  decodeFrame,
  decodeRet,
  encodeCall,
  encodeErrorReply,
  encodeEvent,
  encodeReply,
  encodeStreamData,
  procedureOf,
} from '../src/protocol.js';
import { VIR_NET_CALL, VIR_NET_ERROR, VIR_NET_MESSAGE, VIR_NET_REPLY, VIR_NET_STREAM } from '../src/generated/virnet-protocol.js';
import { virErrorFromWire } from '../src/protocol/error.js';

interface Capture {
  virsh: string[];
  frames: { dir: 'c2s' | 's2c'; hex: string }[];
}

const dir = new URL('./fixtures/golden/', import.meta.url);
const captures = readdirSync(dir).filter((f) => f.endsWith('.json'));

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

// Frames recorded between Debian's virsh 9.0 and libvirtd 9.0 (scripts/capture-golden.mjs): each
// one decodes, and encodes again to the very same bytes.
describe('golden bytes of virsh ↔ libvirtd traffic', () => {
  it('has captures', () => expect(captures.length).toBeGreaterThanOrEqual(6));
  for (const file of captures) {
    const cap = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Capture;
    it(`${file}: virsh ${cap.virsh.join(' ')}`, () => {
      for (const f of cap.frames) {
        const bytes = Buffer.from(f.hex, 'hex');
        const { header, payload } = decodeFrame(bytes);
        const { program, procedure } = procedureOf(header.prog, header.proc);
        let again: Uint8Array;
        if (header.type === VIR_NET_CALL) {
          again = encodeCall(program, header.proc, header.serial, decodeArgs(header, payload));
        } else if (header.type === VIR_NET_REPLY && header.status === VIR_NET_ERROR) {
          const err = decodeError(payload);
          expect(virErrorFromWire(err).message).toBe(err.message);
          again = encodeErrorReply(header, err);
        } else if (header.type === VIR_NET_REPLY) {
          again = encodeReply(program, header.proc, header.serial, decodeRet(header, payload));
        } else if (header.type === VIR_NET_MESSAGE) {
          again = encodeEvent(program, header.proc, decodeEvent(header, payload));
        } else if (header.type === VIR_NET_STREAM) {
          again = encodeStreamData(header, payload.length ? payload : null);
        } else throw new Error(`unexpected frame type ${header.type} (${procedure.name})`);
        expect(hex(again), `${f.dir} ${procedure.name}`).toBe(f.hex);
      }
    });
  }

  it('decodes a server error into the VirError virsh printed', () => {
    const cap = JSON.parse(readFileSync(new URL('dominfo-missing.json', dir), 'utf8')) as Capture;
    const errors = cap.frames
      .map((f) => decodeFrame(Buffer.from(f.hex, 'hex')))
      .filter((f) => f.header.status === VIR_NET_ERROR)
      .map((f) => virErrorFromWire(decodeError(f.payload)));
    // the test driver's by-name lookup answers VIR_ERR_NO_DOMAIN from VIR_FROM_TEST with no detail
    expect(errors.map((e) => [e.code, e.domain, e.message, e.detail])).toEqual([[42, 12, 'Domain not found', undefined]]);
  });
});
