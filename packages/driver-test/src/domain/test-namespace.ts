import { snapshotFromElement, takeTestNamespace, type DomainDef } from '@tsvirt/conf';
import { DomainRunningReason, DomainState } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { TEST_ARCH } from '../default-config.js';
import type { TestHost } from '../test-host.js';
import type { Snapshot } from './snapshots.js';
import { checkTaint } from './taint.js';

/** What the `test:` elements of a config's domain say, checked. */
interface TestNamespace {
  readonly runstate: number;
  readonly transient: boolean;
  readonly hasManagedSave: boolean;
  readonly snapshots: ReturnType<typeof takeTestNamespace>['snapshots'];
}

const xmlError = (text: string): VirError => new VirError(ErrorCode.XML_ERROR, text, ErrorDomain.TEST);

/** Takes the `test:` elements out of the definition and checks them in libvirt's order and words. */
function takeNamespace(def: DomainDef): TestNamespace {
  const ns = takeTestNamespace(def);
  let runstate: number = DomainState.RUNNING;
  if (ns.runstate !== undefined) {
    if (!/^\d+$/.test(ns.runstate)) throw xmlError('invalid runstate');
    runstate = Number(ns.runstate);
    if (runstate > DomainState.PMSUSPENDED) throw xmlError(`runstate '${runstate}' out of range'`);
  }
  if (ns.transient && runstate === DomainState.SHUTOFF) throw xmlError("transient domain cannot have runstate 'shutoff'");
  if (ns.hasManagedSave && runstate !== DomainState.SHUTOFF) {
    throw xmlError("domain with managedsave data can only have runstate 'shutoff'");
  }
  return { ...ns, runstate };
}

/**
 * Adds one domain of a custom config with its `test:` extensions: run state (running unless said
 * otherwise), transient, managed save image, and snapshots (`<test:domainsnapshot>` with `<active>`
 * marking the current one).
 */
export function loadConfigDomain(host: TestHost, def: DomainDef): void {
  const ns = takeNamespace(def);
  const { obj } = host.add(def, !ns.transient, false);
  checkTaint(obj);
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
