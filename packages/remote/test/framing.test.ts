import { describe, expect, it } from 'vitest';
import {
  callHeader,
  decodeArgs,
  decodeFrame,
  encodeCall,
  encodeStreamData,
  FrameReader,
  MAX_FRAME,
  remote,
  remote_program,
  XdrError,
  decode,
  encode,
} from '../src/protocol.js';

const lookup = remote.REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME;

describe('frames', () => {
  it('a call carries its length word, header and arguments', () => {
    const f = encodeCall(remote_program, lookup, 7, { name: 'test' });
    expect(new DataView(f.buffer, f.byteOffset).getUint32(0)).toBe(f.length);
    const { header, payload } = decodeFrame(f);
    expect(header).toEqual(callHeader(remote.REMOTE_PROGRAM, 1, lookup, 7));
    expect(decodeArgs(header, payload)).toEqual({ name: 'test' });
  });

  it('the frame reader splits a byte stream cut anywhere, and refuses a length over the limit at once', () => {
    const frames = [1, 2, 3].map((s) => encodeCall(remote_program, lookup, s, { name: `dom${'x'.repeat(s * 3)}` }));
    const all = Buffer.concat(frames);
    for (const cut of [1, 3, 5, 17, all.length]) {
      const r = new FrameReader();
      const got: Uint8Array[] = [];
      for (let i = 0; i < all.length; i += cut) got.push(...r.push(all.subarray(i, i + cut)));
      expect(got.map((g) => Buffer.from(g).toString('hex'))).toEqual(frames.map((g) => Buffer.from(g).toString('hex')));
      expect(r.pending).toBe(0);
    }
    const huge = new Uint8Array(4);
    new DataView(huge.buffer).setUint32(0, MAX_FRAME + 1);
    expect(() => new FrameReader().push(huge)).toThrow(/too large/);
    new DataView(huge.buffer).setUint32(0, 8);
    expect(() => new FrameReader().push(huge)).toThrow(/too small/);
  });

  it('stream data is raw bytes, not XDR opaque', () => {
    const f = encodeStreamData(callHeader(remote.REMOTE_PROGRAM, 1, remote.REMOTE_PROC_STORAGE_VOL_DOWNLOAD, 9), new Uint8Array([1, 2, 3]));
    expect(f.length).toBe(31);
    expect(decodeFrame(f).payload).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('a large value grows the writer', () => {
    const domains = Array.from({ length: 2000 }, (_, i) => ({ name: `d${i}`, uuid: new Uint8Array(16).fill(i & 255), id: i }));
    const v = { domains, ret: 2000 };
    expect(decode(remote.remote_connect_list_all_domains_ret, encode(remote.remote_connect_list_all_domains_ret, v))).toEqual(v);
    expect(() => decode(remote.remote_connect_list_all_domains_ret, new Uint8Array(3))).toThrow(XdrError);
  });
});
