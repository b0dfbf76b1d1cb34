/**
 * Transports through a command's stdin and stdout, as libvirt's client runs them: `ssh` (the
 * daemon reached through `virt-ssh-helper` or netcat on the far side) and `ext` (`command=`).
 */
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { Duplex, PassThrough } from 'node:stream';
import type { ConnectAuth } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, uriParam, type VirURI } from '@tsvirt/util';
import { startAskpass } from './ssh-askpass.js';

/** A child's stdio as one stream; the child's complaint (stderr) becomes the stream's error. */
function commandStream(file: string, args: readonly string[], env?: Readonly<Record<string, string>>): Duplex & { ref(): void; unref(): void } {
  const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], env: env && { ...process.env, ...env } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  // the end of the output waits for the child's exit, so that its complaint can be the error
  const out = new PassThrough();
  child.stdout.pipe(out, { end: false });
  // stdin may close before the child's exit is seen: its EPIPE must not outrun the complaint
  const input = new PassThrough();
  input.pipe(child.stdin);
  child.stdin.on('error', () => undefined);
  const stream = Duplex.from({ readable: out, writable: input }) as Duplex & { ref(): void; unref(): void };
  const pipes = [child.stdout, child.stdin, child.stderr] as unknown as Socket[];
  stream.ref = () => {
    child.ref();
    for (const p of pipes) p.ref?.();
  };
  stream.unref = () => {
    child.unref();
    for (const p of pipes) p.unref?.();
  };
  child.on('error', (e) => stream.destroy(e));
  child.on('close', () => {
    const why = stderr.trim().split('\n').pop();
    if (why) stream.destroy(new Error(why));
    else out.end();
  });
  stream.on('close', () => child.kill());
  return stream;
}

/** Single-quotes a word for the far side's `sh -c`. */
const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The netcat script libvirt runs on the far side: `-q0` when that netcat needs it to end. */
export function netcatScript(netcat: string, socket: string): string {
  const nc = quote(netcat);
  return `if ${nc} -q 2>&1 | grep "requires an argument" >/dev/null 2>&1; then ARG=-q0;else ARG=;fi;${nc} $ARG -U ${quote(socket)}`;
}

/**
 * What runs on the far side: libvirt 9's `proxy=` modes. `native` is `virt-ssh-helper URI`,
 * `netcat` pipes the daemon's socket, `auto` (the default) uses the helper where installed.
 * Naming `netcat=` or `socket=` implies netcat mode, since only netcat can take them.
 */
export function remoteCommand(uri: VirURI, daemonName: string, readonly: boolean): string {
  const socket = uriParam(uri, 'socket') ?? (readonly ? '/var/run/libvirt/libvirt-sock-ro' : '/var/run/libvirt/libvirt-sock');
  const netcat = netcatScript(uriParam(uri, 'netcat') ?? 'nc', socket);
  const helper = `virt-ssh-helper${readonly ? ' -r' : ''} ${quote(daemonName)}`;
  const proxy = uriParam(uri, 'proxy') ?? (uriParam(uri, 'netcat') || uriParam(uri, 'socket') ? 'netcat' : 'auto');
  switch (proxy) {
    case 'netcat':
      return netcat;
    case 'native':
      return helper;
    case 'auto':
      return `which virt-ssh-helper 1>/dev/null 2>&1; if test $? = 0; then ${helper}; else ${netcat}; fi`;
    default:
      throw new VirError(ErrorCode.INVALID_ARG, `Unsupported proxy mode '${proxy}'`, ErrorDomain.REMOTE);
  }
}

/** ssh's arguments, as libvirt builds them. */
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
  args.push(uri.host ?? 'localhost', '--', 'sh', '-c', quote(command));
  return args;
}

/** ssh to the host; with an auth callback (and a tty allowed) ssh's questions go to it. */
export async function openSSH(uri: VirURI, daemonName: string, readonly: boolean, auth?: ConnectAuth): Promise<Duplex> {
  const askpass = auth && uriParam(uri, 'no_tty') !== '1' ? await startAskpass(auth) : undefined;
  const stream = commandStream(uriParam(uri, 'command') ?? 'ssh', sshArgs(uri, remoteCommand(uri, daemonName, readonly)), askpass?.env);
  if (askpass) stream.on('close', () => askpass.close());
  return stream;
}

export async function openExt(uri: VirURI): Promise<Duplex> {
  const command = uriParam(uri, 'command');
  if (!command) throw new VirError(ErrorCode.INVALID_ARG, 'remote_open: for \'ext\' transport, command is required', ErrorDomain.REMOTE);
  return commandStream(command, []);
}
