import { ErrorCode, VirError, type Domain, type DomainCheckpoint } from '@tsvirt/api';
import type { OptDef } from '../../vsh/command-def.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { VshError } from '../../vsh/vsh-error.js';

export const CHECKPOINT_GROUP = 'checkpoint';

export const checkpointNameOpt = (help: string): OptDef => ({ name: 'checkpointname', type: 'string', help });

/** The checkpoint a command names by `--ARG NAME` (virshLookupCheckpoint): required, a failed lookup reports libvirt's error. */
export async function lookupCheckpoint(cmd: ParsedCommand, dom: Domain, arg = 'checkpointname'): Promise<DomainCheckpoint> {
  const name = cmd.string(arg);
  if (name === undefined) throw new VshError(`--${arg} is required`);
  return dom.checkpointLookupByName(name);
}

/** The parent's name, or undefined for a root (virshGetCheckpointParent: a missing parent is no error). */
export async function checkpointParentName(cp: DomainCheckpoint): Promise<string | undefined> {
  try {
    return (await cp.getParent()).getName();
  } catch (e) {
    if (e instanceof VirError && e.code === ErrorCode.NO_DOMAIN_CHECKPOINT) return undefined;
    throw e;
  }
}
