/** A CA, a server and a client certificate made with certtool, in libvirt's file names. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TLSFiles {
  /** The client's pkipath (cacert.pem, clientcert.pem, clientkey.pem). */
  readonly clientDir: string;
  readonly serverKey: string;
  readonly serverCert: string;
  readonly caCert: string;
}

function certtool(dir: string, args: string[], template: string): void {
  const tpl = join(dir, `t${Math.random().toString(36).slice(2)}.info`);
  writeFileSync(tpl, template);
  execFileSync('certtool', [...args, '--template', tpl], { stdio: 'ignore' });
}

export function makeCerts(dir: string, serverName = 'localhost'): TLSFiles {
  const clientDir = join(dir, 'client');
  mkdirSync(clientDir, { recursive: true });
  const f = (n: string) => join(dir, n);
  const key = (path: string) => execFileSync('certtool', ['--generate-privkey', '--outfile', path], { stdio: 'ignore' });
  key(f('cakey.pem'));
  certtool(dir, ['--generate-self-signed', '--load-privkey', f('cakey.pem'), '--outfile', f('cacert.pem')], 'cn = tsvirt test CA\nca\ncert_signing_key\nexpiration_days = 2\n');
  key(f('serverkey.pem'));
  certtool(dir, ['--generate-certificate', '--load-privkey', f('serverkey.pem'), '--load-ca-certificate', f('cacert.pem'), '--load-ca-privkey', f('cakey.pem'), '--outfile', f('servercert.pem')],
    `organization = tsvirt\ncn = ${serverName}\ndns_name = ${serverName}\ntls_www_server\nencryption_key\nsigning_key\nexpiration_days = 2\n`);
  key(join(clientDir, 'clientkey.pem'));
  certtool(dir, ['--generate-certificate', '--load-privkey', join(clientDir, 'clientkey.pem'), '--load-ca-certificate', f('cacert.pem'), '--load-ca-privkey', f('cakey.pem'), '--outfile', join(clientDir, 'clientcert.pem')],
    'organization = tsvirt\ncn = client\ntls_www_client\nencryption_key\nsigning_key\nexpiration_days = 2\n');
  execFileSync('cp', [f('cacert.pem'), join(clientDir, 'cacert.pem')]);
  return { clientDir, serverKey: f('serverkey.pem'), serverCert: f('servercert.pem'), caCert: f('cacert.pem') };
}
