/**
 * `@tsvirt/conf/state`: versioned, validated state files. Kept apart from the main entry so that
 * commands which never read state do not load the schema library.
 */
export { defineStateFile, type StateFile, type StateFileFormat } from './state-file.js';
export {
  LocalDomainStore, currentDefinition, storedUuid, type DomainStatusBase, type DomainStatusKind, type LocalDomainStoreOptions,
  type StoredDomain,
} from './local-domain-store.js';
export * as v from 'valibot';
