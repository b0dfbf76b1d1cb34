import { constants } from 'node:fs';
import { access, readFile, readlink, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { ErrorCode, ErrorDomain, VirError, systemError } from '@tsvirt/util';
import type { ContainerSpec } from './container-spec.js';

const D = ErrorDomain.LXC;

/** Who init runs as, resolved in the container's own /etc/passwd and /etc/group. */
export interface InitIdentity {
  readonly uid: number | undefined;
  readonly gid: number | undefined;
}

async function mustExist(path: string): Promise<void> {
  await stat(path).catch((e: NodeJS.ErrnoException) => {
    throw systemError(`Failed to access '${path}'`, e, D);
  });
}

/** A path inside the container as the host sees it, following symlinks as the container would. */
async function resolveInRoot(root: string, path: string, hops = 0): Promise<string> {
  const host = posix.join(root, path);
  const target = await readlink(host).catch(() => undefined);
  if (target === undefined || hops > 40) return host;
  return resolveInRoot(root, target.startsWith('/') ? target : posix.join(posix.dirname(path), target), hops + 1);
}

/** A user or group named or numbered as libvirt reads `<inituser>`/`<initgroup>`: a number, or a name in the container's file. */
async function lookupId(root: string, file: string, name: string, kind: 'user' | 'group'): Promise<number> {
  const n = /^\+?\d+$/.test(name) ? Number(name.replace('+', '')) : undefined;
  if (n !== undefined) return n;
  const text = await readFile(posix.join(root, file), 'utf8').catch(() => '');
  const line = text.split('\n').map((l) => l.split(':')).find((f) => f[0] === name);
  if (!line || !/^\d+$/.test(line[2] ?? '')) throw new VirError(ErrorCode.INVALID_ARG, `Failed to parse ${kind} '${name}'`, D);
  return Number(line[2]);
}

/** An init user or group given by number; a name needs the container's files, which a block root hides until it is mounted. */
function numericId(name: string | undefined, kind: 'user' | 'group'): number | undefined {
  if (name === undefined) return undefined;
  if (!/^\+?\d+$/.test(name)) throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `an init ${kind} of a container whose root is a block device or image must be given by number, not '${name}'`, D);
  return Number(name.replace('+', ''));
}

/**
 * What libvirt finds wrong only once the container is half made, checked before anything is
 * created: the root and bind sources exist, init is an executable inside the root, and the
 * init user and group exist there.
 */
export async function prestartChecks(spec: ContainerSpec): Promise<InitIdentity> {
  await mustExist(spec.root.source);
  for (const m of spec.mounts) if (m.kind === 'bind' || m.kind === 'block') await mustExist(m.source);
  // A block or image root is seen only once the helper has mounted it: init is then its to find.
  if (spec.root.block) return { uid: numericId(spec.initUser, 'user'), gid: numericId(spec.initGroup, 'group') };
  const init = spec.init[0]!;
  const hostInit = await resolveInRoot(spec.root.source, init);
  const st = await stat(hostInit).catch((e: NodeJS.ErrnoException) => {
    throw systemError(`cannot find init path '${init}' relative to container root`, e, D);
  });
  const exec = st.isFile() && (await access(hostInit, constants.X_OK).then(() => true, () => false));
  if (!exec) {
    const e = Object.assign(new Error('EACCES'), { code: 'EACCES', errno: -13 }) as NodeJS.ErrnoException;
    throw systemError(`cannot find init path '${init}' relative to container root`, e, D);
  }
  return {
    uid: spec.initUser === undefined ? undefined : await lookupId(spec.root.source, 'etc/passwd', spec.initUser, 'user'),
    gid: spec.initGroup === undefined ? undefined : await lookupId(spec.root.source, 'etc/group', spec.initGroup, 'group'),
  };
}
