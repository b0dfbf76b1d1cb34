import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VirError } from '@tsvirt/util';
import { reformatDocument, type DocumentKind } from '../src/index.js';

/** A definition and libvirt 9.0's answer: what it printed, or its error (`scripts/record-define-cases.py`). */
interface Case { xml: string; printed?: string; code?: number; domain?: number; message?: string }

const load = (name: string): Case[] => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as Case[];

/** What conf answers: the compared part of its output, or its error as [code, domain, message]. */
function answer(kind: DocumentKind, xml: string, part: (out: string) => string): unknown {
  try {
    return part(reformatDocument(kind, xml));
  } catch (e) {
    if (!(e instanceof VirError)) throw e;
    return [e.code, e.domain, e.message];
  }
}

const SETS: Array<[string, string, DocumentKind, (out: string) => string]> = [
  ['cputune normalised and checked as libvirt does', 'cputune-cases.json', 'domain',
    (out) => /^ {2}<cputune>\n.*?^ {2}<\/cputune>\n/ms.exec(out)?.[0] ?? ''],
  ['network addresses and forward modes checked as libvirt does', 'network-ip-cases.json', 'network', (out) => out],
  ['smaller domain parts and devices accepted or refused as libvirt does', 'domain-part-cases.json', 'domain', () => ''],
  ['video and input defaults set and refused as by the generic domain code of libvirt', 'device-default-cases.json', 'domain',
    (out) => /^ {2}<devices>\n.*?^ {2}<\/devices>\n|^ {2}<devices\/>\n/ms.exec(out)?.[0] ?? ''],
  // Disk buses and drive addresses are the drivers' (compared in driver-test and driver-qemu).
  ['disk targets accepted or refused as libvirt does', 'disk-target-cases.json', 'domain', () => ''],
  // The test driver fills in sizes of its own.
  ['SCSI pool adapters read and printed as libvirt does', 'pool-adapter-cases.json', 'pool', (out) => out.replace(/^ {2}<(capacity|allocation|available) .*\n/gm, '')],
];

for (const [title, fixture, kind, part] of SETS) {
  describe(title, () => {
    for (const c of load(fixture)) {
      it(c.xml.replace(/^.*<\/uuid>|^.*<cputune>/, '').slice(0, 100), () => {
        expect(answer(kind, c.xml, part)).toEqual(c.printed !== undefined ? part(c.printed) : [c.code, c.domain, c.message]);
      });
    }
  });
}
