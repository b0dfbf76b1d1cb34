/**
 * A line written on a connected UNIX socket with one descriptor attached (SCM_RIGHTS), as QEMU's
 * `getfd` expects it: Node cannot attach descriptors, so a Perl helper calls sendmsg(2) on the
 * inherited socket (its fd 3) with the descriptor (its fd 4). The structures are x86-64 Linux's
 * (struct msghdr 56 bytes, a cmsghdr of one int 20, padded to 24), the only host QEMU runs on here.
 */
import { perlWithFds } from '../process/fd-helper.js';

/** SYS_sendmsg on x86-64; SOL_SOCKET and SCM_RIGHTS are both 1. */
const SENDMSG = `my ($line) = @ARGV;
my $iov = pack('pQ', $line, length $line);
my $ctl = pack('QiiiI', 20, 1, 1, 4, 0);
my $msg = pack('QQpQpQQ', 0, 0, $iov, 1, $ctl, 24, 0);
my $r = syscall(46, 3, $msg, 0);
die "$!\\n" if $r < 0;
die "short write\\n" if $r != length $line;`;

/** Writes `line` on the socket `socketFd` with `fd` attached. */
export function sendLineWithFd(socketFd: number, line: string, fd: number): Promise<void> {
  // Another architecture numbers sendmsg otherwise: refused rather than a wrong system call.
  if (process.arch !== 'x64') return Promise.reject(new Error(`passing descriptors to QEMU is built for x86-64 hosts only, not ${process.arch}`));
  return perlWithFds(SENDMSG, [line], [socketFd, fd]).then(() => undefined);
}
