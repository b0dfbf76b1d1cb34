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
 *
 * It loads no module (no strict, warnings, Fcntl, IO::Select or POSIX): they tripled perl's
 * start, which every command that takes a lock waits for. flock's operation numbers are the
 * same on every system (LOCK_EX 2, LOCK_NB 4); the file is opened in append mode, which creates
 * it, under a umask that makes it 0600; Errno is loaded only when a lock is busy.
 */
export const LOCK_KEEPER = String.raw`
$SIG{CHLD} = 'IGNORE';
$| = 1;
umask 077;
pipe(my $got_r, my $got_w) or die "pipe: $!";
my (%fh, %waiter);
my $in = '';
my $watched = '';
vec($watched, fileno(STDIN), 1) = 1;
vec($watched, fileno($got_r), 1) = 1;

sub release {
  my ($id) = @_;
  if (my $pid = delete $waiter{$id}) { kill 'KILL', $pid; }
  close(delete $fh{$id}) if $fh{$id};
}

sub take {
  my ($id, $path) = @_;
  open(my $h, '>>', $path) or return print "err $id $!\n";
  $fh{$id} = $h;
  return print "ok $id\n" if flock($h, 6);
  return print "err $id $!\n" unless $!{EWOULDBLOCK};
  my $pid = fork();
  return print "err $id $!\n" unless defined $pid;
  if ($pid == 0) {
    # Only this lock's description may stay open here: a copy of another would keep it locked.
    close($_) for grep { $_ != $h } values %fh;
    flock($h, 2) and syswrite($got_w, "$id\n");
    # Nothing buffered to flush, no destructor to run: gone at once.
    kill 'KILL', $$;
  }
  $waiter{$id} = $pid;
}

while (1) {
  my $ready = $watched;
  next if select($ready, undef, undef, undef) <= 0;
  if (vec($ready, fileno($got_r), 1)) {
    sysread($got_r, my $ids, 4096);
    for my $id (split /\n/, $ids) { print "ok $id\n" if delete $waiter{$id}; }
  }
  next unless vec($ready, fileno(STDIN), 1);
  my $n = sysread(STDIN, $in, 65536, length $in);
  if (!$n) { release($_) for keys %fh; exit 0; }
  while ($in =~ s/^([^\n]*)\n//) {
    my ($op, $id, $path) = split / /, $1, 3;
    if ($op eq 'A') { take($id, pack('H*', $path)); } else { release($id); }
  }
}
`;
