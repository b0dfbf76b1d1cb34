/**
 * ssh's questions (a password, a key's passphrase, a host key's yes/no) answered by the caller's
 * auth callback: ssh runs `SSH_ASKPASS` with the prompt when told to (`SSH_ASKPASS_REQUIRE=force`);
 * ours is a tiny script that asks this process over a private unix socket and prints the answer.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectCredentialType, type ConnectAuth, type ConnectCredential } from '@tsvirt/api';

/** What the askpass script runs: sends its prompt, prints the answer, fails when there is none. */
const HELPER = `const s = require('node:net').connect(process.argv[1]); let a = '';
s.on('connect', () => s.end(process.argv[2] || ''));
s.on('data', (d) => (a += d)); s.on('error', () => process.exit(1));
s.on('close', () => { if (!a) process.exit(1); process.stdout.write(a + '\\n'); });`;

/** The credential an ssh prompt asks for, among the types the callback answers. */
function credentialFor(prompt: string, credtype: readonly ConnectCredentialType[]): ConnectCredential | undefined {
  const wanted = /\(yes\/no/.test(prompt)
    ? [ConnectCredentialType.ECHOPROMPT]
    : [ConnectCredentialType.NOECHOPROMPT, ConnectCredentialType.PASSPHRASE];
  const type = wanted.find((t) => credtype.includes(t));
  return type === undefined ? undefined : { type, prompt: prompt.trim(), challenge: 'ssh' };
}

export interface Askpass {
  /** The environment that makes ssh ask through the callback. */
  readonly env: Readonly<Record<string, string>>;
  close(): void;
}

/** Starts answering ssh's prompts with `auth`; close() once ssh is done asking. */
export async function startAskpass(auth: ConnectAuth): Promise<Askpass> {
  const dir = mkdtempSync(join(tmpdir(), 'tsvirt-askpass-'));
  const sock = join(dir, 'sock');
  const script = join(dir, 'askpass');
  writeFileSync(script, `#!/bin/sh\nexec '${process.execPath}' -e "$TSVIRT_ASKPASS_JS" '${sock}' "$1"\n`, { mode: 0o700 });
  chmodSync(script, 0o700);
  // half open: the script ends its side after the prompt and still reads the answer
  const server: Server = createServer({ allowHalfOpen: true }, (c) => {
    let prompt = '';
    c.on('data', (d: Buffer) => (prompt += d));
    c.on('error', () => undefined);
    c.on('end', () => {
      const cred = credentialFor(prompt, auth.credtype);
      if (!cred) return void c.end();
      Promise.resolve().then(() => auth.callback([cred])).then(
        () => c.end(cred.result ?? cred.defresult ?? ''),
        () => c.end(),
      );
    });
  });
  await new Promise<void>((ok) => server.listen(sock, ok));
  server.unref();
  return {
    env: { SSH_ASKPASS: script, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: process.env.DISPLAY ?? ':0', TSVIRT_ASKPASS_JS: HELPER },
    close() {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
