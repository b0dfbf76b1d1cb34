import { noFdPassing, remote } from '@tsvirt/remote/protocol';
import type { RemoteHandlers } from '../handler-table.js';
import { domainOf, wireDomain } from '../wire-objects.js';

/**
 * The calls that bring descriptors (CALL_WITH_FDS). The session closes the received descriptors
 * when the call ends, as libvirtd frees its message: a driver that keeps them makes its own copies.
 */
export const domainFdHandlers: RemoteHandlers = {
  // virDomainFDAssociate: the group named for the domain, kept by the driver for this client's connection
  [remote.REMOTE_PROC_DOMAIN_FD_ASSOCIATE]: async (ctx, a, _call, fds) => {
    // a client on a socket that carries none (TCP, TLS, no addon) sent a count and bare carrier bytes
    const why = fds.length === 0 ? ctx.fdPassingMissing() : undefined;
    if (why) throw noFdPassing('virDomainFDAssociate', why);
    await domainOf(ctx.conn, a.dom).fdAssociate(a.name, fds, a.flags);
  },
  // a start handing the guest the descriptors (libvirt's client sends none as a plain call)
  [remote.REMOTE_PROC_DOMAIN_CREATE_WITH_FILES]: async (ctx, a, _call, fds) => {
    const d = domainOf(ctx.conn, a.dom);
    await d.createWithFiles(fds, a.flags);
    return { dom: wireDomain(d) };
  },
  [remote.REMOTE_PROC_DOMAIN_CREATE_XML_WITH_FILES]: async (ctx, a, _call, fds) => ({
    dom: wireDomain(await ctx.conn.createXMLWithFiles(a.xml_desc, fds, a.flags)),
  }),
};
