import { constants, openSync } from 'node:fs';
import { Duplex } from 'node:stream';
import { ReadStream, WriteStream } from 'node:tty';
import { parseDomainXML, type DeviceOf } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError, systemError } from '@tsvirt/util';
import { devicesOf } from '../devices/typed-devices.js';
import { withDeviceAliases } from '../devices/device-aliases.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { GUEST_ARCH } from '../state/qemu-store.js';

const D = ErrorDomain.QEMU;

type CharDevice = DeviceOf<'serial'> | DeviceOf<'console'> | DeviceOf<'parallel'>;

/** A character device as virDomainOpenConsole finds it: its alias, its host side's type and pty. */
interface ConsoleTarget {
  readonly alias: string;
  readonly type: string;
  readonly path: string | undefined;
}

const target = (c: CharDevice): ConsoleTarget => ({ alias: c.alias ?? '', type: c.type ?? 'pty', path: c.sources?.[0]?.path });

/**
 * The device `devName` names, searched by alias among consoles, then serial ports, then parallel
 * ports; without a name the first console, else the first serial port (libvirt's order). The
 * console standing for serial port N shares that port's alias, as in libvirt's live XML.
 */
function findTarget(xml: string, devName: string | undefined): ConsoleTarget | undefined {
  const def = withDeviceAliases(parseDomainXML(xml, { arch: GUEST_ARCH }));
  const [consoles, serials, parallels] = (['console', 'serial', 'parallel'] as const).map((k) => (devicesOf(def.devices, k) as CharDevice[]).map(target)) as [ConsoleTarget[], ConsoleTarget[], ConsoleTarget[]];
  if (devName === undefined) return consoles[0] ?? serials[0];
  return [...consoles, ...serials, ...parallels].find((t) => t.alias === devName);
}

/** The open sessions of this process, by domain UUID and pty: one at a time on each (libvirt's virChrdevOpen). */
const sessions = new Map<string, Duplex>();

type PtyStream = new (input: ReadStream, output: WriteStream) => Duplex;
let ptyStreamClass: PtyStream | undefined;
/**
 * The two directions of a pty session as one stream. The pty's end (QEMU gone: reads fail with
 * EIO) ends the stream; destroying it closes both descriptors, with no error of its own. The class
 * is made on first use: extending `Duplex` loads Node's stream modules (about 5M instructions),
 * which no other QEMU command needs.
 */
const ptyStream = (): PtyStream => (ptyStreamClass ??= class extends Duplex {
  constructor(private readonly input: ReadStream, private readonly output: WriteStream) {
    super();
    input.on('data', (b: Buffer) => {
      if (!this.push(b)) input.pause();
    });
    input.once('end', () => this.push(null));
    input.once('error', (e: NodeJS.ErrnoException) => (e.code === 'EIO' ? this.push(null) : this.destroy(e)));
    output.once('error', (e: Error) => this.destroy(e));
  }
  override _read(): void {
    this.input.resume();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (e?: Error | null) => void): void {
    this.output.write(chunk, done);
  }
  override _final(done: (e?: Error | null) => void): void {
    this.output.end(done);
  }
  override _destroy(e: Error | null, done: (e?: Error | null) => void): void {
    this.input.destroy();
    this.output.destroy();
    done(e);
  }
});

/** The pty's slave end as one raw byte stream (a session must not echo the guest's output back to it). */
function openPty(path: string): Duplex {
  // One descriptor each way: a tty handle owns (and may reopen) its own.
  const fd = (flags: number): number => {
    try {
      return openSync(path, flags | constants.O_NOCTTY);
    } catch (e) {
      throw systemError(`Unable to open tty ${path}`, e as NodeJS.ErrnoException, D);
    }
  };
  const input = new ReadStream(fd(constants.O_RDONLY));
  input.setRawMode(true);
  return new (ptyStream())(input, new WriteStream(fd(constants.O_WRONLY)));
}

/**
 * A stream to the domain's console `devName` (virDomainOpenConsole): the pty QEMU opened for it.
 * While another session of this driver is open on it the call is refused in libvirt's words,
 * unless `force` ends that session first.
 */
export async function openConsole(s: ActiveStatus, devName: string | undefined, force: boolean): Promise<Duplex> {
  const t = findTarget(s.xml, devName);
  if (!t) throw new VirError(ErrorCode.INTERNAL_ERROR, `cannot find character device ${devName ?? '<null>'}`, D);
  if (t.type !== 'pty' || t.path === undefined) throw new VirError(ErrorCode.INTERNAL_ERROR, `character device ${devName ?? t.alias} is not using a PTY`, D);
  const key = `${s.uuid} ${t.path}`;
  const held = sessions.get(key);
  if (held && !held.destroyed && !force) throw new VirError(ErrorCode.OPERATION_FAILED, 'Active console session exists for this domain', D);
  held?.destroy();
  const stream = openPty(t.path);
  sessions.set(key, stream);
  stream.once('close', () => {
    if (sessions.get(key) === stream) sessions.delete(key);
  });
  return stream;
}
