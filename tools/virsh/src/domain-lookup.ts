import type { Connection, Domain } from '@tsvirt/api';
import { parseUUID } from '@tsvirt/conf';
import { CommandFailed } from './vsh/ctl.js';

/** Which ways a command lets the user name a domain (virsh's VIRSH_BYID/BYUUID/BYNAME). */
export interface LookupWays {
  readonly byId?: boolean;
  readonly byUUID?: boolean;
  readonly byName?: boolean;
}

const ALL: LookupWays = { byId: true, byUUID: true, byName: true };

/**
 * Finds a domain the way virsh does: a number is tried as an id, a UUID as a UUID, then the text
 * as a name; only the last failure's message is lost, as virsh replaces it with its own.
 */
export async function lookupDomain(conn: Connection, text: string, ways: LookupWays = ALL): Promise<Domain> {
  const attempts: Array<() => Promise<Domain>> = [];
  if (ways.byId && /^\d+$/.test(text) && Number(text) <= 0x7fffffff) attempts.push(() => conn.lookupByID(Number(text)));
  if (ways.byUUID && parseUUID(text)) attempts.push(() => conn.lookupByUUIDString(text));
  if (ways.byName) attempts.push(() => conn.lookupByName(text));
  for (const attempt of attempts) {
    try {
      return await attempt();
    } catch {
      // try the next way, as virsh does
    }
  }
  throw new CommandFailed(`failed to get domain '${text}'`);
}
