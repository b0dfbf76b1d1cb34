import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { ErrorCode, ErrorDomain, VirError, uriParam, type VirURI } from '@tsvirt/util';

/** Where one instance of the driver keeps everything (libvirt's per-mode directory layout). */
export interface DriverPaths {
  /** The canonical URI of the instance (`qemu:///system`, `qemu:///embed?root=/dir`). */
  readonly uri: string;
  /** Persistent domain definitions (`<name>.xml`). */
  readonly configDir: string;
  /** Status files of running domains, locks and per-run directories (monitor socket, pid file). */
  readonly stateDir: string;
  /** Images, saves and other long-lived data. */
  readonly libDir: string;
  /** QEMU's log of each domain. */
  readonly logDir: string;
}

const D = ErrorDomain.QEMU;

/** An embedded driver's root, refused in libvirt's words (virt_driver's embed checks). */
function embedRoot(uri: VirURI): string {
  const root = uriParam(uri, 'root');
  if (root === undefined) throw new VirError(ErrorCode.INVALID_ARG, "Missing URI parameter 'root'", ErrorDomain.URI);
  if (!isAbsolute(root)) throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, 'root path must be absolute', ErrorDomain.NONE);
  return root;
}

/** The layout for a URI, or 'declined' when the URI is not a QEMU one this driver serves. */
export function pathsForURI(uri: VirURI, env: NodeJS.ProcessEnv = process.env): DriverPaths | 'declined' {
  if (uri.driver !== 'qemu') return 'declined';
  switch (uri.path) {
    case '/system':
      if (process.getuid?.() !== 0) {
        throw new VirError(ErrorCode.INTERNAL_ERROR, `unexpected qemu URI path '/system', try qemu:///session`, ErrorDomain.NONE);
      }
      return {
        uri: 'qemu:///system',
        configDir: '/etc/tsvirt/qemu',
        stateDir: '/run/tsvirt/qemu',
        libDir: '/var/lib/tsvirt/qemu',
        logDir: '/var/log/tsvirt/qemu',
      };
    case '/session': {
      const config = env['XDG_CONFIG_HOME'] || join(homedir(), '.config');
      const cache = env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
      const runtime = env['XDG_RUNTIME_DIR'] || join(cache, 'tsvirt', 'run');
      return {
        uri: 'qemu:///session',
        configDir: join(config, 'tsvirt', 'qemu'),
        stateDir: join(runtime, 'tsvirt', 'qemu', 'run'),
        libDir: join(config, 'tsvirt', 'qemu', 'lib'),
        logDir: join(cache, 'tsvirt', 'qemu', 'log'),
      };
    }
    case '/embed': {
      const r = resolve(embedRoot(uri));
      return {
        uri: `qemu:///embed?root=${r}`,
        configDir: join(r, 'etc', 'qemu'),
        stateDir: join(r, 'run', 'qemu'),
        libDir: join(r, 'lib', 'qemu'),
        logDir: join(r, 'log', 'qemu'),
      };
    }
    default:
      // libvirt reads `qemu:session` as a server name, and says so.
      if (uri.path !== '' && !uri.path.startsWith('/')) {
        throw new VirError(ErrorCode.INTERNAL_ERROR, `invalid URI qemu://${uri.path} (maybe you want qemu:///${uri.path})`, ErrorDomain.NONE);
      }
      throw new VirError(ErrorCode.INTERNAL_ERROR, `unexpected qemu URI path '${uri.path}', try qemu:///system`, ErrorDomain.NONE);
  }
}

/**
 * Whether a domain name can name a file of the root: a single path component that cannot climb
 * out of its directory. Define refuses other names (conf's checks, libvirt's words); a lookup of
 * one finds nothing, so a name never becomes a path outside the root.
 */
export function isFileSafeName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[/\0\n]/.test(name);
}

/** A name as a file name of the root; an unsafe one is a bug of the caller, refused before any file is touched. */
function fileName(name: string): string {
  if (!isFileSafeName(name)) throw new VirError(ErrorCode.INTERNAL_ERROR, `domain name '${name}' cannot name a file`, D);
  return name;
}

/**
 * The directory of one run of a domain: monitor socket and pid file. The name is shortened as
 * libvirt does, because a unix socket path may not exceed 107 bytes.
 */
export function runDir(p: DriverPaths, id: number, name: string): string {
  return join(p.stateDir, `domain-${id}-${fileName(name).slice(0, 20)}`);
}

export function logFile(p: DriverPaths, name: string): string {
  return join(p.logDir, `${fileName(name)}.log`);
}
