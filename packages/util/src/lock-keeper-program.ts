/**
 * The lock keeper's program (Perl, which every Debian system has: perl-base is Essential). One
 * keeper per process holds the process's flock(2) locks, so taking one costs a line on a pipe,
 * not a new process. Requests on stdin, one a line:
 *   A ID HEX   take the exclusive lock on the path HEX spells (created if missing); "ok ID" once held
 *   R ID       release it, or stop waiting for it
 * Failures answer "err ID TEXT". A busy lock is waited for by a child that blocks in flock(2) on
 * the same open file description and says so through a pipe, so the keeper never blocks. When
 * stdin closes (the process ended, however it ended) the keeper exits and the kernel drops every
 * lock it held.
 */
export const LOCK_KEEPER = String.raw`
use strict;
use warnings;
use Fcntl qw(:flock O_WRONLY O_APPEND O_CREAT);
use IO::Select;
use POSIX ();

$SIG{CHLD} = 'IGNORE';
$| = 1;
pipe(my $got_r, my $got_w) or die "pipe: $!";
my (%fh, %waiter);
my $sel = IO::Select->new(\*STDIN, $got_r);
my $in = '';

sub release {
  my ($id) = @_;
  if (my $pid = delete $waiter{$id}) { kill 'KILL', $pid; }
  close(delete $fh{$id}) if $fh{$id};
}

sub take {
  my ($id, $path) = @_;
  sysopen(my $h, $path, O_WRONLY | O_APPEND | O_CREAT, 0600) or return print "err $id $!\n";
  $fh{$id} = $h;
  return print "ok $id\n" if flock($h, LOCK_EX | LOCK_NB);
  return print "err $id $!\n" unless $!{EWOULDBLOCK};
  my $pid = fork();
  return print "err $id $!\n" unless defined $pid;
  if ($pid == 0) {
    # Only this lock's description may stay open here: a copy of another would keep it locked.
    close($_) for grep { $_ != $h } values %fh;
    flock($h, LOCK_EX) and syswrite($got_w, "$id\n");
    POSIX::_exit(0);
  }
  $waiter{$id} = $pid;
}

while (1) {
  for my $ready ($sel->can_read) {
    if ($ready == $got_r) {
      sysread($got_r, my $ids, 4096);
      for my $id (split /\n/, $ids) { print "ok $id\n" if delete $waiter{$id}; }
      next;
    }
    my $n = sysread(STDIN, $in, 65536, length $in);
    if (!$n) { release($_) for keys %fh; exit 0; }
    while ($in =~ s/^([^\n]*)\n//) {
      my ($op, $id, $path) = split / /, $1, 3;
      if ($op eq 'A') { take($id, pack('H*', $path)); } else { release($id); }
    }
  }
}
`;
