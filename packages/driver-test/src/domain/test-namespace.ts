import { snapshotFromElement, textOf, type DomainDef, type XmlElement } from '@tsvirt/conf';
import { DomainRunningReason, DomainState } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { TEST_ARCH } from '../default-config.js';
import type { TestHost } from '../test-host.js';
import type { Snapshot } from './snapshots.js';

/** The URI of libvirt's test-driver namespace for domain XML in a custom config. */
export const TEST_NAMESPACE = 'http://libvirt.org/schemas/domain/test/1.0';

/** What the `test:` elements of a config's domain say (libvirt's testDomainNamespaceDef). */
interface TestNamespace {
  readonly runstate: number;
  readonly transient: boolean;
  readonly hasManagedSave: boolean;
  readonly snapshots: readonly XmlElement[];
}

const xmlError = (text: string): VirError => new VirError(ErrorCode.XML_ERROR, text, ErrorDomain.TEST);

/** Reads the `test:` elements and takes them and their namespace declaration out of the definition. */
function takeNamespace(def: DomainDef): TestNamespace {
  const decl = def.rootAttrs.find(([k, v]) => k.startsWith('xmlns:') && v === TEST_NAMESPACE);
  // An inline domain may rely on a declaration on <node>, which its own text no longer carries.
  const prefix = decl ? `${decl[0].slice('xmlns:'.length)}:` : 'test:';
  const mine = def.other.filter((e) => e.name.startsWith(prefix));
  def.other = def.other.filter((e) => !mine.includes(e));
  def.rootAttrs = def.rootAttrs.filter((a) => a !== decl);
  const named = (n: string): XmlElement[] => mine.filter((e) => e.name === `${prefix}${n}`);
  let runstate: number = DomainState.RUNNING;
  const runEl = named('runstate')[0];
  if (runEl) {
    const text = textOf(runEl).trim();
    if (!/^\d+$/.test(text)) throw xmlError('invalid runstate');
    runstate = Number(text);
    if (runstate > DomainState.PMSUSPENDED) throw xmlError(`runstate '${runstate}' out of range'`);
  }
  const ns = { runstate, transient: named('transient').length > 0, hasManagedSave: named('hasmanagedsave').length > 0,
    snapshots: named('domainsnapshot') };
  if (ns.transient && runstate === DomainState.SHUTOFF) throw xmlError("transient domain cannot have runstate 'shutoff'");
  if (ns.hasManagedSave && runstate !== DomainState.SHUTOFF) {
    throw xmlError("domain with managedsave data can only have runstate 'shutoff'");
  }
  return ns;
}

/**
 * Adds one domain of a custom config with its `test:` extensions: run state (running unless said
 * otherwise), transient, managed save image, and snapshots (`<test:domainsnapshot>` with `<active>`
 * marking the current one).
 */
export function loadConfigDomain(host: TestHost, def: DomainDef): void {
  const ns = takeNamespace(def);
  const { obj } = host.add(def, !ns.transient, false);
  obj.hasManagedSave = ns.hasManagedSave;
  for (const el of ns.snapshots) {
    const snap = snapshotFromElement(el, { redefine: true, internal: true, domainDefaults: { arch: TEST_ARCH } }) as Snapshot;
    const { active } = snap;
    delete snap.active;
    obj.snapshots.snaps.push(snap);
    if (active) {
      if (obj.snapshots.current !== undefined) {
        throw new VirError(ErrorCode.INVALID_ARG, 'more than one snapshot claims to be active', ErrorDomain.TEST);
      }
      obj.snapshots.current = snap.name;
    }
  }
  const names = new Set(obj.snapshots.snaps.map((s) => s.name));
  if (obj.snapshots.snaps.some((s) => s.parent !== undefined && !names.has(s.parent))) {
    throw new VirError(ErrorCode.INTERNAL_ERROR, `Snapshots have inconsistent relations for domain ${def.name}`, ErrorDomain.TEST);
  }
  if (ns.runstate !== DomainState.SHUTOFF) {
    host.start(obj, ns.runstate === DomainState.PAUSED, DomainRunningReason.UNKNOWN);
    obj.state = ns.runstate;
    obj.reason = 0;
  }
}
