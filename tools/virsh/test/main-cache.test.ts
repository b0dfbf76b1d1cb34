import { describe, expect, it } from 'vitest';
import { mainCacheName } from '../src/main-cache.js';

describe('mainCacheName', () => {
  it.each([
    [['-c', 'qemu:///system', 'list'], 'program-qemu'],
    [['-cqemu:///embed?root=/tmp/r', 'start', 'd'], 'program-qemu'],
    [['--connect=qemu:///session', 'list'], 'program-qemu'],
    [['--conn=qemu:///system', 'list'], 'program-qemu'],
    [['-q', '-c', 'qemu:///embed?root=/tmp/r', 'dumpxml d'], 'program-qemu'],
    [['-c', 'test:///default', 'list'], 'program'],
    [['-c', 'qemu+ssh://host/system', 'list'], 'program'],
    [['-c', 'qemu://host/system', 'list'], 'program'],
    [['--connect=lxc:///', 'list'], 'program'],
    [['list'], 'program'],
    [[], 'program'],
  ] as const)('%j loads %s.cache', (argv, name) => {
    expect(mainCacheName(argv, {})).toBe(name);
  });

  it('takes the first URI of the arguments, not a later one', () => {
    expect(mainCacheName(['-c', 'test:///default', 'migrate d qemu:///embed?root=/tmp/r'], {})).toBe('program');
  });

  it.each(['VIRSH_DEFAULT_CONNECT_URI', 'LIBVIRT_DEFAULT_URI'])('without a URI argument reads %s', (name) => {
    expect(mainCacheName(['list'], { [name]: 'qemu:///system' })).toBe('program-qemu');
    expect(mainCacheName(['list'], { [name]: 'test:///default' })).toBe('program');
    expect(mainCacheName(['-c', 'test:///default', 'list'], { [name]: 'qemu:///system' })).toBe('program');
  });

  it('prefers VIRSH_DEFAULT_CONNECT_URI to LIBVIRT_DEFAULT_URI, as tsvirsh does', () => {
    expect(mainCacheName([], { VIRSH_DEFAULT_CONNECT_URI: 'test:///default', LIBVIRT_DEFAULT_URI: 'qemu:///system' })).toBe('program');
    expect(mainCacheName([], { VIRSH_DEFAULT_CONNECT_URI: '', LIBVIRT_DEFAULT_URI: 'qemu:///system' })).toBe('program-qemu');
  });
});
