import type { Readable } from 'node:stream';
import type { DomainRef } from './driver-types.js';

/** What virDomainScreenshot gives: the image's MIME type and its bytes as a stream. */
export interface DomainScreenshot {
  readonly mimeType: string;
  readonly stream: Readable;
}

/** The guest's keyboard and display as a driver provides them (virDomainSendKey, virDomainScreenshot). */
export interface DomainInputEntryPoints {
  /** Presses and releases `keycodes` of set `codeset` (KeycodeSet), held `holdtime` ms (0: the hypervisor's default). */
  domainSendKey?(dom: DomainRef, codeset: number, holdtime: number, keycodes: readonly number[], flags: number): Promise<void>;
  /** What the guest's display `screen` shows now. */
  domainScreenshot?(dom: DomainRef, screen: number, flags: number): Promise<DomainScreenshot>;
}
