import type { DomainRef } from './driver-types.js';

/** virDomainCoreDumpWithFormat as a driver provides it. */
export interface DomainDumpEntryPoints {
  /** Dumps the guest to `to` (an absolute path), in `format` (DomainCoreDumpFormat), with DomainCoreDumpFlags. */
  domainCoreDumpWithFormat?(dom: DomainRef, to: string, format: number, flags: number): Promise<void>;
}
