import { open, rm, type FileHandle } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { DOMAIN } from '../../domain-lookup.js';
import { CommandFailed } from '../../vsh/ctl.js';
import { nonEmptyOpt, uintOpt } from '../../vsh/option-values.js';
import { VshError } from '../../vsh/vsh-error.js';
import { objectCommand } from '../shared/object-command.js';

/** The extension virsh gives a file of each MIME type it knows. */
const EXTENSIONS: Readonly<Record<string, string>> = { 'image/x-portable-pixmap': '.ppm', 'image/png': '.png' };

/** virsh's name for a screenshot saved without `--file`: `DOMAIN-YYYY-MM-DD-HH:MM:SS.EXT`, local time. */
function generatedName(domain: string, mime: string): string {
  const d = new Date();
  const p = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}-${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  return `${domain}-${stamp}${EXTENSIONS[mime] ?? ''}`;
}

/** Opens the file as virsh does: a new one (removed again if the command fails), else an existing one truncated. */
async function openTarget(file: string): Promise<{ fh: FileHandle; created: boolean } | undefined> {
  try {
    return { fh: await open(file, 'wx', 0o666), created: true };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return undefined;
    return open(file, 'w', 0o666).then((fh) => ({ fh, created: false }), () => undefined);
  }
}

export const screenshot = objectCommand({
  name: 'screenshot',
  group: 'domain',
  help: 'take a screenshot of a current domain console and store it into a file',
  desc: 'screenshot of a current domain console',
  object: DOMAIN,
  options: [
    { name: 'file', type: 'string', help: 'where to store the screenshot' },
    { name: 'screen', type: 'int', help: 'ID of a screen to take screenshot of' },
  ],
  check(cmd) {
    nonEmptyOpt(cmd, 'file');
    uintOpt(cmd, 'screen');
  },
  async run(dom, ctl, cmd) {
    const name = dom.getName();
    let shot;
    try {
      shot = await dom.screenshot(uintOpt(cmd, 'screen') ?? 0);
    } catch (e) {
      throw new CommandFailed(`could not take a screenshot of ${name}`, e);
    }
    const file = cmd.string('file') ?? generatedName(name, shot.mimeType);
    const target = await openTarget(file);
    if (!target) {
      shot.stream.destroy();
      throw new VshError(`cannot create file ${file}`);
    }
    try {
      await pipeline(shot.stream, target.fh.createWriteStream());
    } catch {
      if (target.created) await rm(file, { force: true });
      throw new VshError(`could not receive data from domain ${name}`);
    }
    ctl.extra(`Screenshot saved to ${file}, with type of ${shot.mimeType}`);
  },
});
