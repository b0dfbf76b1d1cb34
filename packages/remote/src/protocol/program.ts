/**
 * A program of libvirt's RPC (remote, qemu, lxc, keepalive, admin) as the generator describes it:
 * its number, version and a table of its procedures with their codecs and `.x` annotations.
 */
import type { Codec } from './xdr.js';

/** One procedure of a program. */
export interface Procedure {
  /** Its number on the wire. */
  readonly number: number;
  /** Its name in the `.x` file (`REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME`). */
  readonly name: string;
  /** The name in lowerCamel without the program prefix (`domainLookupByName`). */
  readonly method: string;
  /** Codec of its arguments, or null when it takes none. */
  readonly args: Codec<unknown> | null;
  /** Codec of its reply, or null when the reply is empty. */
  readonly ret: Codec<unknown> | null;
  /** For an event (a message the server sends unasked): codec of its message. */
  readonly event: Codec<unknown> | null;
  /** `@priority`: high-priority calls may be run while low ones wait on a hypervisor. */
  readonly priority: 'high' | 'low';
  /** `@generate`: whether libvirt generates its stubs (none, client, server, both). */
  readonly generate: string;
  /** `@readstream`: the call opens a stream from the server (data flows to the client). */
  readonly readstream: number | null;
  /** `@writestream`: the call opens a stream to the server. */
  readonly writestream: number | null;
  /** `@acl`: the access checks the server makes. */
  readonly acl: readonly string[];
}

/** A program with its procedures by number and by name. */
export interface Program {
  /** Short name (`remote`, `qemu`, `lxc`, `keepalive`, `admin`). */
  readonly name: string;
  /** Program number in the message header. */
  readonly program: number;
  /** Protocol version in the message header. */
  readonly version: number;
  /** Procedures by number. */
  readonly procedures: ReadonlyMap<number, Procedure>;
  /** Procedures by `.x` name. */
  readonly byName: ReadonlyMap<string, Procedure>;
}

/** Builds a program's tables (the generated modules call this). */
export function defineProgram(name: string, program: number, version: number, procedures: readonly Procedure[]): Program {
  return {
    name,
    program,
    version,
    procedures: new Map(procedures.map((p) => [p.number, p])),
    byName: new Map(procedures.map((p) => [p.name, p])),
  };
}
