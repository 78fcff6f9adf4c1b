"""Helpers for the server's test suites: start ./server on a scratch copy of a fixture, talk raw POP3.

    from pop3test import Server
    with Server("basic", ["--idle-timeout", "2"]) as srv:   # a fixture name or a path
        c = srv.connect()
        c.expect("+OK mailroom POP3 server ready")
        c.login()
        print(c.command("STAT"))
        body = c.retr(1)            # the message as the server sent it, un-stuffed, CRLF lines
        c.close()
    # leaving the block stops the server (by PID) and removes the scratch folder

Fixture names are folders in tests/protocol/mailboxes/.  Every server gets its own folder
from mktemp, listens on a free port (-p 0) of 127.0.0.1, and logs to a file in that folder.
Nothing here waits a fixed time: everything polls with a deadline.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

ROOT = os.environ.get("ROOT") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SERVER = os.environ.get("SERVER") or os.path.join(ROOT, "pop3d")
MAILBOXES = os.path.join(ROOT, "tests", "protocol", "mailboxes")
SANITIZER_MARKS = ("WARNING: ThreadSanitizer", "ERROR: AddressSanitizer", "runtime error:",
                   "ERROR: LeakSanitizer")
PORT_RE = re.compile(r"pop3d: listening on 127\.0\.0\.1 port (\d+)")


class TestError(Exception):
    """A check failed; the message says what was expected and what came."""


def fixture_path(fixture):
    """The folder of a fixture: a name under tests/protocol/mailboxes/, or a path."""
    if os.path.isabs(fixture) or os.sep in fixture:
        return fixture
    return os.path.join(MAILBOXES, fixture)


def wait_until(pred, timeout=10.0, interval=0.02):
    """Poll pred() until it returns something true; returns that, or None at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        r = pred()
        if r:
            return r
        if time.monotonic() >= deadline:
            return None
        time.sleep(interval)
        interval = min(interval * 1.5, 0.2)


def copy_fixture(src, dst):
    """Copy a fixture folder, keeping empty subfolders (Maildir tmp/) and dropping .keep files.

    Maildir files named "SECONDS.rest" in cur/ or new/ get that time as mtime, so that
    delivery order by name and by time agree whatever the checkout did to the times.
    """
    shutil.copytree(src, dst, symlinks=True)
    for dirpath, _dirs, files in os.walk(dst):
        for f in files:
            p = os.path.join(dirpath, f)
            if f == ".keep":
                os.unlink(p)
                continue
            m = re.match(r"(\d{9,10})\.", f)
            if m and os.path.basename(dirpath) in ("cur", "new"):
                os.utime(p, (int(m.group(1)), int(m.group(1))))


class Server:
    """One ./server on a scratch copy of a fixture.  Attributes: port, pid, dir, log, scratch."""

    def __init__(self, fixture=None, args=(), mailbox=None, start=True, env=None):
        self.scratch = tempfile.mkdtemp(prefix="pop3test.")
        self.dir = os.path.join(self.scratch, "mailbox")
        if mailbox is not None:
            self.dir = mailbox          # an existing folder, shared with another server
        elif fixture is not None:
            copy_fixture(fixture_path(fixture), self.dir)
        else:
            os.mkdir(self.dir)
        self.args = list(args)
        self.env = env
        self.proc = None
        self.port = None
        self.pid = None
        self.log = None
        self.starts = 0
        if start:
            self.start()

    # -- life cycle -------------------------------------------------------------------
    def command(self):
        """The command line start() runs."""
        return [SERVER, "-p", "0", "-m", self.dir] + self.args

    def listening(self, text):
        """What start() waits for in the log: a true value once the server listens."""
        return PORT_RE.search(text)

    def listened(self, found):
        """Take the port from what listening() found."""
        self.port = int(found.group(1))

    def start(self, args=None, timeout=15.0):
        """Start the server (again) on the same folder; waits for the port line."""
        if args is not None:
            self.args = list(args)
        self.starts += 1
        self.log = os.path.join(self.scratch, "server%d.log" % self.starts if self.starts > 1 else "server.log")
        with open(self.log, "wb") as logf:
            self.proc = subprocess.Popen(self.command(),
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=logf, cwd=self.scratch, env=self.env)
        self.pid = self.proc.pid

        def ready():
            text = self.log_text()
            found = self.listening(text)
            if found:
                return found
            if self.proc.poll() is not None:
                raise TestError("server exited with status %s before listening: %s"
                                % (self.proc.returncode, text.strip()[-500:]))
            return None

        found = wait_until(ready, timeout)
        if not found:
            self.kill()
            raise TestError("server did not log its listening lines within %gs: %s"
                            % (timeout, self.log_text()[-500:]))
        self.listened(found)
        return self

    def stop(self, sig=signal.SIGTERM, timeout=15.0):
        """Send sig to our server (by PID) and wait for it; returns its exit status."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                raise TestError("server (pid %d) did not exit within %gs of signal %d"
                                % (self.pid, timeout, sig))
        return self.proc.returncode

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.pid, signal.SIGKILL)
            self.proc.wait()

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def cleanup(self):
        """Stop the server if it still runs and remove the scratch folder."""
        try:
            self.stop()
        finally:
            shutil.rmtree(self.scratch, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cleanup()
        return False

    # -- log --------------------------------------------------------------------------
    def log_text(self, all_starts=False):
        """The server's stderr so far (of the latest start, or of every start)."""
        names = [self.log]
        if all_starts:
            names = [os.path.join(self.scratch, "server.log")] + [
                os.path.join(self.scratch, "server%d.log" % i) for i in range(2, self.starts + 1)]
        out = []
        for n in names:
            try:
                with open(n, "rb") as f:
                    out.append(f.read().decode("utf-8", "replace"))
            except OSError:
                pass
        return "".join(out)

    def wait_log(self, pattern, timeout=10.0):
        """Wait until a log line matches the regex; returns the match or raises TestError."""
        rx = re.compile(pattern, re.M)
        m = wait_until(lambda: rx.search(self.log_text()), timeout)
        if not m:
            raise TestError("no log line matching %r within %gs; log ends: %s"
                            % (pattern, timeout, self.log_text()[-800:]))
        return m

    def sanitizer_report(self):
        """The first sanitizer complaint in the log, or None."""
        text = self.log_text(all_starts=True)
        for mark in SANITIZER_MARKS:
            i = text.find(mark)
            if i >= 0:
                return text[i:i + 1500]
        return None

    # -- files ------------------------------------------------------------------------
    def path(self, name):
        return os.path.join(self.dir, name)

    def connect(self, timeout=10.0):
        return Client(self.port, timeout=timeout)


class Client:
    """A raw, line-oriented POP3 connection.  Lines are bytes without their CRLF."""

    def __init__(self, port, host="127.0.0.1", timeout=10.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buf = b""
        self.eof = False

    def send(self, data):
        """Send raw octets (str is encoded as latin-1, nothing is appended)."""
        if isinstance(data, str):
            data = data.encode("latin-1")
        self.sock.sendall(data)

    def cmd(self, line):
        """Send one command line with CRLF."""
        self.send((line.encode("latin-1") if isinstance(line, str) else line) + b"\r\n")

    def _fill(self):
        try:
            d = self.sock.recv(65536)
        except ConnectionResetError:
            d = b""
        if not d:
            self.eof = True
        self.buf += d
        return d

    def readline(self, raw=False):
        """One line without its CRLF (raw: with it); None at end of connection."""
        while b"\n" not in self.buf:
            if self.eof or not self._fill():
                if self.buf:
                    line, self.buf = self.buf, b""
                    return line
                return None
        i = self.buf.index(b"\n") + 1
        line, self.buf = self.buf[:i], self.buf[i:]
        if raw:
            return line
        return line[:-2] if line.endswith(b"\r\n") else line[:-1]

    def line(self):
        """One line as str (latin-1); raises TestError at end of connection."""
        ln = self.readline()
        if ln is None:
            raise TestError("connection closed while a line was expected")
        return ln.decode("latin-1")

    def read_exact(self, n):
        while len(self.buf) < n:
            if self.eof or not self._fill():
                raise TestError("connection closed after %d of %d octets" % (len(self.buf), n))
        d, self.buf = self.buf[:n], self.buf[n:]
        return d

    def read_multi(self):
        """The lines of a multi-line body up to the terminating '.', un-stuffed, as bytes."""
        lines = []
        while True:
            ln = self.readline(raw=True)
            if ln is None:
                raise TestError("connection closed inside a multi-line reply")
            if not ln.endswith(b"\r\n"):
                raise TestError("multi-line reply line not ended by CRLF: %r" % ln[:80])
            ln = ln[:-2]
            if ln == b".":
                return lines
            lines.append(ln[1:] if ln.startswith(b".") else ln)

    def read_body_raw(self):
        """The raw octets of a multi-line body up to and including '.\\r\\n'."""
        out = []
        while True:
            ln = self.readline(raw=True)
            if ln is None:
                raise TestError("connection closed inside a multi-line reply")
            out.append(ln)
            if ln == b".\r\n":
                return b"".join(out)

    def command(self, line):
        """Send a command, return its first reply line as str."""
        self.cmd(line)
        return self.line()

    def expect(self, want):
        got = self.line()
        if got != want:
            raise TestError("expected %r, got %r" % (want, got))
        return got

    def expect_re(self, pattern):
        got = self.line()
        if not re.fullmatch(pattern, got):
            raise TestError("expected /%s/, got %r" % (pattern, got))
        return got

    def login(self, user="user", password="secret", greeting=True):
        """Read the greeting (unless already read), USER, PASS; returns the PASS reply."""
        if greeting:
            self.expect_re(r"\+OK .*")
        r = self.command("USER " + user)
        if not r.startswith("+OK"):
            raise TestError("USER answered %r" % r)
        r = self.command("PASS " + password)
        if not r.startswith("+OK"):
            raise TestError("PASS answered %r" % r)
        return r

    def retr(self, n):
        """RETR n: returns the message as sent, un-stuffed, lines joined with CRLF (incl. last)."""
        r = self.command("RETR %d" % n)
        if not r.startswith("+OK"):
            raise TestError("RETR %d answered %r" % (n, r))
        return b"".join(ln + b"\r\n" for ln in self.read_multi())

    def multi(self, line):
        """Send a command expected to answer +OK with a body; returns (first line, body lines)."""
        r = self.command(line)
        if not r.startswith("+OK"):
            raise TestError("%s answered %r" % (line, r))
        return r, self.read_multi()

    def closed(self, timeout=5.0):
        """True when the server closes the connection within timeout (unread data is skipped)."""
        self.sock.settimeout(timeout)
        try:
            while not self.eof:
                if not self._fill():
                    return True
            return True
        except socket.timeout:
            return False
        except OSError:
            return True

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def wire_form(data):
    """What RETR must deliver (un-stuffed) for a file's bytes: every line ended by CRLF."""
    out = bytearray()
    i = 0
    n = len(data)
    while i < n:
        j = data.find(b"\n", i)
        if j < 0:
            out += data[i:]
            out += b"\r\n" if not data.endswith(b"\r") else b"\n"
            break
        line = data[i:j]
        out += line + (b"\n" if line.endswith(b"\r") else b"\r\n")
        i = j + 1
    return bytes(out)


def file_wire_form(path):
    with open(path, "rb") as f:
        return wire_form(f.read())


def natural_key(name):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


class Results:
    """Prints 'ok/FAIL/skip' lines and the summary the suite runner expects."""

    def __init__(self, suite):
        self.suite = suite
        self.passed = self.failed = self.skipped = 0

    def ok(self, name):
        self.passed += 1
        print("ok   %s: %s" % (self.suite, name), flush=True)

    def fail(self, name, why):
        self.failed += 1
        print("FAIL %s: %s" % (self.suite, name), flush=True)
        for ln in str(why).splitlines() or [""]:
            print("     " + ln, flush=True)

    def skip(self, name, why):
        self.skipped += 1
        print("skip %s: %s (%s)" % (self.suite, name, why), flush=True)

    def run(self, name, fn, *args):
        """Run fn(*args); a TestError/AssertionError/OSError counts as a failure."""
        try:
            fn(*args)
        except SkipTest as e:
            self.skip(name, str(e))
            return
        except (TestError, AssertionError, OSError, subprocess.SubprocessError, ValueError) as e:
            self.fail(name, "%s: %s" % (type(e).__name__, e))
            return
        self.ok(name)

    def summary(self):
        print("%d passed, %d failed, %d skipped" % (self.passed, self.failed, self.skipped), flush=True)
        return 1 if self.failed else 0


class SkipTest(Exception):
    """Raised inside a case to report it as skipped, with the reason as message."""


def check(cond, what):
    if not cond:
        raise TestError(what)
