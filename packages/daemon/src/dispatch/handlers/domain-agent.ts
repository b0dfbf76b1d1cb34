import { remote } from '@tsvirt/remote/protocol';
import type { RemoteHandlers } from '../handler-table.js';
import type { ClientContext } from '../client-context.js';
import { domainOf } from '../wire-objects.js';

const P = remote;
const dom = (ctx: ClientContext, d: remote.remote_nonnull_domain) => domainOf(ctx.conn, d);

/** Calls the guest agent answers: file systems, users' passwords and SSH keys, interface addresses. */
export const domainAgentHandlers: RemoteHandlers = {
  [P.REMOTE_PROC_DOMAIN_FSFREEZE]: async (ctx, a) => ({ filesystems: await dom(ctx, a.dom).fsFreeze(a.mountpoints, a.flags) }),
  [P.REMOTE_PROC_DOMAIN_FSTHAW]: async (ctx, a) => ({ filesystems: await dom(ctx, a.dom).fsThaw(a.mountpoints, a.flags) }),
  [P.REMOTE_PROC_DOMAIN_FSTRIM]: async (ctx, a) => dom(ctx, a.dom).fsTrim(a.mountPoint ?? undefined, a.minimum, a.flags),
  [P.REMOTE_PROC_DOMAIN_GET_FSINFO]: async (ctx, a) => {
    const info = await dom(ctx, a.dom).getFSInfo(a.flags);
    return { info: info.map((f) => ({ mountpoint: f.mountpoint, name: f.name, fstype: f.fstype, dev_aliases: [...f.devAliases] })), ret: info.length };
  },
  [P.REMOTE_PROC_DOMAIN_SET_USER_PASSWORD]: async (ctx, a) => dom(ctx, a.dom).setUserPassword(a.user ?? '', a.password ?? '', a.flags),
  [P.REMOTE_PROC_DOMAIN_AUTHORIZED_SSH_KEYS_GET]: async (ctx, a) => ({ keys: await dom(ctx, a.dom).authorizedSSHKeysGet(a.user, a.flags) }),
  [P.REMOTE_PROC_DOMAIN_AUTHORIZED_SSH_KEYS_SET]: async (ctx, a) => dom(ctx, a.dom).authorizedSSHKeysSet(a.user, a.keys, a.flags),
  [P.REMOTE_PROC_DOMAIN_INTERFACE_ADDRESSES]: async (ctx, a) => ({
    ifaces: (await dom(ctx, a.dom).interfaceAddresses(a.source, a.flags)).map((i) => ({ name: i.name, hwaddr: i.hwaddr ?? null, addrs: [...i.addrs] })),
  }),
};
