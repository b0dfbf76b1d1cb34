import { describe, expect, it } from 'vitest';
import { Getopt, longOptions, type GetoptItem } from '../src/vsh/getopt.js';
import { parseGlobalOptions } from '../src/global-options.js';

const LONG = longOptions({ required: 'connect=c keep-a=k keep-b=K', none: 'quiet=q', optional: 'version=v verbose-alias=v' });

/** Every item getopt gives for argv, and where the words after the options begin. */
function read(argv: string[]): { items: GetoptItem[]; optind: number } {
  const g = new Getopt(argv, 'c:qk:K:v', LONG);
  const items: GetoptItem[] = [];
  for (let item = g.next(); item; item = g.next()) {
    items.push(item);
    if (item.kind !== 'option') break;
  }
  return { items, optind: g.optind };
}

const opt = (o: string, value?: string, long = false): GetoptItem => ({ kind: 'option', opt: o, value, long });

describe('Getopt (glibc getopt_long with "+:")', () => {
  it('stops at the first word that is not an option, at "-", and after "--"', () => {
    expect(read(['-q', 'list', '-c', 'x'])).toEqual({ items: [opt('q')], optind: 1 });
    expect(read(['-', '-q'])).toEqual({ items: [], optind: 0 });
    expect(read(['-q', '--', '-c'])).toEqual({ items: [opt('q')], optind: 2 });
    expect(read([])).toEqual({ items: [], optind: 0 });
  });

  it('reads clusters of short options, a value from the rest of the word or the next word', () => {
    expect(read(['-qcURI', 'cmd']).items).toEqual([opt('q'), opt('c', 'URI')]);
    expect(read(['-qc', '-x', 'cmd'])).toEqual({ items: [opt('q'), opt('c', '-x')], optind: 2 });
    expect(read(['-qc']).items).toEqual([opt('q'), { kind: 'missing', opt: 'c' }]);
  });

  it('refuses unknown letters and ":" by the letter', () => {
    expect(read(['-qx']).items).toEqual([opt('q'), { kind: 'unsupported', shown: '-x' }]);
    expect(read(['-:']).items).toEqual([{ kind: 'unsupported', shown: '-:' }]);
  });

  it('reads long options with =value or the next word, by a prefix that names one option', () => {
    expect(read(['--connect=u']).items).toEqual([opt('c', 'u', true)]);
    expect(read(['--conn', 'u', 'cmd'])).toEqual({ items: [opt('c', 'u', true)], optind: 2 });
    expect(read(['--connect=']).items).toEqual([opt('c', '', true)]);
    expect(read(['--connect']).items).toEqual([{ kind: 'missing', opt: 'c' }]);
    expect(read(['--q', 'cmd'])).toEqual({ items: [opt('q', undefined, true)], optind: 1 });
  });

  it('takes an optional value only after "="', () => {
    expect(read(['--version', 'long'])).toEqual({ items: [opt('v', undefined, true)], optind: 1 });
    expect(read(['--version=long']).items).toEqual([opt('v', 'long', true)]);
  });

  it('takes a prefix of several options that all stand for the same one', () => {
    expect(read(['--ver=x']).items).toEqual([opt('v', 'x', true)]);
  });

  it('refuses unknown and ambiguous names as the word given, a value where none is taken by the letter', () => {
    expect(read(['--bogus=1']).items).toEqual([{ kind: 'unsupported', shown: '--bogus=1' }]);
    expect(read(['--keep', 'x']).items).toEqual([{ kind: 'unsupported', shown: '--keep' }]);
    expect(read(['--=x']).items).toEqual([{ kind: 'unsupported', shown: '--=x' }]);
    expect(read(['--quiet=1']).items).toEqual([{ kind: 'unsupported', shown: '-q' }]);
  });
});

describe("virsh's global options", () => {
  const run = (argv: string[]) => parseGlobalOptions(argv);

  it('gives the settings and the command words after them', () => {
    expect(run(['-rqtc', 'test:///default', '--json', 'list', '--all'])).toEqual({
      kind: 'run', errors: [], commands: ['list', '--all'],
      settings: { connect: 'test:///default', debug: 4, keepaliveInterval: undefined, quiet: true, readonly: true, timing: true, json: true },
    });
  });

  it('reads -k in any base C reads, -d in base 10, and -K alone as keepalive at virsh\'s default interval', () => {
    const settings = (argv: string[]) => { const r = run(argv); return r.kind === 'run' ? r.settings : r; };
    expect(settings(['-k', '0x10', '-d', '  +2'])).toMatchObject({ keepaliveInterval: 16, debug: 2 });
    expect(settings(['-k', '010'])).toMatchObject({ keepaliveInterval: 8 });
    expect(settings(['-K', '3'])).toMatchObject({ keepaliveInterval: 5 });
    expect(settings(['-k', '0', '-K', '3'])).toMatchObject({ keepaliveInterval: 0 });
    expect(settings(['-k', '-2147483648'])).toEqual({ kind: 'fail', errors: ['option -k requires a positive integer argument'] });
    expect(settings(['-K', '2147483648'])).toEqual({ kind: 'fail', errors: ['Invalid value for option -K'] });
    expect(settings(['--debug', '010'])).toMatchObject({ debug: 4 });
  });

  it('answers -h, -v and -V when read, with the errors printed before them', () => {
    expect(run(['-d', '7', '-v', '-x'])).toEqual({ kind: 'version', errors: ['ignoring debug level 7 out of range [0-4]'] });
    expect(run(['--version=long'])).toEqual({ kind: 'long-version', errors: [] });
    expect(run(['-V'])).toEqual({ kind: 'long-version', errors: [] });
    expect(run(['-h', '-x'])).toEqual({ kind: 'help', errors: [] });
  });
});
