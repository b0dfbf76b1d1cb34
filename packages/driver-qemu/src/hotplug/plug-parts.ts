/**
 * What QEMU is given for a device plugged live, as libvirt's hotplug gives it: its chardev
 * (`chardev-add`), its backend object (`object-add`) and the device (`device_add`), taken from
 * the same builders the command line uses so a plugged device is the one a start makes.
 */
import type { DomainDef, DomainDevice } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { channelArgs, consoleArgs, controllerArgs, serialArgs } from '../command/device-args.js';
import { redirdevArgs } from '../command/redirdev-args.js';
import { shmemArgs, shmemServerPath } from '../command/shmem-args.js';
import { inputArgs, rngArgs } from '../command/virtio-args.js';
import { vsockArgs, type VsockFd } from '../command/vsock-args.js';
import { watchdogArgs } from '../command/watchdog-args.js';
import { chardevAddArgs, type ChardevHost, type ChardevPlace } from './chardev-backend.js';

type Props = Record<string, unknown>;

/** The QMP arguments of one plug, in the order QEMU gets them. */
export interface PlugParts {
  readonly chardev?: ReturnType<typeof chardevAddArgs>;
  readonly object?: Props;
  readonly device: Props;
}

/** The command line's arguments of every device of `kind` (none of their host side opened: `-chardev`s are skipped below). */
function argsOf(def: DomainDef, kind: string, runDir: string, vsock: VsockFd | undefined): string[] {
  const devices = def.devices;
  switch (kind) {
    case 'input': return inputArgs(devices);
    case 'rng': return rngArgs(devices, undefined);
    case 'watchdog': return watchdogArgs(devices);
    case 'controller': return controllerArgs(devices);
    case 'serial': return serialArgs(devices, undefined);
    case 'channel': return channelArgs(devices, runDir, undefined);
    case 'console': return consoleArgs(devices, undefined);
    case 'redirdev': return redirdevArgs(devices, undefined);
    case 'shmem': return shmemArgs(devices);
    case 'vsock': return vsockArgs(devices, vsock);
    default: throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, `live attach of device '${kind}' is not supported`, ErrorDomain.QEMU);
  }
}

/** The host side of the chardev the device (or its RNG backend) talks through. */
function chardevHost(dev: DomainDevice): { host: ChardevHost; place: ChardevPlace } {
  switch (dev.kind) {
    case 'rng': return { host: dev.backend ?? {}, place: {} };
    case 'redirdev': return { host: dev, place: { spiceChannel: 'usbredir' } };
    case 'shmem': return { host: { type: 'unix', sources: [{ mode: 'connect', path: shmemServerPath(dev) }] }, place: {} };
    default: return { host: dev as ChardevHost, place: {} };
  }
}

/**
 * The parts of the device `alias` of `def` (which holds it, its addresses given): its `-device`,
 * the `-object` it names (an RNG's backend, a shared memory region) and the chardev it or that
 * object names.
 */
export function plugParts(def: DomainDef, dev: DomainDevice, alias: string, runDir: string, vsock?: VsockFd): PlugParts {
  const args = argsOf(def, dev.kind, runDir, vsock);
  const parsed = args.flatMap((a, i) => (args[i - 1] === '-object' || args[i - 1] === '-device' ? [{ opt: args[i - 1], props: JSON.parse(a) as Props }] : []));
  const device = parsed.find((p) => p.opt === '-device' && p.props['id'] === alias)?.props;
  if (!device) throw new VirError(ErrorCode.INTERNAL_ERROR, `no QEMU device for '${alias}'`, ErrorDomain.QEMU);
  const objectId = device['rng'] ?? device['memdev'];
  const object = parsed.find((p) => p.opt === '-object' && p.props['id'] === objectId)?.props;
  const chardevId = device['chardev'] ?? object?.['chardev'];
  if (typeof chardevId !== 'string') return { device, ...(object ? { object } : {}) };
  const { host, place } = chardevHost(dev);
  return { chardev: chardevAddArgs(host, chardevId, place), device, ...(object ? { object } : {}) };
}
