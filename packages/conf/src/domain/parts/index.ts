import { CPU } from './cpu.js';
import { CLOCK } from './clock.js';
import { CPUTUNE, NUMATUNE } from './cpu-tuning.js';
import { FEATURES } from './features.js';
import { MEMORY_BACKING, MEMTUNE } from './memory.js';
import { OS } from './os.js';

/** The typed models of the domain's top-level parts, by element name. */
export const DOMAIN_PART_MODELS = {
  os: OS, memoryBacking: MEMORY_BACKING, memtune: MEMTUNE, cputune: CPUTUNE, numatune: NUMATUNE,
  cpu: CPU, clock: CLOCK, features: FEATURES,
} as const;
