import { readFile, stat } from 'node:fs/promises';
import { ErrorCode, VirError } from '@tsvirt/util';

/** The SASL user database: each user's password, by name. */
export type SaslUsers = ReadonlyMap<string, string>;

const refuse = (path: string, why: string): VirError =>
  new VirError(ErrorCode.CONF_SYNTAX, `cannot use the SASL user database '${path}': ${why}`, undefined, { message: `cannot use the SASL user database '${path}': ${why}` });

/**
 * Reads `--sasl-users FILE`: one `NAME:PASSWORD` a line (the password is the rest of the line,
 * colons included), `#` comments and blank lines ignored, as `saslpasswd2` keeps one secret per
 * user. Like any file of secrets, it must be readable by its owner only; anything else stops the start.
 */
export async function loadSaslUsers(path: string): Promise<SaslUsers> {
  let text: string;
  try {
    if ((await stat(path)).mode & 0o077) throw refuse(path, 'it must not be accessible to other users (chmod 600)');
    text = await readFile(path, 'utf8');
  } catch (e) {
    if (e instanceof VirError) throw e;
    throw refuse(path, (e as Error).message);
  }
  const users = new Map<string, string>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const at = line.indexOf(':');
    if (at <= 0) throw refuse(path, `line ${i + 1}: expected NAME:PASSWORD`);
    users.set(line.slice(0, at), line.slice(at + 1));
  });
  if (users.size === 0) throw refuse(path, 'it names no user');
  return users;
}
