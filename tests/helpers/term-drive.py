"""term-drive.py - a person at a terminal, for tests/terminal.test and jobs.test.

Usage: term-drive.py SCENARIO W [ARG...]

Runs SCENARIO on a fresh pseudo-terminal, as a person would: an
interactive shell (or a login shell) is the session leader, keys are
typed, and every step waits for what the screen must show next, with a
deadline (never a fixed sleep). W is the directory whose sh/cat/... the
scenario runs: /bin for the bare run, the applet links for the wrapped
one. Prints the screen (normalised: no CR, no job pids) and what is
left running in the terminal's session at the end; tests/*.test compare
the bare and the wrapped transcript and check what they must contain.
A step whose text never came prints "TIMEOUT: ..." in the transcript.
"""
import os
import re
import select
import signal
import sys
import termios
import time

DEADLINE = float(os.environ.get("TERM_DEADLINE", "10"))
PY = sys.executable


class Term:
    def __init__(self, argv, env=None, argv0=None):
        pid, fd = os.forkpty()
        if pid == 0:
            try:
                e = dict(os.environ)
                e.update(env or {})
                os.execve(argv[0], [argv0 or argv[0]] + argv[1:], e)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.screen = b""
        self.mark = 0
        self.log = []
        self.status = None

    def _read(self, timeout):
        r, _, _ = select.select([self.fd], [], [], max(timeout, 0))
        if not r:
            return False
        try:
            data = os.read(self.fd, 65536)
        except OSError:
            data = b""
        if not data:
            raise EOFError
        self.screen += data.replace(b"\r", b"")
        return True

    def expect(self, pattern, what=None, deadline=DEADLINE, note=True):
        """Waits until pattern (a regex, bytes) appears after the mark;
        moves the mark past it. False (and a TIMEOUT line) if it never
        does."""
        rx = re.compile(pattern, re.S)
        end = time.monotonic() + deadline
        while True:
            m = rx.search(self.screen, self.mark)
            if m:
                self.mark = m.end()
                return True
            try:
                if not self._read(end - time.monotonic()) and time.monotonic() >= end:
                    break
            except EOFError:
                m = rx.search(self.screen, self.mark)
                if m:
                    self.mark = m.end()
                    return True
                break
        if note:
            self.screen += b"\nTIMEOUT: " + (what or pattern) + b"\n"
        self.mark = len(self.screen)
        return False

    def quiet(self, seconds):
        """Reads whatever comes within seconds (for "nothing more
        happens" checks after everything else was synchronised)."""
        end = time.monotonic() + seconds
        try:
            while time.monotonic() < end:
                self._read(end - time.monotonic())
        except EOFError:
            pass

    def send(self, keys):
        os.write(self.fd, keys)

    def line(self, text):
        self.send(text + b"\n")

    def wait_exit(self, deadline=DEADLINE):
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            try:
                self._read(0.05)
            except EOFError:
                pass
            p, st = os.waitpid(self.pid, os.WNOHANG)
            if p:
                self.status = st
                self.quiet(0.2 if self.session() else 0)
                try:    # what it wrote last is still in the terminal
                    while self._read(0):
                        pass
                except EOFError:
                    pass
                return True
        self.screen += b"\nTIMEOUT: session end\n"
        return False

    def session(self):
        """The commands still running in this terminal's session."""
        left = []
        for p in os.listdir("/proc"):
            if not p.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % p, "rb") as f:
                    st = f.read()
                with open("/proc/%s/cmdline" % p, "rb") as f:
                    cmd = f.read().replace(b"\0", b" ").strip()
            except OSError:
                continue
            fields = st[st.rindex(b")") + 2:].split()
            if int(fields[3]) == self.pid and fields[0] != b"Z":
                left.append(cmd)
        return left

    def wait_session_empty(self, deadline=DEADLINE):
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            if not self.session():
                return True
            time.sleep(0.02)
        return False

    def transcript(self):
        s = self.screen.replace(b"\r", b"")
        # job numbers with pids ("[1] 4242"), bracketed-paste switches
        s = re.sub(rb"(\[\d+\]) \d+", rb"\1 PID", s)
        s = re.sub(rb"\x1b\[\?2004[hl]", b"", s)
        return s.decode("utf-8", "replace")


def shell(kind):
    """An interactive outer shell with a prompt that cannot be typed."""
    env = {"PS1": "@@> ", "PS2": "", "TERM": "dumb", "ENV": "",
           "HOME": os.environ.get("OUT", "/tmp")}
    if kind == "bash":
        t = Term(["/bin/bash", "--norc", "--noprofile", "--noediting", "-i"], env)
    else:
        t = Term(["/bin/dash", "-i"], env)
    t.expect(rb"@@> ", b"first prompt")
    return t


PROMPT = rb"@@> "


def cmd(t, text, then=PROMPT):
    t.line(text)
    return t.expect(then, b"after " + text)


def stop_and_fg(t, fg_names):
    """A running cat echoes a line; ^Z stops it, jobs lists it, fg
    (echoing fg_names) brings it back, and it echoes the next line."""
    t.line(b"one")
    t.expect(rb"one\n(.*)one\n", b"cat echoes one")
    t.send(b"\x1a")
    t.expect(PROMPT, b"prompt after ^Z")
    cmd(t, b"jobs")
    t.line(b"fg")
    t.expect(fg_names, b"fg names the job")
    t.line(b"two")
    t.expect(rb"two\n(.*)two\n", b"cat echoes two")


def finish(t, extra=b""):
    t.line(b"exit")
    t.wait_exit()
    left = t.session()
    cleanup(t)
    out = t.transcript()
    out += "\n-- end: exit %s\n" % (os.waitstatus_to_exitcode(t.status)
                                     if t.status is not None else "none")
    out += "-- left running: %d\n" % len(left)
    sys.stdout.write(out + extra.decode())


# ---- scenarios ------------------------------------------------------------

KEYS_TTY = """
import os, sys, termios, tty
fd = os.open("/dev/tty", os.O_RDWR)
old = termios.tcgetattr(fd)
tty.setcbreak(fd)
got = b""
try:
    os.write(fd, b"KEYS-READY\\n")
    while len(got) < 10:
        got += os.read(fd, 1)
        os.write(fd, b"k%d\\n" % len(got))
finally:
    termios.tcsetattr(fd, termios.TCSAFLUSH, old)
print("got", got.decode())
"""

KEYS_STDIN = """
import os, sys, termios, tty
old = termios.tcgetattr(0)
tty.setraw(0)
try:
    print("ready", end="\\r\\n", flush=True)
    got = os.read(0, 3)
finally:
    termios.tcsetattr(0, termios.TCSAFLUSH, old)
print("arrow", repr(got))
"""

GETPASS = """
import getpass
p = getpass.getpass("pw: ")
print("len", len(p))
"""


def keys(t, w, prog_file):
    """A /dev/tty reader in cbreak mode gets every one of 10 keys typed
    one by one; afterwards nothing typed is run as a command."""
    cmd(t, b"%s/sh -c '%s %s'" % (w, PY.encode(), prog_file), rb"KEYS-READY\n")
    t.send(b"abcdefghij")   # typed fast, as a person at a menu does
    t.expect(rb"got abcdefghij\n", b"every key", 3)
    t.expect(PROMPT, b"prompt after keys")
    cmd(t, b"echo after-keys")


def scenario_keys(w):
    t = shell("bash")
    prog = os.path.join(os.environ["OUT"], "t_keys.py")
    with open(prog, "w") as f:
        f.write(KEYS_TTY)
    keys(t, w, prog.encode())
    keys(t, w, prog.encode())
    finish(t)


def scenario_keys_in_sh(w):
    """The same inside a wrapped (non-interactive) sh reading commands
    from the terminal: stolen keys would be executed as a command."""
    t = shell("bash")
    prog = os.path.join(os.environ["OUT"], "t_keys.py")
    with open(prog, "w") as f:
        f.write(KEYS_TTY)
    # a pipe on stdout makes the bare sh as non-interactive as the wrapped
    # one, whose stdout is the relay's pipe
    t.line(b"%s/sh | cat" % w)
    t.line(b"%s %s; echo sh-goes-on" % (PY.encode(), prog.encode()))
    t.expect(rb"KEYS-READY\n", b"inner ready")
    t.send(b"abcdefghij")
    t.expect(rb"got abcdefghij\n", b"every key", 3)
    t.expect(rb"sh-goes-on\n", b"inner sh goes on")
    t.line(b"echo inner-alive")
    t.expect(rb"\ninner-alive\n", b"inner sh still reads commands")
    t.line(b"exit")
    t.expect(PROMPT, b"outer prompt")
    finish(t)


def scenario_arrows(w):
    """A raw-mode reader of stdin gets the bytes of an arrow key."""
    t = shell("bash")
    prog = os.path.join(os.environ["OUT"], "t_arrows.py")
    with open(prog, "w") as f:
        f.write(KEYS_STDIN)
    t.line(b"%s/sh -c '%s %s'" % (w, PY.encode(), prog.encode()))
    if t.expect(rb"ready\n", b"raw reader ready", 5):
        t.send(b"\x1b[A")
    t.expect(PROMPT, b"prompt after the arrow")
    finish(t)


def scenario_getpass(w):
    """getpass() answered: output, exit and the next prompt come at once,
    not after one more Enter."""
    t = shell("bash")
    prog = os.path.join(os.environ["OUT"], "t_getpass.py")
    with open(prog, "w") as f:
        f.write(GETPASS)
    for _ in range(3):
        t.line(b"%s/sh -c '%s %s'; echo rc=$?" % (w, PY.encode(), prog.encode()))
        if t.expect(rb"pw: ", b"password prompt"):
            t.line(b"secret")
            t.expect(rb"len 6\nrc=0\n" + PROMPT, b"answer, exit and prompt without another Enter", 3)
    finish(t)


def scenario_read_s(w):
    """bash's read -s under a wrapped sh: no echo of the secret, and
    nothing waits for another Enter."""
    t = shell("bash")
    t.line(b"%s/sh -c 'bash -c \"read -rs -p PW-\\$((6*7)): x; echo; echo got=\\$x\"'; echo rc=$?" % w)
    if t.expect(rb"PW-42:", b"read -s prompt"):
        t.line(b"hidden")
        t.expect(rb"got=hidden\nrc=0\n" + PROMPT, b"answer and prompt", 3)
    finish(t)


# A command line that returns once every process of job $! is stopped.
WAIT_JOB_STOPPED = (b"while s=$(ps -o stat= -p \"$(pgrep -d, -g $!)\"); "
                    b"[ -z \"$s\" ] || echo \"$s\" | grep -qv '^T'; do sleep 0.05; done")


def fg_type_eof(t, wait):
    """fg brings back the job of a cat, which echoes a line typed within
    wait seconds and ends with ^D, exit 0; then the shell exits."""
    t.line(b"fg")
    t.expect(rb'exec cat[\x27"]?\n', b"fg names the job")
    t.line(b"hello")
    t.expect(rb"hello\n(.*)hello\n", b"cat echoes hello", wait)
    t.send(b"\x04")
    t.expect(PROMPT, b"prompt after ^D")
    cmd(t, b"echo rc=$?", rb"rc=0\n" + PROMPT)
    finish(t)


def scenario_fg(w):
    """bash: `cat &` reads the terminal in the background: stopped (tty
    input); fg gives it the keyboard."""
    t = shell("bash")
    # one line: no prompt in between that could show the stop first
    cmd(t, b"%s/sh -c 'exec cat' & " % w + WAIT_JOB_STOPPED)
    cmd(t, b"jobs")
    fg_type_eof(t, 3)


# A command line, for bash and dash alike, that returns once every process
# of the job that holds the cat is stopped (deadline: the test's timeout).
WAIT_STOPPED = (b"g() { ps -o pgid=,comm= --sid $$ | awk '$2==\"cat\"{print $1}'; }; "
                b"while pg=$(g); [ -z \"$pg\" ] || "
                b"ps -o stat= -p \"$(pgrep -d, -g $pg)\" | grep -qv '^T'; "
                b"do sleep 0.05; done")


# A command line that returns once every process of job $! sleeps, cat
# among them (the wrapper in its poll, cat in its read).
WAIT_ASLEEP = (b"while ! ps -o comm= -p \"$(pgrep -d, -g $!)\" | grep -q cat || "
               b"ps -o stat= -p \"$(pgrep -d, -g $!)\" | grep -qv '^S'; do sleep 0.05; done")


def scenario_fg_running(w):
    """bash: a running background job (it does not read the terminal)
    brought to the foreground by fg, which sends no SIGCONT to a running
    job, gets what is typed next."""
    t = shell("bash")
    cmd(t, b"%s/sh -c 'exec cat' &" % w)
    cmd(t, WAIT_ASLEEP)
    fg_type_eof(t, 5)


def scenario_cat_typed(w):
    """A line typed to a foreground cat comes back; ^D ends it."""
    t = shell("bash")
    t.line(b"%s/cat; echo rc=$?" % w)
    t.line(b"typed")
    t.expect(rb"typed\n(.*)typed\n", b"cat echoes the line")
    t.send(b"\x04")
    t.expect(rb"rc=0\n" + PROMPT, b"cat ends with ^D")
    finish(t)


def scenario_jobs(w, kind):
    """^Z, jobs, fg, bg (a background read stops the job), fg, ^D."""
    t = shell(kind)
    t.line(b"%s/sh -c 'exec cat'" % w)
    stop_and_fg(t, rb'exec cat[\x27"]?\n')
    t.send(b"\x1a")
    t.expect(PROMPT, b"prompt after the second ^Z")
    # the background cat reads the terminal: stopped by SIGTTIN; wait
    # until every process of its group is stopped, then list the jobs
    # (one line: no prompt in between that could show the change first)
    cmd(t, b"bg; " + WAIT_STOPPED + b"; jobs")
    t.line(b"fg")
    t.expect(rb'exec cat[\x27"]?\n', b"fg names the job again")
    t.line(b"three")
    t.expect(rb"three\n(.*)three\n", b"cat echoes three")
    t.send(b"\x04")
    t.expect(PROMPT, b"prompt after ^D")
    cmd(t, b"echo rc=$?", rb"rc=0\n" + PROMPT)
    finish(t)


def scenario_ignore_tstp(w):
    """^Z on a program that ignores SIGTSTP: it keeps running, nothing is
    shown stopped."""
    t = shell("bash")
    t.line(b"%s/sh -c 'trap \"\" TSTP; exec cat'; echo rc=$?" % w)
    t.line(b"one")
    t.expect(rb"one\n(.*)one\n", b"cat echoes one")
    t.send(b"\x1a")
    t.line(b"two")
    t.expect(rb"two\n(.*)two\n", b"cat still echoes after ^Z")
    t.send(b"\x04")
    t.expect(rb"rc=0\n" + PROMPT, b"cat ends with ^D, exit 0")
    cmd(t, b"jobs; echo jobs-done", rb"jobs-done\n" + PROMPT)
    finish(t)


def scenario_kill_tstp(w):
    """kill -TSTP $! stops the program itself; kill -CONT resumes it."""
    t = shell("bash")
    cmd(t, b"%s/sh -c 'exec sleep 60' &" % w)
    # the program: the wrapper's child, or the bare job itself
    cmd(t, b"p=$(pgrep -P $! || echo $!); kill -TSTP $!; "
           b"while ps -o stat= -p \"$(pgrep -d, -g $!)\" | grep -qv '^T'; "
           b"do sleep 0.05; done; echo program=$(ps -o stat= -p $p)")
    cmd(t, b"jobs")
    cmd(t, b"kill -CONT $!; while ps -o stat= -p \"$(pgrep -d, -g $!)\" | grep -q '^T'; "
           b"do sleep 0.05; done; echo program=$(ps -o stat= -p $p)")
    cmd(t, b"jobs")
    cmd(t, b"kill $!; wait $!; echo rc=$?")
    finish(t)


def scenario_intr(w, key):
    """^C / ^\\ reach the program once; the shell shows the same status."""
    t = shell("bash")
    t.line(b"%s/sh -c 'exec cat'" % w)
    t.line(b"one")
    t.expect(rb"one\n(.*)one\n", b"cat echoes one")
    t.send(key)
    t.expect(PROMPT, b"prompt after the key")
    cmd(t, b"echo rc=$?")
    finish(t)


def scenario_sh_i(w):
    """A wrapped sh -i typed at bash reads its own lines and ends with
    exit, back to the outer prompt."""
    t = shell("bash")
    t.line(b"%s/sh -i" % w)
    # typed before the inner shell prompts, the line would be echoed
    # before the prompt: a race of the driver, not of the wrapper
    t.expect(PROMPT, b"first inner prompt")
    t.line(b"echo inner-$((6*7))")
    t.expect(rb"inner-42\n", b"the inner shell ran the line")
    # its next prompt: through a pipe it may have come first (doc/limits.md), so
    # not waiting for it is no failure
    t.expect(PROMPT, b"inner prompt", 2, note=False)
    t.line(b"exit 3")
    t.expect(PROMPT, b"outer prompt")
    cmd(t, b"echo rc=$?")
    finish(t)


def scenario_sh_script(w):
    """A wrapped sh running a script, and sh -c, at the terminal: not
    interactive shells, so their output goes through the relay."""
    t = shell("bash")
    f = os.path.join(os.environ["OUT"], "t_script.sh")
    with open(f, "w") as fh:
        fh.write("echo from-script $((6*7))\n")
    cmd(t, b"%s/sh %s" % (w, f.encode()), rb"from-script 42\n" + PROMPT)
    cmd(t, b"%s/sh -c 'echo from-c $((6*7))'" % w, rb"from-c 42\n" + PROMPT)
    finish(t)


def scenario_ctrl_d(w):
    """In a wrapped sh, ^D ends `cat >file`, not the shell."""
    t = shell("bash")
    f = os.path.join(os.environ["OUT"], "ctrl-d.txt").encode()
    t.line(b"%s/sh | cat" % w)
    t.line(b"cat >%s" % f)
    t.line(b"typed")
    t.quiet(0.3)
    t.send(b"\x04")
    t.line(b"echo still-here; cat %s" % f)
    t.expect(rb"\nstill-here\ntyped\n", b"the shell goes on after ^D")
    t.line(b"exit")
    t.expect(PROMPT, b"outer prompt")
    finish(t)


def login(w, *args):
    """A console login: the (wrapped) sh is the session leader, as -sh."""
    env = {"PS1": "@@> ", "TERM": "dumb", "ENV": "",
           "HOME": os.environ.get("OUT", "/tmp")}
    return Term([os.path.join(w.decode(), "sh")] + list(args), env, argv0="-sh")


def scenario_login(w):
    """The interactive recipe: a login -sh with job control; ^Z, fg,
    ^C, exit."""
    t = login(w, "-i")
    cmd(t, b"PS1='@@''> '")
    cmd(t, b"echo logged-in $((1+1))")
    t.line(b"cat")
    stop_and_fg(t, rb"fg\ncat\n")
    t.send(b"\x03")
    t.expect(PROMPT, b"prompt after ^C")
    t.line(b"exit")
    t.wait_exit()
    out = t.transcript()
    out += "\n-- end: exit %s\n" % (os.waitstatus_to_exitcode(t.status)
                                     if t.status is not None else "none")
    sys.stdout.write(out)


def scenario_console(w, name, how):
    """A shell as a person at a console meets it (doc/configuration.md "Terminals"):
    started as NAME, NAME -i or a login -NAME; a prompt, a line edited
    with backspace, ^C on a foreground sleep (the shell prompts again),
    ^Z on a foreground cat (stopped; fg brings it back, it reads again,
    ^C ends it), and
    ^D at the prompt ends the shell."""
    env = {"PS1": "@@> ", "TERM": "dumb", "ENV": "",
           "HOME": os.environ.get("OUT", "/tmp")}
    path = os.path.join(w.decode(), name)
    if how == "login":
        t = Term([path], env, argv0="-" + name)
    elif how == "i":
        t = Term([path, "-i"], env, argv0=name)
    else:
        t = Term([path], env, argv0=name)
    # a login shell's profile may set its own prompt: any first prompt,
    # then ours (keys typed before a prompt are echoed before it)
    t.expect(rb"[#$>] ", b"first prompt")
    t.line(b"PS1='@@''> '")
    t.expect(rb"PS1='@@''> '\n" + PROMPT, b"our prompt")
    t.line(b"echo one $((1+1))")
    t.expect(rb"one 2\n" + PROMPT, b"a line run, the next prompt")
    t.send(b"echo abX\x7fc\n")
    t.expect(rb"\nabc\n" + PROMPT, b"backspace edits the line")
    t.line(b"sleep 30")
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end and not any(c == b"sleep 30" for c in t.session()):
        time.sleep(0.02)
    t.send(b"\x03")
    t.expect(PROMPT, b"prompt after ^C on sleep")
    cmd(t, b"echo rc=$?")
    # the shell gives the terminal back its modes before it runs the
    # line: typed after "ready", the keys are echoed as bare
    t.line(b"echo ready; cat")
    t.expect(rb"\nready\n", b"the line runs")
    t.line(b"typed")
    t.expect(rb"typed\n(.*)typed\n", b"cat echoes typed")
    t.send(b"\x1a")
    t.expect(PROMPT, b"prompt after ^Z")
    t.line(b"fg")
    t.expect(rb"cat\n", b"fg names the job")
    # back in the foreground once it reads again: then ^C is its
    t.line(b"again")
    t.expect(rb"again\n(.*)again\n", b"cat echoes again")
    t.send(b"\x03")
    t.expect(PROMPT, b"prompt after ^C on cat")
    t.send(b"\x04")
    t.wait_exit()
    left = t.session()
    cleanup(t)
    out = t.transcript()
    out += "\n-- end: exit %s\n" % (os.waitstatus_to_exitcode(t.status)
                                     if t.status is not None else "none")
    out += "-- left running: %d\n" % len(left)
    sys.stdout.write(out)


def scenario_hangup(w, *args):
    """The terminal of a login shell running a sleep goes away: nothing
    of the session keeps running."""
    t = login(w, *args)
    t.line(b"echo logged-$((6*7)); /bin/sleep 787")
    t.expect(rb"logged-42\n", b"the login shell runs commands")
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end and not any(b"sleep 787" in c for c in t.session()):
        time.sleep(0.02)
    before = t.session()
    os.close(t.fd)
    gone = t.wait_session_empty()
    left = t.session()
    cleanup(t)
    try:
        os.waitpid(t.pid, 0)
    except ChildProcessError:
        pass
    sys.stdout.write("%s\nsleep running before the hangup: %s\nleft after: %s\n" %
                     (t.transcript(),
                      any(b"sleep 787" in c for c in before), "nothing" if gone else
                      b", ".join(left).decode()))


def cleanup(t):
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                if os.getsid(int(p)) == t.pid:
                    os.kill(int(p), signal.SIGKILL)
            except OSError:
                pass


def main():
    name, w = sys.argv[1], sys.argv[2].encode()
    table = {
        "keys": scenario_keys,
        "keys-in-sh": scenario_keys_in_sh,
        "arrows": scenario_arrows,
        "getpass": scenario_getpass,
        "read-s": scenario_read_s,
        "fg": scenario_fg,
        "fg-running": scenario_fg_running,
        "cat-typed": scenario_cat_typed,
        "jobs-bash": lambda w: scenario_jobs(w, "bash"),
        "jobs-dash": lambda w: scenario_jobs(w, "dash"),
        "ignore-tstp": scenario_ignore_tstp,
        "kill-tstp": scenario_kill_tstp,
        "intr": lambda w: scenario_intr(w, b"\x03"),
        "quit": lambda w: scenario_intr(w, b"\x1c"),
        "sh-i": scenario_sh_i,
        "ctrl-d": scenario_ctrl_d,
        "sh-script": scenario_sh_script,
        "login": scenario_login,
        "hangup": scenario_hangup,
        "hangup-i": lambda w: scenario_hangup(w, "-i"),
    }
    if name.startswith("console-"):
        # console-SHELL-HOW: SHELL an applet name in W, HOW sh, i or login
        _, shell_name, how = name.split("-")
        scenario_console(w, shell_name, how)
        return
    table[name](w)


if __name__ == "__main__":
    main()
