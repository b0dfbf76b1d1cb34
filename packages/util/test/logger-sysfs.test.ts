import { afterEach, describe, expect, it, vi } from 'vitest';
import { LogLevel, levelFromEnv, sysfsPath, sysfsRoot } from '../src/index.js';

describe('levelFromEnv', () => {
  it('defaults to errors only', () => {
    expect(levelFromEnv({})).toBe(LogLevel.ERROR);
    expect(levelFromEnv({ TSVIRT_LOG_LEVEL: '' })).toBe(LogLevel.ERROR);
  });

  it('reads TSVIRT_LOG_LEVEL by number or name', () => {
    expect(levelFromEnv({ TSVIRT_LOG_LEVEL: '1' })).toBe(LogLevel.DEBUG);
    expect(levelFromEnv({ TSVIRT_LOG_LEVEL: '2' })).toBe(LogLevel.INFO);
    expect(levelFromEnv({ TSVIRT_LOG_LEVEL: ' debug ' })).toBe(LogLevel.DEBUG);
    expect(levelFromEnv({ TSVIRT_LOG_LEVEL: 'INFO' })).toBe(LogLevel.INFO);
    expect(levelFromEnv({ TSVIRT_LOG_LEVEL: 'warn' })).toBe(LogLevel.WARN);
    expect(levelFromEnv({ TSVIRT_LOG_LEVEL: 'warning' })).toBe(LogLevel.WARN);
    expect(levelFromEnv({ TSVIRT_LOG_LEVEL: 'error' })).toBe(LogLevel.ERROR);
  });

  it("falls back to libvirt's LIBVIRT_DEBUG; TSVIRT_LOG_LEVEL wins", () => {
    expect(levelFromEnv({ LIBVIRT_DEBUG: '1' })).toBe(LogLevel.DEBUG);
    expect(levelFromEnv({ LIBVIRT_DEBUG: '1', TSVIRT_LOG_LEVEL: '3' })).toBe(LogLevel.WARN);
  });

  it('ignores nonsense', () => {
    for (const v of ['0', '5', 'loud', '2.5', '-1']) expect(levelFromEnv({ TSVIRT_LOG_LEVEL: v }), v).toBe(LogLevel.ERROR);
  });
});

describe('logger', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    vi.restoreAllMocks();
    vi.resetModules();
  });

  /** A fresh logger module (the threshold is read once per process), with stderr captured. */
  async function capture(env: Record<string, string>): Promise<{ lines: string[]; log: import('../src/index.js').Logger }> {
    delete process.env['TSVIRT_LOG_LEVEL'];
    delete process.env['LIBVIRT_DEBUG'];
    Object.assign(process.env, env);
    vi.resetModules();
    const { logger } = await import('../src/logger.js');
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    return { lines, log: logger('util.test') };
  }

  it('writes only at or above the level from the environment', async () => {
    const { lines, log } = await capture({ TSVIRT_LOG_LEVEL: 'warning' });
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z: ${process.pid}: warning : util\\.test: w\\n$`));
    expect(lines[1]).toMatch(/: error : util\.test: e\n$/);
  });

  it('debug level writes everything', async () => {
    const { lines, log } = await capture({ LIBVIRT_DEBUG: '1' });
    log.debug('d');
    log.info('i');
    expect(lines.map((l) => l.replace(/^.*?: \d+: /, ''))).toEqual(['debug : util.test: d\n', 'info : util.test: i\n']);
  });

  it('by default only errors are written', async () => {
    const { lines, log } = await capture({});
    log.warn('w');
    log.error('e');
    expect(lines).toHaveLength(1);
  });
});

describe('sysfs', () => {
  it('is /sys unless TSVIRT_SYSFS_ROOT says otherwise', () => {
    expect(sysfsRoot({})).toBe('/sys');
    expect(sysfsRoot({ TSVIRT_SYSFS_ROOT: '' })).toBe('/sys');
    expect(sysfsPath('dev/block/7:0/queue/unpriv_sgio', {})).toBe('/sys/dev/block/7:0/queue/unpriv_sgio');
    expect(sysfsRoot({ TSVIRT_SYSFS_ROOT: '/tmp/fake-sys' })).toBe('/tmp/fake-sys');
    expect(sysfsPath('dev/block/7:0/queue/unpriv_sgio', { TSVIRT_SYSFS_ROOT: '/tmp/fake-sys' }))
      .toBe('/tmp/fake-sys/dev/block/7:0/queue/unpriv_sgio');
  });

  it('reads process.env by default', () => {
    const saved = process.env['TSVIRT_SYSFS_ROOT'];
    try {
      process.env['TSVIRT_SYSFS_ROOT'] = '/fake';
      expect(sysfsPath('class/net')).toBe('/fake/class/net');
    } finally {
      if (saved === undefined) delete process.env['TSVIRT_SYSFS_ROOT'];
      else process.env['TSVIRT_SYSFS_ROOT'] = saved;
    }
  });
});
