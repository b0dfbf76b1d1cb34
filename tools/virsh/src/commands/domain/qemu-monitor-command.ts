import { DomainQemuMonitorCommandFlags } from '@tsvirt/api';
import { ErrorCode, VirError } from '@tsvirt/util';
import { CommandFailed } from '../../vsh/ctl.js';
import { VshError } from '../../vsh/vsh-error.js';
import { DOMAIN } from '../../domain-lookup.js';
import { objectCommand } from '../shared/object-command.js';
import { passFds } from '../shared/pass-fds.js';

function parseJSON(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new VirError(ErrorCode.INTERNAL_ERROR, `cannot parse json ${text}: ${(e as Error).message}`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * virsh's QMP wrapping: words that are not a JSON object become `{"execute": FIRST}`, the other
 * words read as the members of the `arguments` object.
 */
function qmpCommand(words: readonly string[]): string {
  const full = words.join(' ');
  try {
    if (isObject(JSON.parse(full))) return full;
  } catch {
    // not JSON: wrapped below
  }
  const [name, ...rest] = words;
  const wrapped: Record<string, unknown> = { execute: name };
  if (rest.length > 0) {
    const args = rest.join(' ');
    try {
      wrapped['arguments'] = parseJSON(`{${args}}`);
    } catch (e) {
      throw new CommandFailed(`failed to wrap arguments '${args}' into a QMP command wrapper`, e);
    }
  }
  return JSON.stringify(wrapped);
}

/** libvirt's pretty JSON (yajl's beautifier): two-space indents, and empty containers opened on their own line. */
export function prettyJSON(v: unknown, indent = ''): string {
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    return `[\n${v.length ? v.map((x) => inner + prettyJSON(x, inner)).join(',\n') : ''}\n${indent}]`;
  }
  if (isObject(v)) {
    const body = Object.entries(v).map(([k, x]) => `${inner}${JSON.stringify(k)}: ${prettyJSON(x, inner)}`).join(',\n');
    return `{\n${body}\n${indent}}`;
  }
  return JSON.stringify(v);
}

export const qemuMonitorCommand = objectCommand({
  name: 'qemu-monitor-command',
  group: 'domain',
  help: 'QEMU Monitor Command',
  desc: 'QEMU Monitor Command',
  object: DOMAIN,
  check(cmd) {
    cmd.exclusive('hmp', 'pretty');
    cmd.exclusive('hmp', 'return-value');
  },
  options: [
    { name: 'hmp', type: 'bool', help: 'command is in human monitor protocol' },
    { name: 'pretty', type: 'bool', help: 'pretty-print any qemu monitor protocol output' },
    { name: 'return-value', type: 'bool', help: "extract the value of the 'return' key from the returned string" },
    { name: 'pass-fds', type: 'string', namedOnly: true, help: 'pass file descriptors N,M,... along with the command' },
    { name: 'cmd', type: 'argv', required: true, help: 'command' },
  ],
  async run(dom, ctl, cmd) {
    const hmp = cmd.bool('hmp');
    const text = hmp ? cmd.argv('cmd').join(' ') : qmpCommand(cmd.argv('cmd'));
    // The API has no way to hand descriptors to QEMU yet.
    if (passFds(cmd.string('pass-fds')).length > 0) {
      throw new VirError(ErrorCode.NO_SUPPORT, 'virDomainQemuMonitorCommandWithFiles');
    }
    const result = await dom.qemuMonitorCommand(text, hmp ? DomainQemuMonitorCommandFlags.HMP : 0);
    // The closing newline of each command's output is virsh's own; only the raw reply gets one more.
    if (!cmd.bool('pretty') && !cmd.bool('return-value')) {
      ctl.print(`${result}\n`);
      return true;
    }
    const reply = parseJSON(result);
    if (cmd.bool('return-value') && !(isObject(reply) && 'return' in reply)) throw new VshError("'return' member missing");
    const shown = cmd.bool('return-value') ? (reply as Record<string, unknown>)['return'] : reply;
    ctl.print(cmd.bool('pretty') ? prettyJSON(shown) : JSON.stringify(shown));
    return true;
  },
});
