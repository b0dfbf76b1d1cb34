/**
 * Transports through a command's stdin and stdout, as libvirt's client runs them: `ssh` (the
 * daemon reached through `virt-ssh-helper` or netcat on the far side) and `ext` (`command=`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex, PassThrough } from 'node:stream';
import type { ConnectAuth } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, uriParam, type VirURI } from '@tsvirt/util';
import { startAskpass } from './ssh-askpass.js';

/** A connected pair of unix stream sockets, as socketpair(2) makes one (Node has no call for it). */
async function socketPair(): Promise<[Socket, Socket]> {
  const dir = mkdtempSync(join(tmpdir(), `tsvirt-pair-${process.pid}-`));
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(join(dir, 's'), resolve));
    const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
    const ours = connect(join(dir, 's'));
    await new Promise<void>((resolve, reject) => ours.once('connect', resolve).once('error', reject));
    return [ours, await accepted];
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A child's stdin and stdout as one socket, as libvirt's client runs it (one socketpair), so
 * that a child gone before reading what was sent is a reset and otherwise an end of file; either
 * waits for the child's exit and carries its complaint (the last line of its stderr).
 */
async function commandStream(file: string, args: readonly string[], env?: Readonly<Record<string, string>>): Promise<Duplex & { ref(): void; unref(): void }> {
  const [ours, theirs] = await socketPair();
  const child = spawn(file, args, { stdio: [theirs, theirs, 'pipe'], env: env && { ...process.env, ...env } });
  theirs.destroy();
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const out = new PassThrough();
  ours.pipe(out, { end: false });
  const input = new PassThrough();
  input.pipe(ours);
  const stream = Duplex.from({ readable: out, writable: input }) as Duplex & { ref(): void; unref(): void };
  stream.ref = () => {
    child.ref();
    ours.ref();
    (child.stderr as unknown as Socket).ref?.();
  };
  stream.unref = () => {
    child.unref();
    ours.unref();
    (child.stderr as unknown as Socket).unref?.();
  };
  let reset = false;
  const socketDone = new Promise<void>((resolve) => {
    ours.once('end', resolve);
    ours.once('close', resolve);
    // a write after the child's exit fails too: every error counts once the child is gone
    ours.on('error', (e: NodeJS.ErrnoException) => {
      reset ||= e.code === 'ECONNRESET';
      resolve();
    });
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.on('error', (e) => stream.destroy(e));
  void Promise.all([socketDone, exited]).then(() => {
    const complaint = stderr.trim().split('\n').pop() ?? '';
    if (complaint || reset) stream.destroy(Object.assign(new Error(complaint), { code: reset ? 'ECONNRESET' : 'EOF', complaint }));
    else out.end();
  });
  stream.on('close', () => {
    ours.destroy();
    child.kill();
  });
  return stream;
}

/**
 * libvirt's shell escaping of a word: as is when the shell gives none of its characters a
 * meaning, else single-quoted.
 */
const escapeShell = (s: string): string =>
  s === '' ? "''" : /[\r\t\n !"#$&'()*;<>?[\\\]^`{|}~]/.test(s) ? `'${s.replace(/'/g, `'\\''`)}'` : s;

/**
 * A word inside the far side's `sh -c '…'` as libvirt's client puts it there: escaped twice and
 * single-quoted, so that ssh's joining of the command and both shells leave the word itself.
 */
const farWord = (s: string): string => `'${escapeShell(escapeShell(s))}'`;

/** The netcat script libvirt runs on the far side: `-q0` when that netcat needs it to end; the socket goes as it is, as libvirt's. */
export function netcatScript(netcat: string, socket: string): string {
  const nc = farWord(netcat);
  return `if ${nc} -q 2>&1 | grep "requires an argument" >/dev/null 2>&1; then ARG=-q0;else ARG=;fi;${nc} $ARG -U ${socket}`;
}

/**
 * What runs on the far side: libvirt 9's `proxy=` modes. `native` is `virt-ssh-helper URI`,
 * `netcat` pipes the daemon's socket, `auto` (the default) uses the helper where installed.
 * Naming `netcat=` or `socket=` implies netcat mode, since only netcat can take them. The words,
 * spaces included, are those of libvirt 9.0's client (`test/transports.test.ts` compares the
 * command line with Debian's virsh's).
 */
export function remoteCommand(uri: VirURI, daemonName: string, readonly: boolean): string {
  const socket = uriParam(uri, 'socket') ?? (readonly ? '/var/run/libvirt/libvirt-sock-ro' : '/var/run/libvirt/libvirt-sock');
  const netcat = netcatScript(uriParam(uri, 'netcat') ?? 'nc', socket);
  const helper = `virt-ssh-helper${readonly ? ' -r' : ''} ${farWord(daemonName)}`;
  const proxy = uriParam(uri, 'proxy') ?? (uriParam(uri, 'netcat') || uriParam(uri, 'socket') ? 'netcat' : 'auto');
  switch (proxy) {
    case 'netcat':
      return netcat;
    case 'native':
      return helper;
    case 'auto':
      return `which virt-ssh-helper 1>/dev/null 2>&1; if test $? = 0; then     ${helper}; else    ${netcat}; fi`;
    default:
      throw new VirError(ErrorCode.INVALID_ARG, `Unsupported proxy mode '${proxy}'`, ErrorDomain.REMOTE);
  }
}

/**
 * ssh's arguments, as libvirt builds them: the options, `--`, the host, and the far side's
 * command as one word. `known_hosts=` is tsvirt's addition for the ssh binary (libvirt uses it
 * with libssh and libssh2 only).
 */
export function sshArgs(uri: VirURI, command: string): string[] {
  const args: string[] = [];
  if (uri.port !== undefined) args.push('-p', String(uri.port));
  if (uri.user !== undefined) args.push('-l', uri.user);
  const keyfile = uriParam(uri, 'keyfile');
  if (keyfile) args.push('-i', keyfile);
  const knownHosts = uriParam(uri, 'known_hosts');
  if (knownHosts) args.push('-o', `UserKnownHostsFile=${knownHosts}`);
  args.push('-T', '-e', 'none');
  if (uriParam(uri, 'no_tty') === '1') args.push('-o', 'BatchMode=yes');
  args.push('--', uri.host ?? 'localhost', `sh -c '${command}'`);
  return args;
}

/** ssh to the host; with an auth callback (and a tty allowed) ssh's questions go to it. */
export async function openSSH(uri: VirURI, daemonName: string, readonly: boolean, auth?: ConnectAuth): Promise<Duplex> {
  const askpass = auth && uriParam(uri, 'no_tty') !== '1' ? await startAskpass(auth) : undefined;
  const stream = await commandStream(uriParam(uri, 'command') ?? 'ssh', sshArgs(uri, remoteCommand(uri, daemonName, readonly)), askpass?.env);
  if (askpass) stream.on('close', () => askpass.close());
  return stream;
}

export async function openExt(uri: VirURI): Promise<Duplex> {
  const command = uriParam(uri, 'command');
  if (!command) throw new VirError(ErrorCode.INVALID_ARG, 'remote_open: for \'ext\' transport, command is required', ErrorDomain.REMOTE);
  return commandStream(command, []);
}
