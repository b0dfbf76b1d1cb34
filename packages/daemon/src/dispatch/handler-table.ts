import type { remote } from '@tsvirt/remote/protocol';
import type { ClientContext } from './client-context.js';
import { connectHandlers } from './handlers/connect.js';
import { domainHandlers } from './handlers/domain.js';
import { domainInfoHandlers } from './handlers/domain-info.js';
import { eventHandlers } from './handlers/events.js';
import { networkHandlers } from './handlers/network.js';
import { storageHandlers } from './handlers/storage.js';

type Calls = remote.remote_calls;

/** The server side of one remote procedure: its decoded arguments in, its reply value out. */
export type Handler<P extends keyof Calls> = (ctx: ClientContext, args: Calls[P]['args']) => Promise<Calls[P]['ret']>;

/**
 * The dispatch table of the remote program: procedure number → a call of @tsvirt/api. Each
 * handler is typed by the generated `remote_calls` map, so a wrong argument or reply shape is a
 * compile error; a procedure without a handler answers libvirt's `unknown procedure` error.
 */
export type RemoteHandlers = { readonly [P in keyof Calls]?: Handler<P> };

const remoteHandlers: RemoteHandlers = {
  ...connectHandlers,
  ...eventHandlers,
  ...domainHandlers,
  ...domainInfoHandlers,
  ...networkHandlers,
  ...storageHandlers,
};

type AnyHandler = (ctx: ClientContext, args: unknown) => Promise<unknown>;

/** The handler of a procedure of a program, if the daemon serves it. */
export function handlerFor(program: string, proc: number): AnyHandler | undefined {
  if (program !== 'remote') return undefined;
  return remoteHandlers[proc as keyof Calls] as AnyHandler | undefined;
}

/** Procedure numbers the daemon serves (for its README's coverage figure and tests). */
export function servedProcedures(): number[] {
  return Object.keys(remoteHandlers).map(Number);
}
