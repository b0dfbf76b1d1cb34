import { at, attr, childText, list, model } from '../../model/binding.js';
import { oneOf, uint } from '../../model/codec.js';

/** `<cputune>`: CPU shares, bandwidth, pinning and scheduling of vCPUs, emulator and I/O threads. */
export const CPUTUNE = model('cputune', {
  shares: childText('shares', uint),
  period: childText('period', uint),
  quota: childText('quota'),
  globalPeriod: childText('global_period', uint),
  globalQuota: childText('global_quota'),
  emulatorPeriod: childText('emulator_period', uint),
  emulatorQuota: childText('emulator_quota'),
  iothreadPeriod: childText('iothread_period', uint),
  iothreadQuota: childText('iothread_quota'),
  vcpupins: list('vcpupin', { vcpu: attr('vcpu', uint), cpuset: attr('cpuset') }),
  emulatorpin: at('emulatorpin', attr('cpuset')),
  iothreadpins: list('iothreadpin', { iothread: attr('iothread', uint), cpuset: attr('cpuset') }),
  vcpuscheds: list('vcpusched', { vcpus: attr('vcpus'), scheduler: attr('scheduler', oneOf('other', 'batch', 'idle', 'fifo', 'rr')), priority: attr('priority') }),
  iothreadscheds: list('iothreadsched', { iothreads: attr('iothreads'), scheduler: attr('scheduler', oneOf('other', 'batch', 'idle', 'fifo', 'rr')), priority: attr('priority') }),
});

const NUMA_MODE = oneOf('strict', 'preferred', 'interleave', 'restrictive');

/** `<numatune>`: which host NUMA nodes the guest's memory comes from. */
export const NUMATUNE = model('numatune', {
  memory: at('memory', attr('mode', NUMA_MODE)),
  nodeset: at('memory', attr('nodeset')),
  placement: at('memory', attr('placement', oneOf('static', 'auto'))),
  memnodes: list('memnode', { cellid: attr('cellid', uint), mode: attr('mode', NUMA_MODE), nodeset: attr('nodeset') }),
});
