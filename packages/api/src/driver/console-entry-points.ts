import type { Duplex } from 'node:stream';
import type { DomainRef } from './driver-types.js';

/** virDomainConsoleFlags. */
export const DomainConsoleFlags = { FORCE: 1, SAFE: 2 } as const;

/** The namespaces of a container's init (virDomainLxcOpenNamespace), to enter with setns or nsenter. */
export interface LxcNamespaces {
  /** init's pid as the host sees it. */
  readonly pid: number;
  /** The namespace files of init, by kind (`ipc`, `mnt`, `net`, `pid`, `user`, `uts`), as `/proc/PID/ns/KIND`. */
  readonly namespaces: ReadonlyArray<{ readonly kind: string; readonly path: string }>;
}

/** Entry points for a domain's console and a container's namespaces. Part of HypervisorDriver; every member is optional. */
export interface ConsoleEntryPoints {
  /** A byte stream to the console `devName` (the first console when undefined); DomainConsoleFlags. */
  domainOpenConsole?(dom: DomainRef, devName: string | undefined, flags: number): Promise<Duplex>;
  /** The namespaces of the container's init (flags: none defined). */
  domainLxcOpenNamespace?(dom: DomainRef, flags: number): Promise<LxcNamespaces>;
}
