import type { ModuleImporter } from '@tsvirt/api';

/**
 * The driver packages this package depends on, each imported by a literal specifier: in the
 * program bundle (`dist/program/`) each becomes a module initialised only when a URI needs it,
 * sharing the program's one copy of api, util and conf.
 */
const DRIVERS: Readonly<Record<string, () => Promise<unknown>>> = {
  '@tsvirt/driver-test': () => import('@tsvirt/driver-test'),
  '@tsvirt/driver-qemu': () => import('@tsvirt/driver-qemu'),
  '@tsvirt/driver-lxc': () => import('@tsvirt/driver-lxc'),
  '@tsvirt/secondary-network': () => import('@tsvirt/secondary-network'),
  '@tsvirt/secondary-storage': () => import('@tsvirt/secondary-storage'),
  '@tsvirt/secondary-secret': () => import('@tsvirt/secondary-secret'),
  '@tsvirt/remote': () => import('@tsvirt/remote'),
};

/** Loads a driver package: one of ours from the program, any other as installed beside tsvirsh. */
export const importDriver: ModuleImporter = (specifier) => DRIVERS[specifier]?.() ?? import(specifier);
