import { stat } from 'node:fs/promises';

/** `major:minor` of a block or character device node (Linux's encoding of st_rdev), undefined for other files. */
export async function deviceKey(path: string): Promise<string | undefined> {
  let st;
  try {
    st = await stat(path, { bigint: true });
  } catch {
    return undefined;
  }
  if (!st.isBlockDevice() && !st.isCharacterDevice()) return undefined;
  const dev = st.rdev;
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return `${major}:${minor}`;
}
