import { SEND_KEY_MAX_KEYS } from '@tsvirt/api';
import { keycodeFromName, keycodeSetFromName } from '@tsvirt/util/keycodes';
import { DOMAIN } from '../../domain-lookup.js';
import { uintOpt } from '../../vsh/option-values.js';
import { VshError } from '../../vsh/vsh-error.js';
import { objectCommand } from '../shared/object-command.js';

/** virsh's number syntax for a key (strtoul in base 0: `30`, `036`, `0x1e`), at most 0xffff. */
function keycodeNumber(word: string): number | undefined {
  const m = /^\s*\+?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)$/.exec(word);
  if (!m) return undefined;
  const digits = m[1]!;
  const n = /^0[xX]/.test(digits) ? parseInt(digits.slice(2), 16) : digits.startsWith('0') ? parseInt(digits, 8) : Number(digits);
  return n <= 0xffff ? n : undefined;
}

/** virsh prints nothing on success: a refusal is libvirt's error alone. */
export const sendKey = objectCommand({
  name: 'send-key',
  group: 'domain',
  help: 'Send keycodes to the guest',
  desc: 'Send keycodes (integers or symbolic names) to the guest',
  object: DOMAIN,
  options: [
    { name: 'codeset', type: 'string', namedOnly: true, help: 'the codeset of keycodes, default:linux' },
    { name: 'holdtime', type: 'int', namedOnly: true, help: 'the time (in milliseconds) how long the keys will be held' },
    { name: 'keycode', type: 'argv', positional: true, required: true, help: 'the key code' },
  ],
  async run(dom, _ctl, cmd) {
    const holdtime = uintOpt(cmd, 'holdtime') ?? 0;
    const setName = cmd.string('codeset') || 'linux';
    const codeset = keycodeSetFromName(setName);
    if (codeset === undefined) throw new VshError(`unknown codeset: '${setName}'`);
    const keycodes: number[] = [];
    for (const word of cmd.argv('keycode')) {
      if (keycodes.length === SEND_KEY_MAX_KEYS) throw new VshError('too many keycodes');
      const code = keycodeNumber(word) ?? keycodeFromName(codeset, word);
      if (code === undefined) throw new VshError(`invalid keycode: '${word}'`);
      keycodes.push(code);
    }
    await dom.sendKey(codeset, holdtime, keycodes);
  },
});
