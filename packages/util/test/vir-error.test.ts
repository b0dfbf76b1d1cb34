import { describe, expect, it } from 'vitest';
import {
  ErrorCode, ErrorDomain, ErrorLevel, VirError, checkFlags, errnoText, formatErrorMessage, noSupport, systemError,
} from '../src/index.js';

/** Runs `fn` and returns what it threw, failing when it returns or throws anything but a VirError. */
function thrown(fn: () => unknown): VirError {
  try {
    fn();
  } catch (e) {
    if (e instanceof VirError) return e;
    throw new Error(`expected a VirError, got ${String(e)}`);
  }
  throw new Error('expected a VirError, nothing was thrown');
}

describe('VirError messages are formed as libvirt forms them', () => {
  // Each pair is [code, detail, the message libvirt 9.0 prints for it].
  const cases: Array<[ErrorCode, string | undefined, string]> = [
    [ErrorCode.NO_DOMAIN, "no domain with matching name 'x'", "Domain not found: no domain with matching name 'x'"],
    [ErrorCode.NO_DOMAIN, undefined, 'Domain not found'],
    [ErrorCode.OPERATION_INVALID, 'domain is not running', 'Requested operation is not valid: domain is not running'],
    [ErrorCode.XML_ERROR, 'an os <type> must be specified', 'XML error: an os <type> must be specified'],
    [ErrorCode.XML_ERROR, undefined, 'XML description is invalid or not well formed'],
    [ErrorCode.NO_SUPPORT, 'virDomainSuspend', 'this function is not supported by the connection driver: virDomainSuspend'],
    [ErrorCode.INTERNAL_ERROR, "domain 'test' not paused", "internal error: domain 'test' not paused"],
    [ErrorCode.OPERATION_FAILED, "domain 'test' already exists with uuid 6695eb01-f6a4-8304-79aa-97f2502e193f",
      "operation failed: domain 'test' already exists with uuid 6695eb01-f6a4-8304-79aa-97f2502e193f"],
    [ErrorCode.OPERATION_DENIED, 'read only access prevents virDomainDefineXML',
      'operation forbidden: read only access prevents virDomainDefineXML'],
    [ErrorCode.OPERATION_DENIED, undefined, 'operation forbidden for read only access'],
    [ErrorCode.INVALID_CONN, 'virDomainLookupByName', 'invalid connection pointer in virDomainLookupByName'],
    [ErrorCode.NO_CONNECT, 'foo:///x', 'no connection driver available for foo:///x'],
    [ErrorCode.INVALID_ARG, 'testOpen: supply a path or use test:///default',
      'invalid argument: testOpen: supply a path or use test:///default'],
    [ErrorCode.DOM_EXIST, 'test', 'domain test exists already'],
    // Codes whose message is the detail alone.
    [ErrorCode.XML_DETAIL, "(domain_definition):1: Start tag expected, '<' not found",
      "(domain_definition):1: Start tag expected, '<' not found"],
    [ErrorCode.SYSTEM_ERROR, "cannot open '/x': No such file or directory", "cannot open '/x': No such file or directory"],
    [ErrorCode.NO_NAME, undefined, 'missing name information'],
    [ErrorCode.OPERATION_TIMEOUT, 'x', 'Timed out during operation: x'],
  ];
  for (const [code, detail, message] of cases) {
    it(`${message}`, () => {
      const e = new VirError(code, detail, ErrorDomain.TEST);
      expect(e.message).toBe(message);
      expect(formatErrorMessage(code, detail)).toBe(message);
      expect(e.code).toBe(code);
      expect(e.domain).toBe(ErrorDomain.TEST);
      expect(e.detail).toBe(detail);
    });
  }

  it('an empty detail is no detail', () => {
    expect(new VirError(ErrorCode.NO_DOMAIN, '').message).toBe('Domain not found');
    expect(new VirError(ErrorCode.NO_DOMAIN, '').detail).toBeUndefined();
  });

  it('a detail holding `$&` or `%s` is copied literally', () => {
    expect(new VirError(ErrorCode.OPERATION_FAILED, "name '$&' and %s").message).toBe("operation failed: name '$&' and %s");
  });

  it('a message given whole replaces the code text', () => {
    const e = new VirError(ErrorCode.INVALID_ARG, 'x must be y', ErrorDomain.NONE, { message: 'x must be y' });
    expect(e.message).toBe('x must be y');
    expect(e.code).toBe(ErrorCode.INVALID_ARG);
  });
});

describe('VirError', () => {
  it('is an Error with libvirt fields', () => {
    const e = new VirError(ErrorCode.NO_DOMAIN, 'x');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('VirError');
    expect(e.domain).toBe(ErrorDomain.NONE);
    expect(e.level).toBe(ErrorLevel.ERROR);
    expect(e.codeName).toBe('NO_DOMAIN');
    expect(String(e)).toBe('VirError: Domain not found: x');
    expect(VirError.isVirError(e)).toBe(true);
    expect(VirError.isVirError(new Error('x'))).toBe(false);
  });

  it('keeps a level and a cause', () => {
    const cause = new Error('root');
    const e = new VirError(ErrorCode.WAR_NO_NETWORK, undefined, ErrorDomain.NETWORK, { cause, level: ErrorLevel.WARNING });
    expect(e.level).toBe(ErrorLevel.WARNING);
    expect(e.cause).toBe(cause);
    expect(e.message).toBe('Failed to find the network');
  });

  it('from() keeps VirErrors and wraps anything else', () => {
    const v = new VirError(ErrorCode.NO_DOMAIN);
    expect(VirError.from(v)).toBe(v);
    const wrapped = VirError.from(new Error('boom'));
    expect(wrapped.code).toBe(ErrorCode.INTERNAL_ERROR);
    expect(wrapped.message).toBe('internal error: boom');
    expect(VirError.from('text', ErrorCode.OPERATION_FAILED, ErrorDomain.QEMU).message).toBe('operation failed: text');
    expect(VirError.from('text', ErrorCode.OPERATION_FAILED, ErrorDomain.QEMU).domain).toBe(ErrorDomain.QEMU);
  });

  it('noSupport names the public API', () => {
    const e = noSupport('virDomainSuspend', ErrorDomain.QEMU);
    expect(e.code).toBe(ErrorCode.NO_SUPPORT);
    expect(e.domain).toBe(ErrorDomain.QEMU);
    expect(e.message).toBe('this function is not supported by the connection driver: virDomainSuspend');
  });

  it('systemError appends the errno text as glibc spells it', () => {
    const enoent = Object.assign(new Error("ENOENT: no such file or directory, open '/x'"), { code: 'ENOENT' });
    const e = systemError("cannot open '/x'", enoent, ErrorDomain.CONF);
    expect(e.code).toBe(ErrorCode.SYSTEM_ERROR);
    expect(e.message).toBe("cannot open '/x': No such file or directory");
    expect(e.cause).toBe(enoent);
    expect(errnoText(Object.assign(new Error('x'), { code: 'EACCES' }))).toBe('Permission denied');
    expect(errnoText(Object.assign(new Error('odd failure'), { code: 'EWHATEVER' }))).toBe('odd failure');
  });
});

describe('checkFlags', () => {
  it('accepts known flags and zero', () => {
    expect(() => checkFlags(0, 0, 'f')).not.toThrow();
    expect(() => checkFlags(0b101, 0b111, 'f')).not.toThrow();
  });

  it("raises libvirt's virCheckFlags error, without the invalid-argument prefix", () => {
    const e = thrown(() => checkFlags(1 << 20 | 1, 1, 'testConnectListAllDomains', ErrorDomain.TEST));
    expect(e.code).toBe(ErrorCode.INVALID_ARG);
    expect(e.domain).toBe(ErrorDomain.TEST);
    // python3-libvirt 9.0: listAllDomains(1<<20) on test:///default.
    expect(e.message).toBe('unsupported flags (0x100000) in function testConnectListAllDomains');
  });

  it('reports the top bit as an unsigned value', () => {
    expect(thrown(() => checkFlags(0x80000000, 0, 'f')).message).toBe('unsupported flags (0x80000000) in function f');
  });
});
