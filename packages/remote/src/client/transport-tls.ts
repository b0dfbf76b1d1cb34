/**
 * The `tls` transport: node:tls with libvirt's certificate files. The CA, client certificate and
 * key are `cacert.pem`, `clientcert.pem` and `clientkey.pem` in `pkipath=` when given; else, for a
 * user with `~/.pki/libvirt/`, there; else libvirt's system paths. `no_verify=1` skips the check
 * of the server's certificate (its chain and name), as libvirt's client does.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { ErrorCode, ErrorDomain, VirError, errnoText, uriParam, type VirURI } from '@tsvirt/util';
import { TLS_PORT } from './ports.js';

/** Where the client's CA certificate, certificate and key are. */
export function tlsFiles(uri: VirURI): { ca: string; cert: string; key: string } {
  const dir = uriParam(uri, 'pkipath');
  if (dir) return { ca: join(dir, 'cacert.pem'), cert: join(dir, 'clientcert.pem'), key: join(dir, 'clientkey.pem') };
  const user = join(homedir(), '.pki/libvirt');
  if (process.getuid?.() !== 0 && existsSync(join(user, 'clientcert.pem'))) {
    return { ca: join(user, 'cacert.pem'), cert: join(user, 'clientcert.pem'), key: join(user, 'clientkey.pem') };
  }
  return { ca: '/etc/pki/CA/cacert.pem', cert: '/etc/pki/libvirt/clientcert.pem', key: '/etc/pki/libvirt/private/clientkey.pem' };
}

function readPEM(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const text = `Cannot read ${what} '${path}': ${errnoText(e as NodeJS.ErrnoException)}`;
    throw new VirError(ErrorCode.SYSTEM_ERROR, text, ErrorDomain.RPC, { message: text });
  }
}

export function openTLS(uri: VirURI): Promise<Duplex> {
  const files = tlsFiles(uri);
  const noVerify = uriParam(uri, 'no_verify') === '1';
  const host = uri.host ?? 'localhost';
  const port = uri.port ?? TLS_PORT;
  const options: tls.ConnectionOptions = {
    host,
    port,
    ca: noVerify && !existsSync(files.ca) ? undefined : readPEM(files.ca, 'CA certificate'),
    cert: readPEM(files.cert, 'certificate'),
    key: readPEM(files.key, 'private key'),
    rejectUnauthorized: !noVerify,
    servername: /^[\d.:]+$/.test(host) ? undefined : host,
  };
  return new Promise((resolve, reject) => {
    const s = tls.connect(options);
    // after the handshake the server checks our certificate and address, and sends one byte,
    // 1, when we pass; it hangs up when we do not
    const refused = () => {
      const text = 'server verification (of our certificate or IP address) failed';
      reject(new VirError(ErrorCode.AUTH_FAILED, text, ErrorDomain.RPC, { message: `authentication failed: ${text}` }));
    };
    s.once('secureConnect', () => {
      const onReadable = () => {
        const b = s.read(1) as Buffer | null;
        if (b === null) return;
        s.off('readable', onReadable);
        s.off('end', refused);
        s.removeAllListeners('error');
        if (b[0] === 1) resolve(s);
        else {
          s.destroy();
          refused();
        }
      };
      s.on('readable', onReadable);
      s.once('end', refused);
    });
    s.once('error', (e: NodeJS.ErrnoException) => {
      const text = e.code?.startsWith('ERR_TLS') || /certificate|altnames|self.signed/i.test(e.message)
        ? `Unable to verify TLS peer: ${e.message}`
        : `Failed to connect socket to '${host}:${port}': ${errnoText(e)}`;
      const code = text.startsWith('Unable') ? ErrorCode.AUTH_FAILED : ErrorCode.SYSTEM_ERROR;
      reject(new VirError(code, text, ErrorDomain.RPC, { message: code === ErrorCode.AUTH_FAILED ? `authentication failed: ${text}` : text, cause: e }));
    });
  });
}
