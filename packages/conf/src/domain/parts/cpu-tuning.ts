import { at, attr, child, childText, list, model } from '../../model/binding.js';
import { int, oneOf, uint } from '../../model/codec.js';

/** A thread's scheduler; the priority belongs to the real-time ones (fifo, rr). */
const SCHED = { scheduler: attr('scheduler', oneOf('batch', 'idle', 'fifo', 'rr')), priority: attr('priority', int) };

/** `<cputune>`: CPU shares, bandwidth, pinning and scheduling of vCPUs, emulator and I/O threads. */
export const CPUTUNE = model('cputune', () => ({
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
  emulatorsched: child('emulatorsched', SCHED),
  vcpuscheds: list('vcpusched', { vcpus: attr('vcpus'), ...SCHED }),
  iothreadscheds: list('iothreadsched', { iothreads: attr('iothreads'), ...SCHED }),
  cachetunes: list('cachetune', {
    vcpus: attr('vcpus'),
    caches: list('cache', {
      id: attr('id', uint), level: attr('level', uint), type: attr('type', oneOf('both', 'code', 'data')),
      size: attr('size'), unit: attr('unit'),
    }),
    monitors: list('monitor', { level: attr('level', uint), vcpus: attr('vcpus') }),
  }),
  memorytunes: list('memorytune', {
    vcpus: attr('vcpus'),
    nodes: list('node', { id: attr('id', uint), bandwidth: attr('bandwidth', uint) }),
    monitors: list('monitor', { level: attr('level', uint), vcpus: attr('vcpus') }),
  }),
}));

const NUMA_MODE = oneOf('strict', 'preferred', 'interleave', 'restrictive');

/** `<numatune>`: which host NUMA nodes the guest's memory comes from. */
export const NUMATUNE = model('numatune', () => ({
  memory: at('memory', attr('mode', NUMA_MODE)),
  nodeset: at('memory', attr('nodeset')),
  placement: at('memory', attr('placement', oneOf('static', 'auto'))),
  memnodes: list('memnode', { cellid: attr('cellid', uint), mode: attr('mode', NUMA_MODE), nodeset: attr('nodeset') }),
}));
