import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { MessagePort } from 'node:worker_threads';

/** Node's worker threads, loaded on the error path only: importing conf should not compile them. */
const threads = (): typeof import('node:worker_threads') => process.getBuiltinModule('node:worker_threads');

/** The first fatal error libxml2 reports for a document, as libxml2 words and places it. */
export interface Libxml2Error {
  message: string;
  line: number;
  /** 1-based column, in characters. */
  col: number;
}

/**
 * The worker's code. libxml2-wasm can only be loaded asynchronously (top-level await), while XML
 * parsing is synchronous everywhere, so libxml2 runs in a worker thread and the caller blocks on
 * an Atomics flag until it answers. Non-fatal diagnostics (level < 3: namespace errors) are
 * ignored, as libvirt ignores them.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { port, flag, lib } = workerData;
const answer = (id, verdict) => { port.postMessage({ id, verdict }); Atomics.store(flag, 0, 1); Atomics.notify(flag, 0); };
import(lib).then(({ XmlDocument }) => {
  port.on('message', ({ id, text }) => {
    try {
      XmlDocument.fromBuffer(Buffer.from(text)).dispose();
      answer(id, null);
    } catch (e) {
      const d = (e.details || []).find((x) => x.level >= 3);
      answer(id, d ? { message: d.message, line: d.line, col: d.col } : null);
    }
  });
}, () => port.on('message', ({ id }) => answer(id, 'unavailable')));
`;

interface Channel {
  port: MessagePort;
  flag: Int32Array;
}

let channel: Channel | undefined;
let lastId = 0;

function open(): Channel {
  if (channel) return channel;
  const { MessageChannel, Worker } = threads();
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const lib = pathToFileURL(createRequire(import.meta.url).resolve('libxml2-wasm')).href;
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { port: port2, flag, lib }, transferList: [port2] });
  // The worker only ever serves the error path; it must never keep the process alive.
  worker.unref();
  port1.unref();
  channel = { port: port1, flag };
  return channel;
}

/** How long the error path waits for libxml2 (its first use loads the WebAssembly module). */
const TIMEOUT_MS = 10_000;

/**
 * Asks libxml2 whether `text` is well formed: null when it is, its first fatal error when not,
 * undefined when libxml2 could not be asked. Synchronous; meant for the error path only.
 */
export function libxml2Check(text: string): Libxml2Error | null | undefined {
  const { port, flag } = open();
  const { receiveMessageOnPort } = threads();
  const id = ++lastId;
  Atomics.store(flag, 0, 0);
  port.postMessage({ id, text });
  const deadline = Date.now() + TIMEOUT_MS;
  for (let left = TIMEOUT_MS; left > 0; left = deadline - Date.now()) {
    // Short slices: a reply can land between the drain below and the reset of the flag.
    Atomics.wait(flag, 0, 0, Math.min(left, 20));
    // Replies to earlier questions that timed out are skipped.
    for (let r = receiveMessageOnPort(port); r; r = receiveMessageOnPort(port)) {
      const { id: of, verdict } = r.message as { id: number; verdict: Libxml2Error | null | 'unavailable' };
      if (of === id) return verdict === 'unavailable' ? undefined : verdict;
    }
    Atomics.store(flag, 0, 0);
  }
  return undefined;
}
