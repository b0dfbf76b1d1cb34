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
  xdr,
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

  it('strings are written in place: UTF-8 lengths, zero padding, the limit counted in bytes', () => {
    for (const v of ['', 'a', 'ab', 'abc', 'abcd', 'é', 'dom-ü€𝄞', 'x'.repeat(1000)]) {
      const bytes = new TextEncoder().encode(v);
      const out = encode(xdr.string(), v);
      expect(out.length).toBe(4 + ((bytes.length + 3) & ~3));
      expect(new DataView(out.buffer, out.byteOffset).getUint32(0)).toBe(bytes.length);
      expect(out.subarray(4, 4 + bytes.length)).toEqual(bytes);
      expect([...out.subarray(4 + bytes.length)].every((b) => b === 0)).toBe(true);
      expect(decode(xdr.string(), out)).toBe(v);
    }
    expect(encode(xdr.string(2), 'é').length).toBe(8);
    expect(() => encode(xdr.string(2), 'é€')).toThrow(/XDR string length 5 over its limit 2/);
    // a string a caller left out (backup-begin's XML through the wire) goes out empty, never a throw
    expect(encode(xdr.string(), undefined as unknown as string)).toEqual(encode(xdr.string(), ''));
  });

  it('frames built one after another share nothing: after a large one, after one that failed', () => {
    const small = () => encodeCall(remote_program, lookup, 1, { name: 'test' });
    const first = small();
    const big = encodeCall(remote_program, remote.REMOTE_PROC_DOMAIN_DEFINE_XML, 2, { xml: 'y'.repeat(200_000) });
    expect(decodeArgs(decodeFrame(big).header, decodeFrame(big).payload)).toEqual({ xml: 'y'.repeat(200_000) });
    expect(() => encodeCall(remote_program, lookup, 3, { name: 'z'.repeat(MAX_FRAME) })).toThrow(XdrError);
    const again = small();
    expect(again).toEqual(first);
    expect(again.buffer).not.toBe(first.buffer);
    expect(decodeArgs(decodeFrame(first).header, decodeFrame(first).payload)).toEqual({ name: 'test' });
  });
});
