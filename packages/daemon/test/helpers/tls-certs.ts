import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const openssl = (...args: string[]): void => void execFileSync('openssl', args, { stdio: 'ignore' });

/**
 * A CA and a certificate it signs for `purpose` in `dir` (libvirt's names: cacert.pem, and
 * servercert.pem/serverkey.pem or clientcert.pem/clientkey.pem), made with openssl.
 */
export function issue(ca: string, dir: string, role: 'server' | 'client'): void {
  mkdirSync(dir, { recursive: true });
  const ext = join(dir, `${role}.ext`);
  writeFileSync(ext, role === 'server'
    ? 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n'
    : 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n');
  const key = join(dir, `${role}key.pem`);
  const csr = join(dir, `${role}.csr`);
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', `/O=tsvirt/CN=${role === 'server' ? 'localhost' : 'client'}`);
  openssl('x509', '-req', '-in', csr, '-CA', join(ca, 'cacert.pem'), '-CAkey', join(ca, 'cakey.pem'), '-CAcreateserial',
    '-out', join(dir, `${role}cert.pem`), '-days', '2', '-extfile', ext);
  copyFileSync(join(ca, 'cacert.pem'), join(dir, 'cacert.pem'));
}

export function makeCA(dir: string): void {
  mkdirSync(dir, { recursive: true });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'cakey.pem'), '-out', join(dir, 'cacert.pem'),
    '-days', '2', '-subj', '/CN=tsvirtd test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
}
