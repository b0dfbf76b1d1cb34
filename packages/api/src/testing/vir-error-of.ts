import { VirError } from '@tsvirt/util';

/**
 * What a call or promise failed with, which must be a VirError: a success or any other error is
 * itself an error, so a test cannot pass on the wrong kind of failure.
 */
export async function virErrorOf(call: Promise<unknown> | (() => unknown)): Promise<VirError> {
  try {
    await (typeof call === 'function' ? call() : call);
  } catch (e) {
    if (e instanceof VirError) return e;
    throw new Error(`expected a VirError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, { cause: e });
  }
  throw new Error('expected a VirError, the call succeeded');
}
