import { DomainAuthorizedSSHKeysSetFlags as K, type Domain } from '@tsvirt/api';
import type { CommandDef } from '../../vsh/command-def.js';
import { DOMAIN } from '../../domain-lookup.js';
import { CommandFailed } from '../../vsh/ctl.js';
import { nonEmptyOpt, ullOpt } from '../../vsh/option-values.js';
import { VshError } from '../../vsh/vsh-error.js';
import { boolOpt, requireOpt } from '../shared/modify-impact.js';
import { objectCommand } from '../shared/object-command.js';
import { readXMLFile } from './domain-xml.js';

/** The guest's file systems through the agent: freeze, thaw, trim; and a guest user's SSH keys. */

/** domfsfreeze and domfsthaw: the same shape, virsh's words for each. */
function freezeCommand(name: string, verb: 'Freeze' | 'Thaw', done: string, call: (dom: Domain, mountpoints: string[]) => Promise<number>): CommandDef {
  return objectCommand({
    name,
    group: 'domain',
    help: `${verb} domain's mounted filesystems.`,
    desc: `${verb} domain's mounted filesystems.`,
    object: DOMAIN,
    options: [{ name: 'mountpoint', type: 'argv', positional: true, help: `mountpoint path to be ${verb === 'Freeze' ? 'frozen' : 'thawed'}` }],
    async run(dom, ctl, cmd) {
      let n: number;
      try {
        n = await call(dom, cmd.argv('mountpoint'));
      } catch (e) {
        throw new CommandFailed(`Unable to ${verb.toLowerCase()} filesystems`, e);
      }
      ctl.extra(`${done} ${n} filesystem(s)\n`);
    },
  });
}

export const domfsfreeze = freezeCommand('domfsfreeze', 'Freeze', 'Froze', (dom, m) => dom.fsFreeze(m));
export const domfsthaw = freezeCommand('domfsthaw', 'Thaw', 'Thawed', (dom, m) => dom.fsThaw(m));

export const domfstrim = objectCommand({
  name: 'domfstrim',
  group: 'domain',
  help: "Invoke fstrim on domain's mounted filesystems.",
  desc: "Invoke fstrim on domain's mounted filesystems.",
  object: DOMAIN,
  options: [
    { name: 'minimum', type: 'int', help: 'Just a hint to ignore contiguous free ranges smaller than this (Bytes)' },
    { name: 'mountpoint', type: 'string', help: 'which mount point to trim' },
  ],
  async run(dom, _ctl, cmd) {
    const minimum = ullOpt(cmd, 'minimum') ?? 0n;
    const mountPoint = nonEmptyOpt(cmd, 'mountpoint');
    try {
      await dom.fsTrim(mountPoint, minimum);
    } catch (e) {
      throw new CommandFailed('Unable to invoke fstrim', e);
    }
  },
});

export const getUserSshkeys = objectCommand({
  name: 'get-user-sshkeys',
  group: 'domain',
  help: 'list authorized SSH keys for given user (via agent)',
  desc: 'Use the guest agent to query authorized SSH keys for given user',
  object: DOMAIN,
  options: [{ name: 'user', type: 'string', positional: true, required: true, help: 'user to list authorized keys for' }],
  async run(dom, ctl, cmd) {
    for (const key of await dom.authorizedSSHKeysGet(cmd.required('user'))) ctl.print(`${key}\n`);
  },
});

export const setUserSshkeys = objectCommand({
  name: 'set-user-sshkeys',
  group: 'domain',
  help: 'manipulate authorized SSH keys file for given user (via agent)',
  desc: 'Append, reset or remove specified key from the authorized keys file for given user',
  object: DOMAIN,
  options: [
    { name: 'user', type: 'string', positional: true, required: true, help: 'user to set authorized keys for' },
    { name: 'file', type: 'string', help: 'optional file to read keys from' },
    boolOpt('reset', 'clear out authorized keys file before adding new keys'),
    boolOpt('remove', 'remove keys from the authorized keys file'),
  ],
  check(cmd) {
    requireOpt(cmd, 'remove', 'file');
    cmd.exclusive('reset', 'remove');
  },
  async run(dom, _ctl, cmd) {
    const user = cmd.required('user');
    const file = nonEmptyOpt(cmd, 'file');
    const flags = cmd.bool('remove') ? K.REMOVE : cmd.bool('reset') ? 0 : K.APPEND;
    if (flags === K.APPEND && file === undefined) throw new VshError('Option --file is required');
    // As virsh splits the file (g_strsplit): on every newline, a final empty piece included.
    const text = file === undefined ? '' : await readXMLFile(file);
    const keys = text === '' ? [] : text.split('\n');
    if (file !== undefined && keys.length === 0) throw new VshError(`File ${file} contains no keys`);
    await dom.authorizedSSHKeysSet(user, keys, flags);
  },
});
