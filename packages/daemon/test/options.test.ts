import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@tsvirt/util';
import { parseDaemonArgs, parseListen } from '../src/options.js';

describe('tsvirtd options', () => {
  it('defaults: the host root, its run directory, no timeout, no tcp', () => {
    expect(parseDaemonArgs([])).toEqual({
      kind: 'run',
      options: {
        root: undefined, socketDir: undefined, timeoutSecs: 0, pidFile: undefined, listen: [], rwAnyUser: false, pkipath: undefined,
        authTcp: 'none', authTls: 'none', saslUsers: undefined,
      },
    });
  });

  it('every option, long and short', () => {
    const long = parseDaemonArgs(['--root', '/r', '--socket-dir', '/s', '--timeout', '30', '--pid-file', '/p.pid',
      '--listen', 'tcp://127.0.0.1:16509', '--listen', 'tls://[::1]:0', '--rw-any', '--pkipath', '/pki', '--auth-tcp', 'sasl', '--auth-tls', 'none', '--sasl-users', '/u']);
    const short = parseDaemonArgs(['-r', '/r', '-s', '/s', '-t', '30', '-p', '/p.pid', '-l', 'tcp://127.0.0.1:16509', '-l', 'tls://[::1]:0', '--rw-any', '--pkipath', '/pki',
      '--auth-tcp=sasl', '--auth-tls=none', '--sasl-users=/u']);
    const want = {
      kind: 'run',
      options: {
        root: '/r', socketDir: '/s', timeoutSecs: 30, pidFile: '/p.pid', rwAnyUser: true, pkipath: '/pki', authTcp: 'sasl', authTls: 'none', saslUsers: '/u',
        listen: [{ host: '127.0.0.1', port: 16509 }, { host: '::1', port: 0, tls: true }],
      },
    };
    expect(long).toEqual(want);
    expect(short).toEqual(want);
  });

  it('help and version', () => {
    expect(parseDaemonArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseDaemonArgs(['-V'])).toEqual({ kind: 'version' });
  });

  it.each([
    [['--timeout', 'soon'], "invalid timeout 'soon': expected whole seconds"],
    [['--timeout=-1'], "invalid timeout '-1': expected whole seconds"],
    [['--listen', 'unix:///x'], "invalid listen address 'unix:///x': expected tcp://ADDR:PORT or tls://ADDR:PORT"],
    [['--listen', 'tcp://host:99999'], "invalid listen address 'tcp://host:99999': expected tcp://ADDR:PORT or tls://ADDR:PORT"],
    [['--bogus'], "Unknown option '--bogus'"],
    [['extra'], "Unexpected argument 'extra'"],
    [['--auth-tcp', 'polkit'], "invalid --auth-tcp 'polkit': expected none or sasl"],
    [['--auth-tls', 'tls'], "invalid --auth-tls 'tls': expected none or sasl"],
    [['--auth-tls', 'sasl'], 'SASL authentication needs --sasl-users FILE'],
  ])('refuses %j', (argv, words) => {
    let err: unknown;
    try {
      parseDaemonArgs(argv);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: ErrorCode.INVALID_ARG });
    expect((err as Error).message).toContain(words);
  });

  it('a listen address without a host listens on every address', () => {
    expect(parseListen('tcp://:16509')).toEqual({ host: '0.0.0.0', port: 16509 });
  });
});
