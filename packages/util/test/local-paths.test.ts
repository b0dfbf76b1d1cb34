import { describe, expect, it } from 'vitest';
import { ErrorDomain, localInstance, parseURI } from '../src/index.js';

const at = (uri: string) => localInstance(parseURI(uri), ErrorDomain.NETWORK);
const root = process.getuid?.() === 0;

describe('localInstance', () => {
  it('puts qemu and lxc embed URIs under their root', () => {
    expect(at('qemu:///embed?root=/tmp/r')).toEqual({ kind: 'embed', root: '/tmp/r' });
    expect(at('lxc:///embed?root=/tmp/r/')).toEqual({ kind: 'embed', root: '/tmp/r' });
  });

  it('answers the host instance for qemu:///system, lxc:/// and lxc:///system, as root only', () => {
    for (const uri of ['qemu:///system', 'lxc:///', 'lxc:///system']) expect(at(uri)).toEqual(root ? { kind: 'system' } : 'declined');
  });

  it('has a session instance for qemu only, and declines other URIs', () => {
    expect(at('qemu:///session')).toEqual({ kind: 'session' });
    for (const uri of ['lxc:///session', 'lxc:///other', 'test:///default', 'qemu:///other']) expect(at(uri)).toBe('declined');
  });

  it('names a missing or relative embed root', () => {
    expect(() => at('lxc:///embed')).toThrow("Missing 'root' URI parameter");
    expect(() => at('lxc:///embed?root=rel')).toThrow("root path 'rel' in URI must be absolute");
  });
});
