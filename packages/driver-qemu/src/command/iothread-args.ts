import { domainPart, type DomainDef } from '@tsvirt/conf';
import type { JsonProps } from './disk-props.js';

type Pool = { threadPoolMin?: number; threadPoolMax?: number };

/** A worker pool's bounds as QEMU's properties (a bound of -1 is QEMU's default, left out). */
function poolProps(p: Pool): JsonProps {
  return {
    ...(p.threadPoolMin !== undefined && p.threadPoolMin >= 0 ? { 'thread-pool-min': p.threadPoolMin } : {}),
    ...(p.threadPoolMax !== undefined && p.threadPoolMax >= 0 ? { 'thread-pool-max': p.threadPoolMax } : {}),
  };
}

/**
 * `-object iothread` of each I/O thread (those `<iothreadids>` lists, in its order, then the lowest
 * free ids up to the `<iothreads>` count), and `-object main-loop` for `<defaultiothread>`'s pool.
 */
export function iothreadArgs(def: DomainDef): string[] {
  const listed = domainPart(def, 'iothreadids')?.iothreads ?? [];
  const count = domainPart(def, 'iothreads')?.count ?? 0;
  const threads: Array<Pool & { id: number }> = listed.flatMap((t) => (t.id === undefined ? [] : [{ ...t, id: t.id }]));
  const used = new Set(threads.map((t) => t.id));
  for (let id = 1; threads.length < count; id++) if (!used.has(id)) threads.push({ id });
  const out = threads.flatMap((t) => ['-object', JSON.stringify({ 'qom-type': 'iothread', id: `iothread${t.id}`, ...poolProps(t) })]);
  const main = domainPart(def, 'defaultiothread');
  if (main) out.push('-object', JSON.stringify({ 'qom-type': 'main-loop', id: 'main-loop', ...poolProps(main) }));
  return out;
}
