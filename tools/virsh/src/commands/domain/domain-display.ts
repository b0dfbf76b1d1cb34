import type { Domain } from '@tsvirt/api';
import { childElements, firstChild, parseDevice, parseXml, type DeviceOf } from '@tsvirt/conf';
import { DOMAIN } from '../../domain-lookup.js';
import type { Ctl } from '../../vsh/ctl.js';
import { VshError } from '../../vsh/vsh-error.js';
import { objectCommand } from '../shared/object-command.js';
import { boolOpt } from '../shared/modify-impact.js';

type Graphics = DeviceOf<'graphics'>;

/** The first port libvirt gives a display, display :0. */
const DISPLAY_BASE = 5900;
/** The display types domdisplay looks for, in virsh's order. */
const DISPLAY_TYPES = ['vnc', 'spice', 'rdp', 'dbus'] as const;

/**
 * The graphics of a running domain's live XML, as written: conf's domain parser would apply
 * define-time defaults (an autoport display's port back to -1). virsh refuses an inactive domain first.
 */
async function liveGraphics(dom: Domain): Promise<Graphics[]> {
  if (!(await dom.isActive())) throw new VshError('Domain is not running');
  const devices = firstChild(parseXml(await dom.getXMLDesc(), 'domain'), 'devices');
  return devices ? childElements(devices, 'graphics').map((el) => parseDevice(el) as Graphics) : [];
}

/** The address a display listens on: the `listen` attribute, else the first address listen. */
const listenOf = (g: Graphics): string | undefined => g.listenAddress ?? g.listens?.find((l) => l.type === 'address')?.address;
const isWildcard = (addr: string | undefined): boolean => addr === undefined || addr === '0.0.0.0' || addr === '::';

export const vncdisplay = objectCommand({
  name: 'vncdisplay',
  group: 'domain',
  help: 'vnc display',
  desc: 'Output the IP address and port number for the VNC display.',
  object: DOMAIN,
  async run(dom, ctl) {
    const vnc = (await liveGraphics(dom)).find((g) => g.type === 'vnc');
    const port = vnc?.port;
    if (port === undefined || port <= 0) throw new VshError('Failed to get VNC port. Is this domain using VNC?');
    const addr = listenOf(vnc!);
    ctl.print(`${isWildcard(addr) ? '' : addr}:${port - DISPLAY_BASE}\n`);
    return true;
  },
});

/** A display's connection URI as virsh builds it; undefined when it has no port yet. */
async function displayURI(ctl: Ctl, g: Graphics, type: string): Promise<string | undefined> {
  const port = g.port;
  const socket = g.socket ?? g.listens?.find((l) => l.type === 'socket')?.socket;
  if (socket !== undefined && type !== 'spice') return `${type}+unix://${socket}`;
  if ((port === undefined || port <= 0) && (g.tlsPort === undefined || type !== 'spice')) return undefined;
  const listen = listenOf(g);
  const host = isWildcard(listen) ? await (await ctl.connect()).getHostname() : listen!;
  const shown = host.includes(':') ? `[${host}]` : host;
  const portPart = port !== undefined && port > 0 ? `:${type === 'vnc' ? port - DISPLAY_BASE : port}` : '';
  const tls = type === 'spice' && g.tlsPort !== undefined ? `${portPart ? '?' : ''}tls-port=${g.tlsPort}` : '';
  return `${type}://${shown}${portPart}${tls}`;
}

export const domdisplay = objectCommand({
  name: 'domdisplay',
  group: 'domain',
  help: 'domain display connection URI',
  desc: 'Output the IP address and port number for the graphical display.',
  object: DOMAIN,
  options: [
    boolOpt('include-password', 'includes the password into the connection URI if available'),
    { name: 'type', type: 'string', help: 'select particular graphical display (e.g. "vnc", "spice", "rdp", "dbus")' },
    boolOpt('all', 'show all possible graphical displays'),
  ],
  async run(dom, ctl, cmd) {
    const graphics = await liveGraphics(dom);
    const only = cmd.string('type');
    const all = cmd.bool('all');
    let found = false;
    for (const type of DISPLAY_TYPES) {
      if (only !== undefined && only !== type) continue;
      for (const g of graphics.filter((x) => x.type === type)) {
        const uri = await displayURI(ctl, g, type);
        if (uri === undefined) continue;
        // virsh ends the URI with a newline only when it lists them all.
        ctl.print(all ? `${uri}\n` : uri);
        found = true;
        if (!all) return true;
      }
    }
    if (!found) throw new VshError(only === undefined ? 'No graphical display found' : `No graphical display with type '${only}' found`);
    return true;
  },
});
