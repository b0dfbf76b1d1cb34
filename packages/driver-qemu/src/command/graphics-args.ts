import type { XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { devicesOf, type DeviceOf } from '../devices/typed-devices.js';

type Graphics = DeviceOf<'graphics'>;

/** Where a VNC display listens when the definition names no address (libvirt's vnc_listen default). */
export const VNC_LISTEN = '127.0.0.1';

/** The first VNC port libvirt hands out, display :0. */
export const VNC_PORT_MIN = 5900;

/** Where libvirt keeps the SPICE TLS certificates by default (spice_tls_x509_cert_dir). */
const SPICE_X509_DIR = '/etc/pki/libvirt-spice';

const unsupported = (what: string): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, what, ErrorDomain.QEMU);
const escape = (s: string): string => s.replaceAll(',', ',,');

/** The first listen of a display: its `<listen>` element, else its `listen` attribute. */
function listenOf(g: Graphics): { type: string; address?: string; socket?: string } {
  const l = g.listens?.[0];
  if (l) return { type: l.type ?? 'address', address: l.address ?? g.listenAddress, socket: l.socket };
  if (g.socket !== undefined) return { type: 'socket', socket: g.socket };
  return { type: 'address', address: g.listenAddress };
}

/** `-vnc`: where it listens (address and display, a UNIX socket, or nowhere), its options, tied to an audio backend. */
function vncArg(g: Graphics, audioId: number | undefined, autoPort: number | undefined): string {
  const listen = listenOf(g);
  let where: string;
  if (listen.type === 'none') where = 'none';
  else if (listen.type === 'socket') {
    if (listen.socket === undefined) throw unsupported('VNC listening on an automatic UNIX socket is not supported by this driver yet');
    where = `vnc=unix:${escape(listen.socket)}`;
  } else {
    const address = listen.address ?? VNC_LISTEN;
    const port = g.port ?? -1;
    const display = g.autoport === 'yes' || port < 0 ? (autoPort ?? VNC_PORT_MIN) - VNC_PORT_MIN : port - VNC_PORT_MIN;
    where = `${address.includes(':') ? `[${address}]` : address}:${display}`;
    if (g.websocket !== undefined && g.websocket !== '-1') where += `,websocket=${g.websocket}`;
  }
  const power = g.powerControl === 'yes' ? ',power-control=on' : '';
  const share = g.sharePolicy ? `,share=${g.sharePolicy}` : '';
  return `${where}${share}${power}${audioId !== undefined ? `,audiodev=audio${audioId}` : ''}`;
}

/** SPICE's per-display options in libvirt's order: compression, then streaming. */
const SPICE_OPTIONS: Array<[field: 'imageCompression' | 'jpegCompression' | 'zlibCompression' | 'playbackCompression' | 'streamingMode', qemu: string]> = [
  ['imageCompression', 'image-compression'], ['jpegCompression', 'jpeg-wan-compression'], ['zlibCompression', 'zlib-glz-wan-compression'],
  ['playbackCompression', 'playback-compression'], ['streamingMode', 'streaming-video'],
];

/** `-spice`: its listen (ports and address, a UNIX socket, or none), TLS channels, compression and GL. */
function spiceArg(g: Graphics, runDir: string, defaultPassword: boolean): string {
  const listen = listenOf(g);
  const opts: string[] = [];
  if (listen.type === 'socket') opts.push('unix', `addr=${escape(listen.socket ?? `${runDir}/spice.sock`)}`);
  else if (listen.type === 'none' || (g.port === undefined && g.tlsPort === undefined)) opts.push('port=0');
  else {
    if (g.autoport === 'yes') throw unsupported('SPICE autoport is not supported by this driver yet');
    if (g.port !== undefined && g.port > 0) opts.push(`port=${g.port}`);
    if (g.tlsPort !== undefined && g.tlsPort > 0) opts.push(`tls-port=${g.tlsPort}`);
    if (listen.address !== undefined) opts.push(`addr=${listen.address}`);
  }
  if (g.mouseMode === 'server') opts.push('agent-mouse=off');
  // Without a password of its own or qemu.conf's spice_password, anyone may connect, as libvirt lets them.
  if (g.passwd === undefined && !defaultPassword) opts.push('disable-ticketing=on');
  const tls = g.tlsPort !== undefined && g.tlsPort > 0;
  if (tls) opts.push(`x509-dir=${SPICE_X509_DIR}`);
  if (g.defaultMode === 'secure') opts.push('tls-channel=default');
  else if (g.defaultMode === 'insecure') opts.push('plaintext-channel=default');
  for (const c of g.channels ?? []) {
    if (c.mode === 'secure') opts.push(`tls-channel=${c.name}`);
    else if (c.mode === 'insecure') opts.push(`plaintext-channel=${c.name}`);
  }
  for (const [field, qemu] of SPICE_OPTIONS) {
    const v = g[field];
    if (v !== undefined) opts.push(`${qemu}=${v}`);
  }
  if (g.copypaste === 'no') opts.push('disable-copy-paste=on');
  if (g.filetransfer === 'no') opts.push('disable-agent-file-xfer=on');
  if (g.gl?.enable) opts.push('gl=on', ...(g.gl.rendernode ? [`rendernode=${escape(g.gl.rendernode)}`] : []));
  opts.push('seamless-migration=on');
  return opts.join(',');
}

/** A display rendering with OpenGL (egl-headless always, SPICE with `<gl enable>`) that names no render node gets the host's, as libvirt picks it at start. */
function withRenderNode(g: DeviceOf<'graphics'>, renderNode: (() => string) | undefined): DeviceOf<'graphics'> {
  const gl = g.type === 'egl-headless' || g.gl?.enable === true;
  if (!gl || g.gl?.rendernode !== undefined || !renderNode) return g;
  return { ...g, gl: { ...g.gl, rendernode: renderNode() } };
}

/**
 * `-vnc`, `-spice` and `-display egl-headless` of the displays, in the definition's order;
 * `spiceDefaultPassword`: qemu.conf gives every SPICE display a password (libvirt's test harness does);
 * `renderNode`: the host's DRM render node, for displays with OpenGL that name none.
 */
export function graphicsArgs(devices: readonly XmlElement[], autoPort: number | undefined, runDir: string, spiceDefaultPassword = false, renderNode?: () => string): string[] {
  const audios = devicesOf(devices, 'audio');
  return devicesOf(devices, 'graphics').flatMap((g) => {
    switch (g.type) {
      case 'vnc':
        // The display's own `<audio id>` names its backend, else the first one.
        return ['-vnc', vncArg(g, g.audioId ?? audios[0]?.id ?? (audios.length ? 1 : undefined), autoPort)];
      case 'spice':
        return ['-spice', spiceArg(withRenderNode(g, renderNode), runDir, spiceDefaultPassword)];
      case 'egl-headless': {
        const node = withRenderNode(g, renderNode).gl?.rendernode;
        return ['-display', `egl-headless${node ? `,rendernode=${escape(node)}` : ''}`];
      }
      default:
        throw unsupported(`graphics type '${g.type}'`);
    }
  });
}
