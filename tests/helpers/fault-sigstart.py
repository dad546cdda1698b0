#!/usr/bin/python3
"""fault-sigstart.py CMD [ARGS...]

Execs CMD the way a careless caller would start it: SIGPIPE and SIGINT
ignored, SIGUSR1 blocked.  faults.test compares the SigIgn/SigBlk of a
wrapped target with those of the bare target started the same way.
"""
import os
import signal
import sys


def main():
    if len(sys.argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
    os.execv(sys.argv[1], sys.argv[1:])
    return 127


if __name__ == "__main__":
    sys.exit(main())
