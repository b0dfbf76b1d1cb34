import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';

/** How a failure of the controller's own set-up begins, in libvirt_lxc's words. */
export const SETUP_FAILURE = 'Failure in libvirt_lxc startup: ';

/**
 * A failure libvirt_lxc reports while setting the container up (the cgroup, loop devices, host
 * devices), as libvirt words it: the line it left in the log, its newline kept, as a timed-out read.
 * This driver finds some of them before anything is made, and words them the same.
 */
export function setupFailure(message: string): VirError {
  return new VirError(ErrorCode.INTERNAL_ERROR, `Timed out while reading log output: ${SETUP_FAILURE}${message}\n`, ErrorDomain.LXC);
}
