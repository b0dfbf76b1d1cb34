import type { FSWatcher } from 'node:fs';
import { LifecycleEventHub, type Connection, type OpenContext } from '@tsvirt/api';
import type { LxcPaths } from '../state/lxc-paths.js';

/** One instance of the driver: a root of directories, shared by every connection to it in this process. */
export class LxcContext {
  readonly events = new LifecycleEventHub();
  /** The watch that turns controllers' exit records into STOPPED events as they appear. */
  exitWatch: FSWatcher | undefined;

  constructor(
    readonly paths: LxcPaths,
    /** The public API seen from inside, for networks (a port per interface of type network). */
    readonly connect: OpenContext['connect'],
  ) {}

  /** A read-write connection to the same root, for the network driver. */
  openSelf(): Promise<Connection> {
    return this.connect(this.paths.uri);
  }
}
