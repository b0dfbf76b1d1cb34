import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// tsvirsh writes its output straight to descriptors 1 and 2 (src/vsh/fd-output.ts), gathered over
// quick commands. These are the cases a plain blocking pipe or file does not show.
const cli = fileURLToPath(new URL('../dist/program/tsvirsh.cjs', import.meta.url));
const HELP_40 = Array.from({ length: 40 }, () => 'help').join(';');

/** stdout of tsvirsh through a blocking pipe, the reference. */
const blocking = (script: string): string =>
  execFileSync(process.execPath, [cli, '-c', 'test:///default', script], { encoding: 'utf8', maxBuffer: 1 << 26 });

// A non-blocking pipe that fills while its reader sleeps: the writes meet EAGAIN.
const NONBLOCKING_READER = `
import fcntl, os, subprocess, sys, time
r, w = os.pipe()
fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)
p = subprocess.Popen(sys.argv[1:], stdout=w)
os.close(w)
time.sleep(1)
data = b''
while True:
    chunk = os.read(r, 65536)
    if not chunk:
        break
    data += chunk
sys.stdout.buffer.write(data)
sys.exit(p.wait())
`;

describe('output through descriptors', { timeout: 60_000 }, () => {
  it('writes everything to a non-blocking pipe that is full for a while', () => {
    const r = spawnSync('python3', ['-c', NONBLOCKING_READER, process.execPath, cli, '-c', 'test:///default', HELP_40], { encoding: 'utf8', maxBuffer: 1 << 26 });
    expect(r.status).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(256 * 1024);
    expect(r.stdout).toBe(blocking(HELP_40));
  });

  it('stops quietly when the reader goes away', () => {
    const r = spawnSync('bash', ['-c', '"$0" "$1" -c test:///default "$2" | head -c 10 >/dev/null; exit ${PIPESTATUS[0]}', process.execPath, cli, HELP_40], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('keeps each command output and error in order when both go to one place', () => {
    const r = spawnSync('bash', ['-c', '"$0" "$1" -c test:///default "list --name; dominfo nosuch; domid test" 2>&1', process.execPath, cli], { encoding: 'utf8' });
    // list's name, its blank line and the one after a command; dominfo's error (no blank line after a failure); domid's
    expect(r.stdout).toBe("test\n\n\nerror: failed to get domain 'nosuch'\n1\n\n");
  });

  // Whether output is shown as it comes (a terminal) or gathered (a file, a pipe, /dev/null), as
  // virsh's stdio decides between line and full buffering.
  const SHOWS_AT_ONCE = `
import os, pty, subprocess, sys
probe = ['node', '--input-type=module', '-e',
  "import { isCharDevice } from '" + sys.argv[1] + "'; process.stderr.write(String(isCharDevice(1)))"]
def run(out):
    return subprocess.run(probe, stdout=out, stderr=subprocess.PIPE).stderr.decode()
primary, secondary = pty.openpty()
print(run(secondary), run(subprocess.DEVNULL), run(subprocess.PIPE), run(open('/dev/zero', 'rb')))
`;

  it('shows output at once on a terminal only, not on /dev/null, a pipe or another memory device', () => {
    const module = fileURLToPath(new URL('../dist/vsh/fd-output.js', import.meta.url));
    const r = spawnSync('python3', ['-c', SHOWS_AT_ONCE, module], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('true false false false\n');
  });
});
