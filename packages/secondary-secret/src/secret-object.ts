import type { SecretDef } from '@tsvirt/conf';

/** One secret: its definition and its value, if one was set. */
export interface SecretObject {
  readonly def: SecretDef;
  readonly value?: Uint8Array;
}
