/** Waits (bounded) until `done` holds, failing with what did not happen: a wait on a state, not a sleep. */
export async function until(done: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
