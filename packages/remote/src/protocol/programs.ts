/** Every program the generator knows, by program number. */
import { admin_program } from '../generated/admin-protocol.js';
import { keepalive_program } from '../generated/keepalive-protocol.js';
import { lxc_program } from '../generated/lxc-protocol.js';
import { qemu_program } from '../generated/qemu-protocol.js';
import { remote_program } from '../generated/remote-protocol.js';
import type { Program } from './program.js';

export { admin_program, keepalive_program, lxc_program, qemu_program, remote_program };

export const programs: ReadonlyMap<number, Program> = new Map(
  [remote_program, qemu_program, lxc_program, keepalive_program, admin_program].map((p) => [p.program, p]),
);
