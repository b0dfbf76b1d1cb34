/** virDomainCoreDumpFlags. */
export const DomainCoreDumpFlags = { CRASH: 1, LIVE: 2, BYPASS_CACHE: 4, RESET: 8, MEMORY_ONLY: 16 } as const;
/** virDomainCoreDumpFormat. */
export const DomainCoreDumpFormat = { RAW: 0, KDUMP_ZLIB: 1, KDUMP_LZO: 2, KDUMP_SNAPPY: 3, WIN_DMP: 4 } as const;
