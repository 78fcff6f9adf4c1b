"""Shared parts of the security suites: accounts files, test certificates, a server with TLS.

    from seclib import *
    hashes = Hashes()                        # mkpasswd / openssl passwd, or None per kind
    users = write_users(scratch, [("alice", hashes.yescrypt("alice-pw"))])
    ca = make_cert(scratch)                  # ca.cert (also the server's), ca.key
    with AccountServer(users, ["--login-delay", "100"], tls=ca) as srv:
        c = srv.client(source="127.0.0.2")   # a raw POP3 connection from another address
        c.starttls(ca.context())

Everything lives in mktemp folders, listens on free ports of 127.0.0.1 (-b 127.0.0.1, since
with --users the server would otherwise listen on every interface), and polls with deadlines.
"""
import os
import re
import shutil
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from pop3test import (Client, Results, Server, SkipTest, TestError, check,  # noqa: E402,F401
                      copy_fixture, file_wire_form, fixture_path, natural_key, wait_until,
                      wire_form, SERVER, ROOT)

TLS_PORT_RE = re.compile(r"pop3d: listening on 127\.0\.0\.1 port (\d+) \(TLS\)")
PLAIN_PORT_RE = re.compile(r"pop3d: listening on (\S+) port (\d+)$", re.M)
TOOL_TIMEOUT = 30


def run(cmd, timeout=TOOL_TIMEOUT, **kw):
    """Run a command with a deadline; returns CompletedProcess (stdout/stderr as bytes)."""
    try:
        return subprocess.run(cmd, capture_output=True, timeout=timeout, **kw)
    except subprocess.TimeoutExpired:
        raise TestError("%s did not finish within %ds" % (cmd[0], timeout))


def have(tool):
    return shutil.which(tool) is not None


# ---- password hashes ------------------------------------------------------------------------

class Hashes:
    """crypt(3) strings made by the standard tools; a method returns None if no tool can."""

    def __init__(self):
        self.why = {}

    def yescrypt(self, password):
        if have("mkpasswd"):
            p = run(["mkpasswd", "-m", "yescrypt", "--stdin"], input=password.encode())
            if p.returncode == 0 and p.stdout.startswith(b"$y$"):
                return p.stdout.decode().strip()
        h = self._python_crypt(password, "METHOD_YESCRYPT")
        if h is None:
            self.why["yescrypt"] = "neither mkpasswd (Debian: whois) nor python crypt with yescrypt"
        return h

    def sha512(self, password):
        return self._openssl_or_python(password, "-6", "$6$", "METHOD_SHA512", "sha512")

    def md5(self, password):
        """md5crypt ($1$): cheap to check, for tests that mix costs."""
        return self._openssl_or_python(password, "-1", "$1$", "METHOD_MD5", "md5")

    def _openssl_or_python(self, password, flag, prefix, method, kind):
        """`openssl passwd FLAG`, else python's crypt; None (and why[kind]) when neither works."""
        if have("openssl"):
            p = run(["openssl", "passwd", flag, "-stdin"], input=password.encode() + b"\n")
            if p.returncode == 0 and p.stdout.startswith(prefix.encode()):
                return p.stdout.decode().strip()
        h = self._python_crypt(password, method)
        if h is None:
            self.why[kind] = "neither openssl nor python crypt"
        return h

    @staticmethod
    def _python_crypt(password, method):
        try:
            import warnings
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                import crypt
        except ImportError:
            return None
        m = getattr(crypt, method, None)
        if m is None:
            return None
        try:
            return crypt.crypt(password, crypt.mksalt(m))
        except (OSError, ValueError):
            return None


def write_users(folder, entries, name="users", extra=""):
    """A users file: '# comment', blank lines and 'name:hash' lines; returns its path."""
    path = os.path.join(folder, name)
    lines = ["# accounts for a test server", ""]
    lines += ["%s:%s" % (n, h) for n, h in entries if h is not None]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n" + extra)
    os.chmod(path, 0o600)
    return path


# ---- certificates ---------------------------------------------------------------------------

class Cert:
    """A self-signed certificate for localhost and 127.0.0.1, and its key (PEM files)."""

    def __init__(self, cert, key):
        self.cert = cert
        self.key = key

    def context(self, hostname_check=True):
        """A client context that trusts only this certificate and verifies the host name."""
        ctx = ssl.create_default_context(cafile=self.cert)
        ctx.check_hostname = hostname_check
        return ctx


def make_cert(folder):
    """Make a fresh P-256 key and a self-signed certificate with openssl req -x509."""
    if not have("openssl"):
        raise SkipTest("openssl is not installed")
    cert = os.path.join(folder, "cert.pem")
    key = os.path.join(folder, "key.pem")
    p = run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
    if p.returncode != 0:
        raise TestError("openssl req failed: %s" % p.stderr.decode()[-300:])
    os.chmod(key, 0o600)
    return Cert(cert, key)


# ---- a server with accounts -----------------------------------------------------------------

class AccountServer(Server):
    """./pop3d with extra arguments, bound to 127.0.0.1 (or `bind`), on a scratch mailbox.

    tls: a Cert, which adds --tls-cert/--tls-key/--tls-port 0; tls_port is then parsed too.
    prefix: words put before the server (e.g. ip netns exec NAME); the PID is still the server's
    because those tools exec it.
    """

    def __init__(self, users=None, args=(), fixture="basic", tls=None, bind="127.0.0.1",
                 prefix=(), mailbox=None, start=True, host=None):
        extra = []
        if users is not None:
            extra += ["--users", users]
        if tls is not None:
            extra += ["--tls-cert", tls.cert, "--tls-key", tls.key, "--tls-port", "0"]
        if bind is not None:
            extra += ["-b", bind]
        self.bind = bind
        self.prefix = list(prefix)
        self.tls_port = None
        self.host = host or bind or "127.0.0.1"   # the address of the listening lines
        self.want_tls = tls is not None
        Server.__init__(self, fixture, extra + list(args), mailbox=mailbox, start=False)
        if start:
            self.start()

    def command(self):
        return self.prefix + Server.command(self)

    def listening(self, text):
        """The plain port's line, and the TLS port's when TLS is on, both for self.host."""
        host = re.escape(self.host)
        m = re.search(r"pop3d: listening on %s port (\d+)$" % host, text, re.M)
        t = re.search(r"pop3d: listening on %s port (\d+) \(TLS\)$" % host, text, re.M)
        return (m, t) if m and (t or not self.want_tls) else None

    def listened(self, found):
        self.port = int(found[0].group(1))
        self.tls_port = int(found[1].group(1)) if found[1] else None

    def client(self, source=None, tls_ctx=None, timeout=15.0):
        """A raw connection to the plain port (or, with tls_ctx, the implicit TLS port)."""
        if tls_ctx is not None:
            return SecClient(self.host, self.tls_port, source, timeout, tls_ctx)
        return SecClient(self.host, self.port, source, timeout)


class SecClient(Client):
    """pop3test's raw Client, from a chosen source address, able to start TLS."""

    def __init__(self, host, port, source=None, timeout=15.0, tls_ctx=None):
        self.sock = socket.create_connection((host, port), timeout=timeout,
                                             source_address=(source, 0) if source else None)
        self.buf = b""
        self.eof = False
        if tls_ctx is not None:
            self.sock = tls_ctx.wrap_socket(self.sock, server_hostname=host)

    def starttls(self, ctx, hostname="127.0.0.1"):
        """Handshake on this socket; octets the server sent before it are an error."""
        check(self.buf == b"", "plaintext octets before the TLS handshake: %r" % self.buf[:200])
        self.sock = ctx.wrap_socket(self.sock, server_hostname=hostname)

    def capa(self):
        """CAPA's capability lines, as a list of str."""
        self.expect("+OK capability list follows")
        return [ln.decode("latin-1") for ln in self.read_multi()]

    def timed(self, line):
        """Send a command; returns (first reply line, seconds until it came)."""
        t0 = time.monotonic()
        r = self.command(line)
        return r, time.monotonic() - t0


# ---- mail folders ---------------------------------------------------------------------------

def messages_of(folder):
    """A flat folder's messages in natural order: [(name, wire bytes)]."""
    names = sorted((n for n in os.listdir(folder)
                    if not n.startswith(".") and os.path.isfile(os.path.join(folder, n))),
                   key=natural_key)
    return [(n, file_wire_form(os.path.join(folder, n))) for n in names]


def snapshot(folder):
    """Every file under folder with its content, to show nothing was deleted or changed."""
    out = {}
    for dirpath, _dirs, files in os.walk(folder):
        if os.path.relpath(dirpath, folder).split(os.sep)[0] == ".pop3":
            continue    # the server's own UID list
        for f in files:
            p = os.path.join(dirpath, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, folder)] = fh.read()
    return out


def stat_line(msgs):
    return "+OK maildrop has %d messages (%d octets)" % (len(msgs), sum(len(w) for _n, w in msgs))


def median(xs):
    return statistics.median(xs)


def scratch_dir(prefix):
    return tempfile.mkdtemp(prefix=prefix)


def run_cases(results, cases, srv):
    """Run (name, fn) cases in order; any exception is that case's failure, and a server that
    died ends the suite with one more failure."""
    def guarded(fn):
        def call():
            try:
                fn()
            except (SkipTest, TestError):
                raise
            except Exception as e:  # poplib.error_proto, ssl errors, ...: a failed case
                raise TestError("%s: %s" % (type(e).__name__, e))
        return call
    for name, fn in cases:
        results.run(name, guarded(fn))
        if srv is not None and not srv.running():
            results.fail("server still running after: " + name,
                         "exit status %s; log ends: %s" % (srv.proc.returncode,
                                                             srv.log_text()[-600:]))
            break
    if srv is not None:
        problem = srv.sanitizer_report()
        if problem:
            results.fail("no sanitizer reports in the server log", problem)
