import { VirError } from '@tsvirt/util';

/** The VirError `fn` throws; anything else thrown is rethrown, and an accepted call fails the test. */
export function errorOf(fn: () => unknown): VirError {
  try {
    fn();
  } catch (e) {
    if (e instanceof VirError) return e;
    throw e;
  }
  throw new Error('accepted');
}
