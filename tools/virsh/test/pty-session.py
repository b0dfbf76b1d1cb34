#!/usr/bin/env python3
"""Drives a program through a pseudo-terminal, for the interactive shell's tests.

usage: pty-session.py STEPS_JSON PROGRAM [ARGS...]
STEPS_JSON is a list of ["send", text] and ["expect", text] steps; an expect waits (10 s at most)
until the transcript since the previous expect contains the text. Prints a JSON object with the
whole transcript, the exit status and the step that timed out, if any.
"""
import json, os, pty, select, sys, time

steps = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])

transcript = b""
mark = 0
failed = None

def read_some(timeout):
    global transcript
    r, _, _ = select.select([fd], [], [], timeout)
    if not r:
        return False
    try:
        data = os.read(fd, 4096)
    except OSError:
        return None
    if not data:
        return None
    transcript += data
    return True

for i, (kind, text) in enumerate(steps):
    if kind == "send":
        # One write per step, apart in time: readline takes a chunk of several keys as a paste,
        # in which Tab does not complete.
        os.write(fd, text.encode())
        time.sleep(0.1)
        continue
    deadline = time.time() + 10
    while text.encode() not in transcript[mark:]:
        left = deadline - time.time()
        if left <= 0 or read_some(left) is None:
            failed = i
            break
    if failed is not None:
        break
    mark = transcript.index(text.encode(), mark) + len(text.encode())

# Drain what is left until the program closes the terminal (10 s at most), then reap it.
deadline = time.time() + 10
while time.time() < deadline and read_some(0.2) is not None:
    pass
done, status = os.waitpid(pid, os.WNOHANG)
if done == 0:
    os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
print(json.dumps({"transcript": transcript.decode(errors="replace"), "status": os.waitstatus_to_exitcode(status), "failedStep": failed}))
