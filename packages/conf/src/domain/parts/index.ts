import { CPU } from './cpu.js';
import { CLOCK } from './clock.js';
import { CPUTUNE, NUMATUNE } from './cpu-tuning.js';
import { FEATURES } from './features.js';
import { MEMORY_BACKING, MEMTUNE } from './memory.js';
import { OS } from './os.js';
import { BLKIOTUNE } from './blkiotune.js';
import { DEFAULT_IOTHREAD, IOTHREADIDS, IOTHREADS } from './iothreads.js';
import { PERF } from './perf.js';
import { PM } from './pm.js';
import { RESOURCE } from './resource.js';
import { SECLABEL } from './seclabel.js';
import { SYSINFO } from './sysinfo.js';
import { MAX_MEMORY } from './max-memory.js';
import { IDMAP } from './idmap.js';
import { GENID } from './genid.js';
import { VCPUS } from './vcpus.js';

/** The typed models of the domain's top-level parts, by element name. */
export const DOMAIN_PART_MODELS = {
  os: OS, memoryBacking: MEMORY_BACKING, memtune: MEMTUNE, cputune: CPUTUNE, numatune: NUMATUNE,
  cpu: CPU, clock: CLOCK, features: FEATURES, iothreads: IOTHREADS, iothreadids: IOTHREADIDS,
  defaultiothread: DEFAULT_IOTHREAD, blkiotune: BLKIOTUNE, sysinfo: SYSINFO, seclabel: SECLABEL, perf: PERF, pm: PM,
  resource: RESOURCE, maxMemory: MAX_MEMORY, idmap: IDMAP, genid: GENID, vcpus: VCPUS,
} as const;
