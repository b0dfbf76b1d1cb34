import { remote } from '@tsvirt/remote/protocol';
import type { RemoteHandlers } from '../handler-table.js';
import { domainOf } from '../wire-objects.js';

const P = remote;

/** Domain calls that open a stream: the console runs both ways after the call's reply. */
export const domainStreamHandlers: RemoteHandlers = {
  [P.REMOTE_PROC_DOMAIN_OPEN_CONSOLE]: async (ctx, a, call) => {
    const console = await domainOf(ctx.conn, a.dom).openConsole(a.dev_name ?? undefined, a.flags);
    ctx.streams.download(call, console, console);
  },
};
