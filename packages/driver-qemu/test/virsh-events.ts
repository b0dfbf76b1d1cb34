// libvirtd's device events as Debian's virsh prints them (`virsh event --loop`), collected for a test.
import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Starts `virsh event --event EVENT --loop` on qemu:///system and pushes the alias of each of
 * `domain`'s events onto `into`; the caller kills the process.
 */
export function collectVirshEvents(event: 'device-added' | 'device-removed', domain: string, into: string[]): ChildProcess {
  const listener = spawn('virsh', ['-c', 'qemu:///system', 'event', '--event', event, '--loop', '--timeout', '900'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let buffer = '';
  listener.stdout!.on('data', (b: Buffer) => {
    buffer += b.toString();
    for (const m of buffer.matchAll(new RegExp(`event '${event}' for domain '${domain}': (\\S+)\\n`, 'g'))) into.push(m[1]!);
    buffer = buffer.slice(buffer.lastIndexOf('\n') + 1);
  });
  return listener;
}
