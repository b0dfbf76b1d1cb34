import type { BlockVia } from '../conf/container-spec.js';
import type { LaunchParams } from './launch-params.js';
import { initEndFile, meminfoFifo, rootStage } from '../state/lxc-paths.js';

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

/** The helper attaches loop devices itself; an nbd image is on its device by now (driver/nbd-images.ts). */
const helperVia = (via: BlockVia): 'loop' | 'dev' => (via === 'loop' ? 'loop' : 'dev');

/**
 * The helper's command line: the root, mounts, identity and init of the container, and on a
 * first start the controller's command (Node, its script, its argument) for the helper to start.
 */
export function helperArgs(p: LaunchParams, controller?: readonly [string, string, string]): string[] {
  const s = p.spec;
  const ro = (b: boolean) => (b ? 'ro' : 'rw');
  const args = ['run', ...(controller ? ['--controller', ...controller] : [])];
  if (s.root.block) args.push('--root-block', s.root.source, ro(s.root.readonly), helperVia(s.root.block), rootStage(p.stateDir, s.name));
  else args.push('--root', s.root.source, ro(s.root.readonly));
  args.push('--hostname', s.name);
  if (s.idmap) args.push('--userns');
  for (const sh of p.shares) args.push('--share', sh.ns, sh.path);
  for (const m of s.mounts) {
    if (m.kind === 'bind') args.push('--bind', m.source, m.target, ro(m.readonly));
    else if (m.kind === 'block') args.push('--block', m.source, m.target, ro(m.readonly), helperVia(m.via));
    else args.push('--tmpfs', m.target, String(m.kib));
  }
  for (const n of p.devNodes) args.push('--devnode', n.host, n.path);
  args.push('--proc-file', meminfoFifo(p.stateDir, s.name), 'meminfo');
  if (p.uid !== undefined) args.push('--uid', String(p.uid));
  if (p.gid !== undefined) args.push('--gid', String(p.gid));
  if (s.initDir !== undefined) args.push('--cwd', s.initDir);
  args.push('--end-file', initEndFile(p.stateDir, s.name));
  for (const e of initEnvironment(p)) args.push('--env', e);
  return [...args, '--', ...s.init];
}

/** `/proc/PID/uid_map` or `gid_map` content for the domain's `<idmap>`. */
export function idMapText(ranges: ReadonlyArray<{ start: number; target: number; count: number }>): string {
  return ranges.map((r) => `${r.start} ${r.target} ${r.count}\n`).join('');
}
