import { DomainConsoleFlags, DomainState } from '@tsvirt/api';
import { childElements, firstChild, parseDevice, parseXml, type DeviceOf } from '@tsvirt/conf';
import { VshError } from '../../vsh/vsh-error.js';
import { DOMAIN } from '../../domain-lookup.js';
import { objectCommand } from '../shared/object-command.js';

/** virsh's default escape: Ctrl-] ends the session. */
const ESCAPE = 0x1d;

/** Relays the terminal (raw) to the console and back until Ctrl-] or the console's end. */
function relay(con: NodeJS.ReadWriteStream & { destroy(): void }): Promise<void> {
  const stdin = process.stdin;
  return new Promise((resolve) => {
    const done = () => {
      stdin.off('data', onKey);
      stdin.setRawMode(false);
      stdin.pause();
      con.destroy();
      resolve();
    };
    const onKey = (b: Buffer) => {
      const at = b.indexOf(ESCAPE);
      if (at >= 0) {
        if (at > 0) con.write(b.subarray(0, at));
        done();
      } else {
        con.write(b);
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onKey);
    con.on('data', (b: Buffer) => process.stdout.write(b));
    con.on('close', done);
    con.on('error', done);
  });
}

export const consoleCmd = objectCommand({
  name: 'console',
  group: 'domain',
  help: 'connect to the guest console',
  desc: 'Connect the virtual serial console for the guest',
  object: DOMAIN,
  options: [
    { name: 'devname', type: 'string', help: 'character device name' },
    { name: 'force', type: 'bool', help: 'force console connection (disconnect already connected sessions)' },
    { name: 'safe', type: 'bool', help: 'only connect if safe console handling is supported' },
  ],
  async run(dom, ctl, cmd) {
    const [state] = await dom.getState();
    if (state === DomainState.SHUTOFF) throw new VshError('The domain is not running');
    if (process.stdin.isTTY !== true) throw new VshError('Cannot run interactive console without a controlling TTY');
    const flags = (cmd.bool('force') ? DomainConsoleFlags.FORCE : 0) | (cmd.bool('safe') ? DomainConsoleFlags.SAFE : 0);
    // virsh 9.0 greets before the driver is asked: a refused console still shows the banner.
    ctl.extra(`Connected to domain '${dom.getName()}'\nEscape character is ^] (Ctrl + ])\n`);
    const { stdout } = ctl.takeOutput();
    process.stdout.write(stdout);
    await relay(await dom.openConsole(cmd.string('devname'), flags));
    return true;
  },
});

/**
 * virsh reads `string(/domain/devices/console/@tty)`: the tty of the first console that has one,
 * whatever its place. None, or an empty one (an inactive domain, a console that is not a pty),
 * fails without a message.
 */
export const ttyconsole = objectCommand({
  name: 'ttyconsole',
  group: 'domain',
  help: 'tty console',
  desc: 'Output the device for the TTY console.',
  object: DOMAIN,
  async run(dom, ctl) {
    const devices = firstChild(parseXml(await dom.getXMLDesc(), 'domain'), 'devices');
    const ttys = (devices ? childElements(devices, 'console') : []).map((el) => (parseDevice(el) as DeviceOf<'console'>).tty);
    const tty = ttys.find((t) => t !== undefined);
    if (!tty) return false;
    ctl.print(`${tty}\n`);
    return true;
  },
});
