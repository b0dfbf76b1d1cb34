import { attr, list, model } from '../../model/binding.js';
import { oneOf, yesNo } from '../../model/codec.js';

/** libvirt's perf events, in its order (virPerfEventType). */
export const PERF_EVENTS = ['cmt', 'mbmt', 'mbml', 'cpu_cycles', 'instructions', 'cache_references', 'cache_misses',
  'branch_instructions', 'branch_misses', 'bus_cycles', 'stalled_cycles_frontend', 'stalled_cycles_backend',
  'ref_cpu_cycles', 'cpu_clock', 'task_clock', 'page_faults', 'context_switches', 'cpu_migrations',
  'page_faults_min', 'page_faults_maj', 'alignment_faults', 'emulation_faults'] as const;

const EVENTS = oneOf(...PERF_EVENTS);

/** `<perf>`: the host perf events counted for the guest. */
export const PERF = model('perf', () => ({ events: list('event', { name: attr('name', EVENTS), enabled: attr('enabled', yesNo) }) }));
