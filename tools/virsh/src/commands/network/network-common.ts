import type { Network } from '@tsvirt/api';
import { uuidShaped } from '../../uuid-string.js';
import type { OptDef } from '../../vsh/command-def.js';
import type { Ctl } from '../../vsh/ctl.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { lookupObject, type LookupAttempt } from '../../object-lookup.js';
import type { ObjectKind } from '../shared/object-command.js';

/** Which ways a command lets the user name a network (virsh's VIRSH_BYUUID/BYNAME). */
export interface NetworkLookupWays {
  readonly byUUID?: boolean;
  readonly byName?: boolean;
}

export function networkOpt(help = 'network name or uuid'): OptDef {
  return { name: 'network', type: 'string', positional: true, required: true, help };
}

/** The network named by option `network`: as a UUID when it is one, then as a name. */
export async function networkArg(ctl: Ctl, cmd: ParsedCommand, ways: NetworkLookupWays = { byUUID: true, byName: true }): Promise<Network> {
  const conn = await ctl.connect();
  return lookupObject(ctl, cmd, 'network', (text) => {
    const attempts: Array<LookupAttempt<Network>> = [];
    if (ways.byUUID && uuidShaped(text)) attempts.push(['trying as network UUID', () => conn.networkLookupByUUIDString(text)]);
    if (ways.byName) attempts.push(['trying as network NAME', () => conn.networkLookupByName(text)]);
    return attempts;
  }, (text) => `failed to get network '${text}'`);
}

/** Networks as command objects: option `network`, found by UUID or name. */
export const NETWORK: ObjectKind<Network, NetworkLookupWays> = { option: networkOpt, find: networkArg };
