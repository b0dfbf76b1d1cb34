import { ListSecretsFlags } from '@tsvirt/api';
import type { SecretDef } from '@tsvirt/conf';

const F = ListSecretsFlags;
export const LIST_FLAGS = F.EPHEMERAL | F.NO_EPHEMERAL | F.PRIVATE | F.NO_PRIVATE;

/** Whether a secret passes virConnectListAllSecrets' filters: each pair asks for one side, both or neither for all. */
export function matchesListFlags(def: SecretDef, flags: number): boolean {
  const pair = (yes: number, no: number, value: boolean): boolean =>
    !(flags & (yes | no)) || (value ? (flags & yes) !== 0 : (flags & no) !== 0);
  return pair(F.EPHEMERAL, F.NO_EPHEMERAL, def.ephemeral) && pair(F.PRIVATE, F.NO_PRIVATE, def.isPrivate);
}
