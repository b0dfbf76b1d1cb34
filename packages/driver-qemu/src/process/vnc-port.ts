import { createServer } from 'node:net';
import type { DomainDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { VNC_PORT_MIN } from '../command/device-args.js';
import { devicesOf } from '../devices/typed-devices.js';

/** libvirt's range of automatic VNC ports. */
const VNC_PORT_MAX = 65535;

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '0.0.0.0', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/**
 * The first free port from 5900 up for a domain whose VNC display has autoport, as libvirt
 * allocates it; undefined when the domain needs none. Another start may take it before QEMU
 * binds it: QEMU then fails and the start is rolled back with its message.
 */
export async function freeVncPort(def: DomainDef): Promise<number | undefined> {
  const g = devicesOf(def.devices, 'graphics').find((d) => d.type === 'vnc');
  if (!g || (g.autoport !== 'yes' && Number(g.port ?? -1) >= 0)) return undefined;
  for (let port = VNC_PORT_MIN; port <= VNC_PORT_MAX; port++) if (await canListen(port)) return port;
  throw new VirError(ErrorCode.INTERNAL_ERROR, 'Unable to find an unused port in range \'display\' (5900-65535)', ErrorDomain.QEMU);
}
