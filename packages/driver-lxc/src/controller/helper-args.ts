import type { LaunchParams } from './launch-params.js';
import { meminfoFifo } from '../state/lxc-paths.js';

/** The environment libvirt gives a container's init, then the domain's `<initenv>`s. */
export function initEnvironment(p: LaunchParams): string[] {
  const s = p.spec;
  return [
    'PATH=/bin:/sbin',
    'TERM=linux',
    'container=lxc-libvirt',
    'HOME=/',
    `container_uuid=${s.uuid}`,
    `LIBVIRT_LXC_UUID=${s.uuid}`,
    `LIBVIRT_LXC_NAME=${s.name}`,
    ...(s.description !== undefined ? [`LIBVIRT_LXC_CMDLINE=${s.description}`] : []),
    ...s.initEnv.map(([k, v]) => `${k}=${v}`),
  ];
}

/** The helper's command line: the root, mounts, identity and init of the container. */
export function helperArgs(p: LaunchParams): string[] {
  const s = p.spec;
  const args = ['run', '--root', s.root.source, s.root.readonly ? 'ro' : 'rw', '--hostname', s.name];
  if (s.idmap) args.push('--userns');
  for (const sh of p.shares) args.push('--share', sh.ns, sh.path);
  for (const m of s.mounts) {
    if (m.kind === 'bind') args.push('--bind', m.source, m.target, m.readonly ? 'ro' : 'rw');
    else args.push('--tmpfs', m.target, String(m.kib));
  }
  args.push('--proc-file', meminfoFifo(p.stateDir, s.name), 'meminfo');
  if (p.uid !== undefined) args.push('--uid', String(p.uid));
  if (p.gid !== undefined) args.push('--gid', String(p.gid));
  if (s.initDir !== undefined) args.push('--cwd', s.initDir);
  for (const e of initEnvironment(p)) args.push('--env', e);
  return [...args, '--', ...s.init];
}

/** `/proc/PID/uid_map` or `gid_map` content for the domain's `<idmap>`. */
export function idMapText(ranges: ReadonlyArray<{ start: number; target: number; count: number }>): string {
  return ranges.map((r) => `${r.start} ${r.target} ${r.count}\n`).join('');
}
