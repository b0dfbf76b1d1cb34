import { isVirError } from '@tsvirt/util';

/** The message of the VirError a call is refused with; anything else (or no refusal) fails the test. */
export async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isVirError(e)) return e.message;
    throw e;
  }
  throw new Error('no refusal');
}
