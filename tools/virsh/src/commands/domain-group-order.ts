import type { CommandDef } from '../vsh/command-def.js';

/**
 * The order `virsh help domain` lists its commands in: virsh's declaration order, not sorted
 * (`iothreadinfo` before `iothreadadd`, `send-key` before `lxc-enter-namespace`).
 */
const DOMAIN_ORDER: readonly string[] = [
  'attach-device', 'attach-disk', 'attach-interface', 'autostart', 'blkdeviotune', 'blkiotune', 'blockcommit', 'blockcopy',
  'blockjob', 'blockpull', 'blockresize', 'change-media', 'console', 'cpu-stats', 'create', 'define', 'desc', 'destroy',
  'detach-device', 'detach-device-alias', 'detach-disk', 'detach-interface', 'domdisplay', 'domfsfreeze', 'domfsthaw',
  'domfsinfo', 'domfstrim', 'domhostname', 'domid', 'domif-setlink', 'domiftune', 'domjobabort', 'domjobinfo',
  'domlaunchsecinfo', 'domsetlaunchsecstate', 'domname', 'domrename', 'dompmsuspend', 'dompmwakeup', 'domuuid',
  'domxml-from-native', 'domxml-to-native', 'dump', 'dumpxml', 'edit', 'get-user-sshkeys', 'inject-nmi', 'iothreadinfo',
  'iothreadpin', 'iothreadadd', 'iothreadset', 'iothreaddel', 'send-key', 'send-process-signal', 'lxc-enter-namespace',
  'managedsave', 'managedsave-remove', 'managedsave-edit', 'managedsave-dumpxml', 'managedsave-define', 'memtune', 'perf',
  'metadata', 'migrate', 'migrate-setmaxdowntime', 'migrate-getmaxdowntime', 'migrate-compcache', 'migrate-setspeed',
  'migrate-getspeed', 'migrate-postcopy', 'numatune', 'qemu-attach', 'qemu-monitor-command', 'qemu-monitor-event',
  'qemu-agent-command', 'guest-agent-timeout', 'reboot', 'reset', 'restore', 'resume', 'save', 'save-image-define',
  'save-image-dumpxml', 'save-image-edit', 'schedinfo', 'screenshot', 'set-lifecycle-action', 'set-user-sshkeys',
  'set-user-password', 'setmaxmem', 'setmem', 'setvcpus', 'shutdown', 'start', 'suspend', 'ttyconsole', 'undefine',
  'update-device', 'update-memory-device', 'vcpucount', 'vcpuinfo', 'vcpupin', 'emulatorpin', 'vncdisplay', 'guestvcpus',
  'setvcpu', 'domblkthreshold', 'guestinfo', 'domdirtyrate-calc', 'dom-fd-associate',
];

const RANK = new Map(DOMAIN_ORDER.map((name, i) => [name, i]));

/** Sorts the Domain Management group as virsh lists it; a command virsh does not have goes last. */
export const byDomainOrder = (a: CommandDef, b: CommandDef): number =>
  (RANK.get(a.name) ?? DOMAIN_ORDER.length) - (RANK.get(b.name) ?? DOMAIN_ORDER.length);
