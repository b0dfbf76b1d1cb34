import { spawn } from 'node:child_process';
import { ErrorCode, VirError } from '@tsvirt/util';
import { DOMAIN } from '../../domain-lookup.js';
import { objectCommand } from '../shared/object-command.js';

/** nsenter's option for each namespace kind libvirt hands out. */
const NSENTER_OPTION: Record<string, string> = { ipc: '--ipc', mnt: '--mount', net: '--net', pid: '--pid', user: '--user', uts: '--uts' };

export const lxcEnterNamespace = objectCommand({
  name: 'lxc-enter-namespace',
  group: 'domain',
  help: 'LXC Guest Enter Namespace',
  desc: 'Run an arbitrary command in a lxc guest namespace; use at your own risk',
  object: DOMAIN,
  options: [
    { name: 'noseclabel', type: 'bool', help: 'Do not change process security label' },
    { name: 'cmd', type: 'argv', required: true, help: 'command to run' },
  ],
  async run(dom, ctl, cmd) {
    const ns = await dom.lxcOpenNamespace();
    // There is no security driver to enter (libvirt's 'none'), with or without --noseclabel.
    const args = [...ns.namespaces.map((n) => `${NSENTER_OPTION[n.kind]}=${n.path}`), `--root=/proc/${ns.pid}/root`, '--wd=/', '--', ...cmd.argv('cmd')];
    const { stdout, stderr } = ctl.takeOutput();
    process.stdout.write(stdout);
    process.stderr.write(stderr);
    const child = spawn('nsenter', args, { stdio: 'inherit' });
    const status = await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? 1 : 0)));
    });
    if (status !== 0) throw new VirError(ErrorCode.INTERNAL_ERROR, `Child process (${child.pid}) unexpected exit status ${status}`);
    return true;
  },
});
