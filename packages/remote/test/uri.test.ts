import { describe, expect, it, vi } from 'vitest';
import { parseURI } from '@tsvirt/util';
import { daemonURI } from '../src/driver/remote-driver.js';
import { remoteCommand, sshArgs } from '../src/client/transport-command.js';
import { defaultSocket, transportOf } from '../src/client/transport.js';
import { tlsFiles } from '../src/client/transport-tls.js';

describe('what the daemon is asked to open', () => {
  it.each([
    ['test+unix:///default?socket=/s', 'test:///default'],
    ['qemu+ssh://root@host:22/system?keyfile=/k&no_tty=1', 'qemu:///system'],
    ['qemu+tls://host/system?pkipath=/p&no_verify=1', 'qemu:///system'],
    ['qemu://host/session', 'qemu:///session'],
    ['test+tcp://h/default?name=test:///other', 'test:///other'],
    ['lxc+unix:///?socket=/s', 'lxc:///'],
    ['qemu+ssh://h/system?mode=legacy&foo=bar', 'qemu:///system?foo=bar'],
  ])('%s → %s', (uri, name) => expect(daemonURI(parseURI(uri))).toBe(name));
});

describe('transports by URI', () => {
  it('unix without a host, tls with one, else the named one', () => {
    expect(transportOf(parseURI('test:///default'))).toBe('unix');
    expect(transportOf(parseURI('qemu://h/system'))).toBe('tls');
    expect(transportOf(parseURI('qemu+ssh://h/system'))).toBe('ssh');
  });
  it('the system daemon\'s sockets for root, read-write and read-only, /session too', () => {
    if (process.getuid?.() !== 0) return;
    expect(defaultSocket(parseURI('qemu:///system'), false)).toBe('/var/run/libvirt/libvirt-sock');
    expect(defaultSocket(parseURI('qemu:///system'), true)).toBe('/var/run/libvirt/libvirt-sock-ro');
    expect(defaultSocket(parseURI('qemu:///session'), false)).toBe('/var/run/libvirt/libvirt-sock');
  });
  it('a user\'s daemon for /session and the test driver only, as python3-libvirt run as nobody picks', () => {
    const uid = vi.spyOn(process, 'getuid').mockReturnValue(65534);
    const saved = process.env.XDG_RUNTIME_DIR;
    process.env.XDG_RUNTIME_DIR = '/run/user/65534';
    try {
      for (const u of ['qemu:///session', 'foo+unix:///session', 'test+unix:///default', 'test+unix:///system']) {
        expect(defaultSocket(parseURI(u), false), u).toBe('/run/user/65534/libvirt/libvirt-sock');
      }
      for (const u of ['lxc:///', 'qemu:///system', 'vbox:///system', 'foo:///bar']) expect(defaultSocket(parseURI(u), false), u).toBe('/var/run/libvirt/libvirt-sock');
    } finally {
      uid.mockRestore();
      if (saved === undefined) delete process.env.XDG_RUNTIME_DIR;
      else process.env.XDG_RUNTIME_DIR = saved;
    }
  });
  it('tls files from pkipath=', () => {
    expect(tlsFiles(parseURI('qemu+tls://h/system?pkipath=/p'))).toEqual({ ca: '/p/cacert.pem', cert: '/p/clientcert.pem', key: '/p/clientkey.pem' });
  });
});

describe('ssh as libvirt runs it (the words of Debian\'s virsh 9.0, which test/transports.test.ts compares too)', () => {
  const NETCAT = (nc: string, socket: string) =>
    `if ${nc} -q 2>&1 | grep "requires an argument" >/dev/null 2>&1; then ARG=-q0;else ARG=;fi;${nc} $ARG -U ${socket}`;
  it('arguments: port, user, key, known hosts, no tty, then --, the host and one word for the far side', () => {
    const uri = parseURI('qemu+ssh://root@h:2222/system?keyfile=/k&known_hosts=/kh&no_tty=1');
    const args = sshArgs(uri, 'CMD');
    expect(args).toEqual(['-p', '2222', '-l', 'root', '-i', '/k', '-o', 'UserKnownHostsFile=/kh', '-T', '-e', 'none', '-o', 'BatchMode=yes', '--', 'h', "sh -c 'CMD'"]);
  });
  it('the far side: virt-ssh-helper where installed (auto), netcat with netcat= or socket=, native', () => {
    expect(remoteCommand(parseURI('qemu+ssh://h/system'), 'qemu:///system', false)).toBe('which virt-ssh-helper 1>/dev/null 2>&1; if test $? = 0; then     '
      + `virt-ssh-helper 'qemu:///system'; else    ${NETCAT("'nc'", '/var/run/libvirt/libvirt-sock')}; fi`);
    expect(remoteCommand(parseURI('qemu+ssh://h/system?netcat=/bin/nc&socket=/s'), 'qemu:///system', false)).toBe(NETCAT("'/bin/nc'", '/s'));
    expect(remoteCommand(parseURI('qemu+ssh://h/system?proxy=netcat'), 'qemu:///system', true)).toBe(NETCAT("'nc'", '/var/run/libvirt/libvirt-sock-ro'));
    expect(remoteCommand(parseURI('qemu+ssh://h/system?proxy=native'), 'qemu:///system', true)).toBe("virt-ssh-helper -r 'qemu:///system'");
    expect(() => remoteCommand(parseURI('qemu+ssh://h/system?proxy=bogus'), 'qemu:///system', false)).toThrow(/Unsupported proxy mode 'bogus'/);
  });
  it('words the shell would read are escaped twice, as libvirt escapes them; the socket goes as it is', () => {
    expect(remoteCommand(parseURI('test+ssh://h/default?proxy=native'), 'test:///default?foo=bar', false))
      .toBe(String.raw`virt-ssh-helper '''\''test:///default?foo=bar'\''''`);
    expect(remoteCommand(parseURI("test+ssh://h/default?netcat=n'c"), 'test:///default', false))
      .toBe(NETCAT(String.raw`'''\''n'\''\'\'''\''c'\''''`, '/var/run/libvirt/libvirt-sock'));
    expect(remoteCommand(parseURI('test+ssh://h/default?socket=/a%20b'), 'test:///default', false)).toBe(NETCAT("'nc'", '/a b'));
  });
});
