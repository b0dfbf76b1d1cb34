import { describe, expect, it } from 'vitest';
import { commandWord, mainCacheName } from '../src/main-cache.js';

describe('mainCacheName', () => {
  it.each([
    [['-c', 'qemu:///system', 'list'], 'program-qemu'],
    [['-cqemu:///embed?root=/tmp/r', 'start', 'd'], 'program-qemu'],
    [['--connect=qemu:///session', 'list'], 'program-qemu'],
    [['--conn=qemu:///system', 'list'], 'program-qemu'],
    [['-q', '-c', 'qemu:///embed?root=/tmp/r', 'dumpxml d'], 'program-qemu'],
    [['-c', 'test:///default', 'net-list'], 'program'],
    [['-c', 'qemu+ssh://host/system', 'net-list'], 'program'],
    [['-c', 'qemu://host/system', 'echo', 'hi'], 'program'],
    [['--connect=lxc:///', 'version'], 'program'],
    [['uri'], 'program'],
    [[], 'program'],
    [['-c', 'test:///default', 'list'], 'program-list'],
    [['-c', 'test:///default', 'list --all; dominfo test'], 'program-list'],
    [['-q', '-c', 'test:///default', 'dominfo', 'test'], 'program-info'],
    [['domstate test --reason'], 'program-info'],
    [['domid', 'test'], 'program-info'],
    [['domname', '1'], 'program-info'],
    [['domuuid', 'test'], 'program-info'],
    [['-ctest:///default', 'dumpxml', 'test'], 'program-dumpxml'],
    [['define', 'vm.xml'], 'program-define'],
    [['create', 'vm.xml'], 'program-define'],
    [['-c', 'qemu:///system', 'dominfo', 'd'], 'program-qemu'],
    [['constructor'], 'program'],
  ] as const)('%j loads %s.cache', (argv, name) => {
    expect(mainCacheName(argv, {})).toBe(name);
  });

  it('takes the first URI of the arguments, not a later one', () => {
    expect(mainCacheName(['-c', 'test:///default', 'migrate d qemu:///embed?root=/tmp/r'], {})).toBe('program');
  });

  it.each(['VIRSH_DEFAULT_CONNECT_URI', 'LIBVIRT_DEFAULT_URI'])('without a URI argument reads %s', (name) => {
    expect(mainCacheName(['list'], { [name]: 'qemu:///system' })).toBe('program-qemu');
    expect(mainCacheName(['uri'], { [name]: 'test:///default' })).toBe('program');
    expect(mainCacheName(['-c', 'test:///default', 'uri'], { [name]: 'qemu:///system' })).toBe('program');
  });

  it('prefers VIRSH_DEFAULT_CONNECT_URI to LIBVIRT_DEFAULT_URI, as tsvirsh does', () => {
    expect(mainCacheName([], { VIRSH_DEFAULT_CONNECT_URI: 'test:///default', LIBVIRT_DEFAULT_URI: 'qemu:///system' })).toBe('program');
    expect(mainCacheName([], { VIRSH_DEFAULT_CONNECT_URI: '', LIBVIRT_DEFAULT_URI: 'qemu:///system' })).toBe('program-qemu');
  });

  it.each([
    [['list'], 'list'],
    [['-c', 'test:///default', 'list', '--all'], 'list'],
    [['-ctest:///default', '-q', 'dominfo', 'd'], 'dominfo'],
    [['-qrc', 'test:///default', 'uri'], 'uri'],
    [['-d', '4', '-k', '5', '-K', '3', '-e', '^]', '-l', 'log', 'echo'], 'echo'],
    [['-d4', '-tq', 'echo'], 'echo'],
    [['--connect', 'test:///default', '--debug', '2', 'uri'], 'uri'],
    [['--conn', 'test:///default', '--keepalive-c', '3', '--log=x', 'uri'], 'uri'],
    [['--connect=test:///default', '--quiet', '--json', '--readonly', 'list'], 'list'],
    [['--version=long', 'echo'], 'echo'],
    [['--', '-x'], '-x'],
    [['  list --all; uri'], 'list'],
    [[';;dumpxml d'], 'dumpxml'],
    [['-c', 'test:///default'], undefined],
    [['-q'], undefined],
  ] as const)('the command word of %j is %s', (argv, word) => {
    expect(commandWord(argv)).toBe(word);
  });
});
