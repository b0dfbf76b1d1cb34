/** An asynchronous event QEMU sent on its monitor (`{"event": ..., "data": ..., "timestamp": ...}`). */
export interface QmpEvent {
  readonly event: string;
  readonly data: Record<string, unknown>;
  readonly timestamp: { readonly seconds: number; readonly microseconds: number };
}

/** The error object of a failed command (`{"error": {"class": ..., "desc": ...}}`). */
export interface QmpErrorBody {
  readonly class: string;
  readonly desc: string;
}

/** A reply as it came off the wire: exactly one of `return` or `error`, with our command id. */
export interface QmpReply {
  readonly return?: unknown;
  readonly error?: QmpErrorBody;
  readonly id?: string;
}

/** QEMU's greeting (`{"QMP": {"version": ..., "capabilities": [...]}}`). */
export interface QmpGreeting {
  readonly version: { readonly qemu: { readonly major: number; readonly minor: number; readonly micro: number }; readonly package: string };
  readonly capabilities: readonly string[];
}
