import { parseArgs } from 'node:util';
import { ErrorCode, VirError } from '@tsvirt/util';

/** A `--listen tcp://ADDR:PORT` (or `tls://`) endpoint. */
export interface TcpEndpoint {
  readonly host: string;
  readonly port: number;
  /** TLS with client certificates (`tls://`), as libvirtd's `listen_tls`. */
  readonly tls?: true;
}

/** What tsvirtd is started with (its command line, parsed). */
export interface DaemonOptions {
  /** The embed root served (`--root DIR`); undefined for the host's own root (system or session). */
  readonly root: string | undefined;
  /** Where the sockets go (`--socket-dir`); undefined for the served root's run directory. */
  readonly socketDir: string | undefined;
  /** Exit after this many seconds with no client and nothing to watch (`--timeout`); 0 never. */
  readonly timeoutSecs: number;
  /** The pid file (`--pid-file`); undefined for `tsvirtd.pid` in the run directory. */
  readonly pidFile: string | undefined;
  /** Extra TCP listeners (`--listen tcp://ADDR:PORT` or `tls://ADDR:PORT`, repeatable). */
  readonly listen: readonly TcpEndpoint[];
  /** Where the TLS listeners' cacert.pem, servercert.pem and serverkey.pem are (`--pkipath`); undefined for libvirt's system paths. */
  readonly pkipath: string | undefined;
  /** Whether clients other than root may use the read-write socket (`--rw-any`, mode 0777 not 0700). */
  readonly rwAnyUser: boolean;
  /** How the TCP and TLS listeners authenticate clients (`--auth-tcp`, `--auth-tls`: libvirtd's `auth_tcp`, `auth_tls`). */
  readonly authTcp: AuthType;
  readonly authTls: AuthType;
  /** The SASL user database (`--sasl-users FILE`), needed when a listener asks for SASL. */
  readonly saslUsers: string | undefined;
}

/** A listener's authentication: none, or SASL (libvirtd's `auth_tcp`/`auth_tls` values that tsvirtd offers). */
export type AuthType = 'none' | 'sasl';

/** What the command line asks for: run, or print help or the version. */
export type DaemonCommand = { readonly kind: 'run'; readonly options: DaemonOptions } | { readonly kind: 'help' | 'version' };

export const USAGE = `Usage: tsvirtd [OPTION]...

Serves libvirt's remote protocol on unix sockets, dispatching to tsvirt's drivers.

  -r, --root DIR          serve the embed root DIR (default: the host's root)
  -s, --socket-dir DIR    put tsvirt-sock and tsvirt-sock-ro in DIR
                          (default: the run directory of the root)
  -t, --timeout SECS      exit after SECS seconds with no client (0: never)
  -p, --pid-file PATH     write the pid to PATH (default: RUNDIR/tsvirtd.pid)
  -l, --listen URI        also listen on tcp://ADDR:PORT or on tls://ADDR:PORT
                          (client certificates; repeatable)
      --pkipath DIR       the TLS CA certificate, server certificate and key:
                          DIR/cacert.pem, DIR/servercert.pem, DIR/serverkey.pem
                          (default: /etc/pki/CA/cacert.pem,
                          /etc/pki/libvirt/servercert.pem,
                          /etc/pki/libvirt/private/serverkey.pem)
      --auth-tcp TYPE     authentication on tcp:// listeners: none (default)
                          or sasl (SCRAM-SHA-256, SCRAM-SHA-1)
      --auth-tls TYPE     authentication on tls:// listeners: none (default:
                          the client certificate) or sasl (SCRAM, PLAIN)
      --sasl-users FILE   the SASL users: NAME:PASSWORD a line, mode 0600
      --rw-any            let any user connect to the read-write socket (mode 0777)
  -h, --help              this text
  -V, --version           the version
`;

function bad(text: string): VirError {
  return new VirError(ErrorCode.INVALID_ARG, text, undefined, { message: text });
}

/** Parses `tcp://ADDR:PORT` or `tls://ADDR:PORT` (an IPv6 address in brackets). */
export function parseListen(uri: string): TcpEndpoint {
  const m = /^(tcp|tls):\/\/(\[[^\]]+\]|[^:/]*):(\d+)\/?$/.exec(uri);
  const port = m ? Number(m[3]) : NaN;
  if (!m || !(port >= 0 && port <= 65535)) throw bad(`invalid listen address '${uri}': expected tcp://ADDR:PORT or tls://ADDR:PORT`);
  const ep = { host: m[2]!.replace(/^\[(.*)\]$/, '$1') || '0.0.0.0', port };
  return m[1] === 'tls' ? { ...ep, tls: true } : ep;
}

function parseAuth(option: string, text: string | undefined): AuthType {
  if (text === undefined || text === 'none' || text === 'sasl') return text ?? 'none';
  throw bad(`invalid ${option} '${text}': expected none or sasl`);
}

function parseTimeout(text: string | undefined): number {
  if (text === undefined) return 0;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) throw bad(`invalid timeout '${text}': expected whole seconds`);
  return n;
}

/** Parses tsvirtd's arguments; a bad one is an INVALID_ARG VirError naming it. */
export function parseDaemonArgs(argv: readonly string[]): DaemonCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        root: { type: 'string', short: 'r' },
        'socket-dir': { type: 'string', short: 's' },
        timeout: { type: 'string', short: 't' },
        'pid-file': { type: 'string', short: 'p' },
        listen: { type: 'string', short: 'l', multiple: true },
        'rw-any': { type: 'boolean' },
        pkipath: { type: 'string' },
        'auth-tcp': { type: 'string' },
        'auth-tls': { type: 'string' },
        'sasl-users': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'V' },
      },
    }));
  } catch (e) {
    throw bad((e as Error).message);
  }
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const authTcp = parseAuth('--auth-tcp', values['auth-tcp']);
  const authTls = parseAuth('--auth-tls', values['auth-tls']);
  if ((authTcp === 'sasl' || authTls === 'sasl') && values['sasl-users'] === undefined) throw bad('SASL authentication needs --sasl-users FILE');
  return {
    kind: 'run',
    options: {
      root: values.root,
      socketDir: values['socket-dir'],
      timeoutSecs: parseTimeout(values.timeout),
      pidFile: values['pid-file'],
      listen: (values.listen ?? []).map(parseListen),
      rwAnyUser: values['rw-any'] ?? false,
      pkipath: values.pkipath,
      authTcp,
      authTls,
      saslUsers: values['sasl-users'],
    },
  };
}
