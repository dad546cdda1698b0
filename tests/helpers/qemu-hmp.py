#!/usr/bin/python3
"""Drive a qemu-system human monitor (HMP) on a unix socket
(tests/powercut.test: save a booted machine once, restore it per cut).

  qemu-hmp.py SOCKET COMMAND...
      Connects (waiting up to 30 s for qemu to create SOCKET), runs each
      COMMAND in turn, waiting for the monitor's prompt after each, and
      prints what they answered. Two COMMANDs are the helper's own:
        wait-running     asks "info status" until the machine runs (an
                         incoming migration has been loaded)
        wait-migrated    asks "info migrate" until the migration is over;
                         fails unless it completed
Exit status 0 when every command got its answer; 1 with one line on
stderr otherwise (no socket, qemu gone, a failed migration, 60 s passed).
"""

import socket
import sys
import time

PROMPT = b"(qemu) "
LIMIT = 60.0


class Monitor:
    def __init__(self, path):
        end = time.monotonic() + 30
        while True:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                self.sock.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                self.sock.close()
                if time.monotonic() > end:
                    raise
                time.sleep(0.05)            # qemu is still starting
        self.sock.settimeout(LIMIT)
        self.buf = b""
        self.read_prompt()

    def read_prompt(self):
        while PROMPT not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("qemu closed the monitor")
            self.buf += chunk
        answer, _, self.buf = self.buf.partition(PROMPT)
        return answer.decode("utf-8", "replace")

    def run(self, command):
        self.sock.sendall(command.encode() + b"\n")
        if command == "quit":
            return ""
        return self.read_prompt()

    def poll(self, command, done, failed=None):
        end = time.monotonic() + LIMIT
        while True:
            answer = self.run(command)
            if done in answer:
                return answer
            if failed and failed in answer:
                raise RuntimeError("%s: %s" % (command, answer.strip()))
            if time.monotonic() > end:
                raise TimeoutError("%s: still not %r after %d s" % (command, done, LIMIT))
            time.sleep(0.02)


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    try:
        mon = Monitor(argv[1])
        for command in argv[2:]:
            if command == "wait-running":
                answer = mon.poll("info status", "status: running")
            elif command == "wait-migrated":
                answer = mon.poll("info migrate", "Migration status: completed",
                                  "Migration status: failed")
            else:
                answer = mon.run(command)
            sys.stdout.write(answer)
    except (OSError, RuntimeError) as exc:
        print("qemu-hmp: %s: %s" % (argv[1], exc), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
