import { describe, expect, it } from 'vitest';
import { ErrorCode, ErrorDomain, VirError, defaultURI, parseURI, uriParam, withOpenedQuery } from '../src/index.js';

describe('parseURI', () => {
  it('test:///default', () => {
    expect(parseURI('test:///default')).toEqual({
      raw: 'test:///default', driver: 'test', transport: undefined, user: undefined, host: undefined, port: undefined,
      path: '/default', query: [],
    });
  });

  it('test:///abs/path.xml keeps the absolute path, decoded', () => {
    expect(parseURI('test:///abs/path.xml').path).toBe('/abs/path.xml');
    expect(parseURI('test:///tmp/a%20b.xml').path).toBe('/tmp/a b.xml');
  });

  it('qemu:///system and qemu:///session', () => {
    for (const p of ['system', 'session']) {
      const u = parseURI(`qemu:///${p}`);
      expect(u.driver).toBe('qemu');
      expect(u.path).toBe(`/${p}`);
      expect(u.host).toBeUndefined();
      expect(u.transport).toBeUndefined();
    }
  });

  it('qemu:///embed?root=/tmp/x carries its root parameter', () => {
    const u = parseURI('qemu:///embed?root=/tmp/x');
    expect(u.path).toBe('/embed');
    expect(u.query).toEqual([['root', '/tmp/x']]);
    expect(uriParam(u, 'root')).toBe('/tmp/x');
    expect(uriParam(u, 'missing')).toBeUndefined();
  });

  it('lxc:/// has the root path', () => {
    const u = parseURI('lxc:///');
    expect(u.driver).toBe('lxc');
    expect(u.path).toBe('/');
    expect(u.host).toBeUndefined();
  });

  it('qemu+ssh://user@host:2222/system?keyfile=/k', () => {
    expect(parseURI('qemu+ssh://user@host:2222/system?keyfile=/k')).toEqual({
      raw: 'qemu+ssh://user@host:2222/system?keyfile=/k', driver: 'qemu', transport: 'ssh', user: 'user', host: 'host',
      port: 2222, path: '/system', query: [['keyfile', '/k']],
    });
  });

  it('keeps repeated query keys in order; uriParam answers the first', () => {
    const u = parseURI('qemu://host/system?a=1&a=2&b');
    expect(u.query).toEqual([['a', '1'], ['a', '2'], ['b', '']]);
    expect(uriParam(u, 'a')).toBe('1');
  });

  it('keeps the case of the driver (libvirt matches it exactly) and strips the brackets of an IPv6 host', () => {
    const u = parseURI('QEMU+SSH://root@[::1]/system');
    expect(u.driver).toBe('QEMU');
    expect(u.transport).toBe('ssh');
    expect(u.host).toBe('::1');
  });

  // What python3-libvirt 9.0's virConnectOpen accepts as URIs (its drivers may then refuse them).
  it('reads the forms libvirt reads: opaque paths, empty paths, an empty transport, any port number', () => {
    const parts = (raw: string): unknown => {
      const u = parseURI(raw);
      return [u.driver, u.transport, u.host, u.port, u.path];
    };
    expect(parts('test:')).toEqual(['test', undefined, undefined, undefined, '']);
    expect(parts('test:/default')).toEqual(['test', undefined, undefined, undefined, '/default']);
    expect(parts('test:default')).toEqual(['test', undefined, undefined, undefined, 'default']);
    expect(parts('qemu://')).toEqual(['qemu', undefined, undefined, undefined, '']);
    expect(parts('qemu+:///x')).toEqual(['qemu', '', undefined, undefined, '/x']);
    expect(parts('qemu+ssh://host:99999/system')).toEqual(['qemu', 'ssh', 'host', 99999, '/system']);
    expect(parts('test:///a%20b#frag')).toEqual(['test', undefined, undefined, undefined, '/a b']);
  });

  for (const none of ['', 'default', 'foo', 'a/b']) {
    it(`says ${JSON.stringify(none)} names no driver, as libvirt does`, () => {
      let err: unknown;
      try {
        parseURI(none);
      } catch (e) {
        err = e;
      }
      expect([(err as VirError).code, (err as VirError).domain, (err as VirError).message]).toEqual(
        [ErrorCode.NO_CONNECT, ErrorDomain.NONE, `no connection driver available for URI '${none}' does not include a driver name`]);
    });
  }

  for (const bad of ['://x', '1qemu:///system', 'qemu://ho st/system', 'test:///%zz', 'qemu+ssh://us%zz@host/system',
    'qemu+ssh://[::1', 'qemu+unix://host:/system', 'test:///default?a=%zz', '   ', '%%%', 'test :///default', ':///']) {
    it(`refuses ${JSON.stringify(bad)} with libvirt's error`, () => {
      let err: unknown;
      try {
        parseURI(bad);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(VirError);
      const e = err as VirError;
      expect(e.code).toBe(ErrorCode.INTERNAL_ERROR);
      expect(e.domain).toBe(ErrorDomain.URI);
      expect(e.message).toBe(`internal error: Unable to parse URI ${bad}`);
    });
  }
});

describe('defaultURI', () => {
  it('reads LIBVIRT_DEFAULT_URI', () => {
    expect(defaultURI({ LIBVIRT_DEFAULT_URI: 'test:///default' })).toBe('test:///default');
    expect(defaultURI({})).toBeUndefined();
    expect(defaultURI({ LIBVIRT_DEFAULT_URI: '' })).toBeUndefined();
  });

  it('reads process.env by default', () => {
    const saved = process.env['LIBVIRT_DEFAULT_URI'];
    try {
      process.env['LIBVIRT_DEFAULT_URI'] = 'qemu:///session';
      expect(defaultURI()).toBe('qemu:///session');
      delete process.env['LIBVIRT_DEFAULT_URI'];
      expect(defaultURI()).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env['LIBVIRT_DEFAULT_URI'];
      else process.env['LIBVIRT_DEFAULT_URI'] = saved;
    }
  });
});

describe('withOpenedQuery', () => {
  it("gives back the driver's form of the URI with the query as opened, as virConnectGetURI does", () => {
    const cases: [string, string, string][] = [
      ['qemu:///session', 'qemu:///session?x=1', 'qemu:///session?x=1'],
      ['qemu:///system', 'qemu:/system?x=1&y=2&x=3', 'qemu:///system?x=1&y=2&x=3'],
      ['qemu:///embed?root=/r', 'qemu:///embed?root=/r/&x=a%20b', 'qemu:///embed?root=/r/&x=a%20b'],
      ['test:///default', 'test:/default?y=a+b', 'test:///default?y=a+b'],
      ['lxc:///', 'lxc:///', 'lxc:///'],
      ['test:///default', 'test:///default?', 'test:///default?'],
    ];
    for (const [base, opened, shown] of cases) expect(withOpenedQuery(base, parseURI(opened))).toBe(shown);
  });
});
