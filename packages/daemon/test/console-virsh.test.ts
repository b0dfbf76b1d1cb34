import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { echoGuestXml, echoImage } from './helpers/echo-guest.js';
import { besideLibvirtd } from './helpers/beside-libvirtd.js';
import { TmuxTerminal } from './helpers/tmux-terminal.js';

const ci = process.env['CI'] === 'true';
const skip = ['/usr/bin/qemu-system-x86_64', '/usr/bin/virsh', '/usr/bin/tmux', '/usr/sbin/libvirtd'].find((p) => !existsSync(p));
if (skip && !ci) console.log(`virsh console through tsvirtd skipped: ${skip} not installed`);

const ESCAPE = 'Escape character is ^] (Ctrl + ])';

/**
 * Debian's `virsh console` on a real terminal (tmux), through tsvirtd and through libvirtd, on a
 * QEMU guest whose serial port is a pty: what the terminal shows must be the same, Ctrl-] must end
 * virsh's session (virsh finishes its stream, the console free for the next session at once), a
 * virsh killed mid-session must leave the console free too (the daemon aborts the stream), and a
 * destroy under the console must end it the same way.
 */
describe.skipIf(skip && !ci)('virsh console through tsvirtd on a terminal, as through libvirtd 9.0', () => {
  const name = `vcon${process.pid}`;
  const { daemon, uris, virsh } = besideLibvirtd((uri) => virsh(uri, `destroy ${name}`));

  /** One daemon's transcript: three console sessions, the first's virsh killed (not shown), the second left with Ctrl-], the third ended by a destroy. */
  async function transcript(uri: string, dir: string): Promise<string[]> {
    mkdirSync(dir, { recursive: true });
    echoImage(join(dir, 'echo.img'));
    writeFileSync(join(dir, 'guest.xml'), echoGuestXml(name, join(dir, 'echo.img')));
    expect(virsh(uri, `create ${join(dir, 'guest.xml')}`).status).toBe(0);
    const screens: string[] = [];
    // a client that vanishes mid-session (killed -9): its stream is aborted and the console freed
    const gone = new TmuxTerminal(`/usr/bin/virsh -c '${uri}' console ${name}`);
    try {
      await gone.until(ESCAPE);
      gone.kill();
      // the shell's report names the URI, and the terminal stays raw: only the exit is compared
      await gone.until('EXIT=137');
    } finally {
      gone.close();
    }
    const first = new TmuxTerminal(`/usr/bin/virsh -c '${uri}' console ${name}`);
    try {
      await first.until(ESCAPE);
      first.send('hello', true);
      await first.until('HELLO');
      first.send('C-]');
      screens.push(await first.until('EXIT='));
    } finally {
      first.close();
    }
    // the first session's stream is over: a second one opens without --force
    const second = new TmuxTerminal(`/usr/bin/virsh -c '${uri}' console ${name}`);
    try {
      await second.until(ESCAPE);
      second.send('again', true);
      await second.until('AGAIN');
      expect(virsh(uri, `destroy ${name}`).status).toBe(0);
      screens.push(await second.until('EXIT='));
    } finally {
      second.close();
    }
    return screens;
  }

  it('a killed virsh, Ctrl-] (exit 0) and a destroy each end a session and free the console: the same screens', async () => {
    const libvirtd = await transcript(uris.libvirtd, join(daemon().dir, 'libvirtd'));
    const tsvirtd = await transcript(uris.tsvirtd, join(daemon().dir, 'tsvirtd'));
    expect(tsvirtd).toEqual(libvirtd);
    expect(tsvirtd[0]).toContain(`Connected to domain '${name}'\n${ESCAPE}\nHELLO\nEXIT=0\n`);
    expect(tsvirtd[1]).toContain('AGAIN\nEXIT=0\n');
    // tsvirtd served on, and logged no error for either stream's end
    expect(virsh(uris.tsvirtd, 'list --all --name').status).toBe(0);
    expect(daemon().stderr()).not.toMatch(/error/i);
  }, 240_000);
});
