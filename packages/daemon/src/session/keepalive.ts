/**
 * The server's half of libvirt's keepalive: once a client says it speaks the keepalive program,
 * an idle client is pinged every `interval` seconds, and one that has sent nothing at all for
 * `count` pings in a row is dead and dropped. Pings from the client are answered by the session.
 */
export class Keepalive {
  #timer: NodeJS.Timeout | undefined;
  #unanswered = 0;

  constructor(
    private readonly intervalSecs: number,
    private readonly count: number,
    private readonly ping: () => void,
    private readonly dead: () => void,
  ) {}

  /** Starts pinging (CONNECT_SUPPORTS_FEATURE for the keepalive program). */
  start(): void {
    if (this.#timer || this.intervalSecs <= 0) return;
    this.#timer = setInterval(() => this.tick(), this.intervalSecs * 1000);
    this.#timer.unref();
  }

  /** Anything received from the client proves it alive. */
  heard(): void {
    this.#unanswered = 0;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  private tick(): void {
    if (this.#unanswered >= this.count) {
      this.stop();
      this.dead();
      return;
    }
    this.#unanswered++;
    this.ping();
  }
}
