import { remote } from '@tsvirt/remote/protocol';
import type { RemoteHandlers } from '../handler-table.js';
import { uuidText } from '../wire-objects.js';

const P = remote;
const LIFECYCLE = 0;

/** Registering and removing event callbacks. */
export const eventHandlers: RemoteHandlers = {
  [P.REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY]: async (ctx, a) => ({
    callbackID: ctx.events.registerDomain(a.eventID, a.dom ? uuidText(a.dom.uuid) : undefined),
  }),
  [P.REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY]: async (ctx, a) => ctx.events.deregisterDomain({ id: a.callbackID }),
  [P.REMOTE_PROC_CONNECT_DOMAIN_EVENT_REGISTER]: async (ctx) => {
    ctx.events.registerDomain(LIFECYCLE, undefined, true);
    return { cb_registered: 1 };
  },
  [P.REMOTE_PROC_CONNECT_DOMAIN_EVENT_DEREGISTER]: async (ctx) => {
    ctx.events.deregisterDomain({ legacyEventID: LIFECYCLE });
    return { cb_registered: 0 };
  },
  [P.REMOTE_PROC_CONNECT_DOMAIN_EVENT_REGISTER_ANY]: async (ctx, a) => {
    ctx.events.registerDomain(a.eventID, undefined, true);
  },
  [P.REMOTE_PROC_CONNECT_DOMAIN_EVENT_DEREGISTER_ANY]: async (ctx, a) => ctx.events.deregisterDomain({ legacyEventID: a.eventID }),
};
