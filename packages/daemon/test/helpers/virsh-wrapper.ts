import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A `virsh` that reaches test:///default through one of several daemons: every `-c test:///default`
 * (or `--connect=`) becomes `test+unix:///default?socket=SOCK`, SOCK being the first daemon no
 * other run holds (flock), so each run has a daemon, and so a fresh test host, to itself.
 */
export function writeVirshWrapper(dir: string, sockets: readonly string[]): string {
  const path = join(dir, 'virsh-via-tsvirtd');
  const list = sockets.map((s) => `'${s}'`).join(' ');
  writeFileSync(path, `#!/bin/bash
while :; do
  for sock in ${list}; do
    exec 9>"$sock.lock"
    flock -n 9 && break 2
    exec 9>&-
  done
  sleep 0.05
done
uri="test+unix:///default?socket=$sock"
args=()
prev=
for a in "$@"; do
  if [ "$a" = "test:///default" ] && { [ "$prev" = "-c" ] || [ "$prev" = "--connect" ]; }; then a="$uri"; fi
  [ "$a" = "--connect=test:///default" ] && a="--connect=$uri"
  args+=("$a"); prev="$a"
done
exec /usr/bin/virsh "\${args[@]}"
`);
  chmodSync(path, 0o755);
  return path;
}
