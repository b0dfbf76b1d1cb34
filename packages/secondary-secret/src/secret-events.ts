import { SecretEventID, type SecretDriverEvent, type SecretRef } from '@tsvirt/api';
import { logger } from '@tsvirt/util';

const log = logger('secret.events');

interface Registration {
  readonly secret: SecretRef | undefined;
  readonly eventID: number;
  readonly listener: (e: SecretDriverEvent) => void;
}

/** The registrations of each root this process has open, by its config directory. */
const registrations = new Map<string, Set<Registration>>();

/**
 * The secret events of one root in this process: every connection to the root hears what any of
 * them did, as every client of libvirt's daemon does, after the call that raised the event has
 * returned (libvirt's event queue). A listener that throws is logged and the others still hear.
 */
export class SecretEvents {
  constructor(private readonly root: string) {}

  /** Calls `listener` for each event `eventID` (of `secret` only, when given) until the returned function is called. */
  register(secret: SecretRef | undefined, eventID: number, listener: (e: SecretDriverEvent) => void): () => void {
    const regs = registrations.get(this.root) ?? new Set<Registration>();
    registrations.set(this.root, regs);
    const reg = { secret, eventID, listener };
    regs.add(reg);
    return () => {
      regs.delete(reg);
      if (regs.size === 0) registrations.delete(this.root);
    };
  }

  /** A lifecycle event: SecretEventLifecycleType, no detail. */
  lifecycle(secret: SecretRef, event: number): void {
    this.raise({ secret, eventID: SecretEventID.LIFECYCLE, event, detail: 0 });
  }

  valueChanged(secret: SecretRef): void {
    this.raise({ secret, eventID: SecretEventID.VALUE_CHANGED, event: 0, detail: 0 });
  }

  private raise(e: SecretDriverEvent): void {
    const hearing = [...(registrations.get(this.root) ?? [])]
      .filter((r) => r.eventID === e.eventID && (r.secret === undefined || r.secret.uuid === e.secret.uuid));
    if (hearing.length === 0) return;
    setImmediate(() => {
      for (const r of hearing) {
        try {
          r.listener(e);
        } catch (err) {
          log.error(`secret event listener failed: ${(err as Error).message}`);
        }
      }
    });
  }
}
