import { remote } from '@tsvirt/remote/protocol';
import type { RemoteHandlers } from '../handler-table.js';
import type { ClientContext } from '../client-context.js';
import { domainOf } from '../wire-objects.js';

const P = remote;
const dom = (ctx: ClientContext, d: remote.remote_nonnull_domain) => domainOf(ctx.conn, d);

/** Calls the guest agent answers beside those of domain-guest.ts: freezing and trimming file systems, users' SSH keys. */
export const domainAgentHandlers: RemoteHandlers = {
  [P.REMOTE_PROC_DOMAIN_FSFREEZE]: async (ctx, a) => ({ filesystems: await dom(ctx, a.dom).fsFreeze(a.mountpoints, a.flags) }),
  [P.REMOTE_PROC_DOMAIN_FSTHAW]: async (ctx, a) => ({ filesystems: await dom(ctx, a.dom).fsThaw(a.mountpoints, a.flags) }),
  [P.REMOTE_PROC_DOMAIN_FSTRIM]: async (ctx, a) => dom(ctx, a.dom).fsTrim(a.mountPoint ?? undefined, a.minimum, a.flags),
  [P.REMOTE_PROC_DOMAIN_AUTHORIZED_SSH_KEYS_GET]: async (ctx, a) => ({ keys: await dom(ctx, a.dom).authorizedSSHKeysGet(a.user, a.flags) }),
  [P.REMOTE_PROC_DOMAIN_AUTHORIZED_SSH_KEYS_SET]: async (ctx, a) => dom(ctx, a.dom).authorizedSSHKeysSet(a.user, a.keys, a.flags),
};
