"""servers.py: starts and stops our server and a private Dovecot; only PIDs started here."""
import os
import re
import shutil
import signal
import socket
import subprocess
import time

NOBODY = 65534  # Dovecot will not serve mail as root; the Maildirs belong to this uid


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid):
    """PIDs of the processes below pid, read from /proc."""
    parent = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open("/proc/%s/stat" % name) as f:
                    parent[int(name)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        kids = [c for c, pp in parent.items() if pp == p]
        found += kids
        todo += kids
    return found


def stop_process(proc, grace):
    """SIGTERM, wait up to grace seconds, then SIGKILL it and whatever it left behind."""
    if proc.poll() is None:
        kids = descendants(proc.pid)
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            kids = descendants(proc.pid) or kids
            proc.kill()
            proc.wait(10)
        for k in kids:
            try:
                os.kill(k, signal.SIGKILL)
            except OSError:
                pass


class Ours:
    """Our server on a free port, logging to a file in the scratch folder."""
    name = "ours"

    def __init__(self, binary, scratch):
        self.binary, self.scratch = binary, scratch
        self.proc, self.port, self.startup_s, self.tls_port = None, None, None, None

    def start(self, folder, timeout=120, tls=None):
        """tls: (cert, key) adds the implicit-TLS port (self.tls_port) and STLS."""
        log = os.path.join(self.scratch, "ours-%s.log" % os.path.basename(folder))
        t0 = time.monotonic()
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(
                # Thousands of clients from 127.0.0.1: no cap per address (--max-per-ip 0).
                [self.binary, "-p", "0", "-m", folder, "--max-connections", "20000",
                 "--max-per-ip", "0"] + (["--tls-cert", tls[0], "--tls-key", tls[1],
                                          "--tls-port", "0"] if tls else []),
                stdin=subprocess.DEVNULL, stdout=out, stderr=out)
        pat = re.compile(rb"listening on 127\.0\.0\.1 port (\d+)\n")
        tpat = re.compile(rb"listening on 127\.0\.0\.1 port (\d+) \(TLS\)")
        while time.monotonic() - t0 < timeout:
            with open(log, "rb") as f:
                text = f.read(65536)
            m, t = pat.search(text), tpat.search(text)
            if m and (t or not tls):
                self.port = int(m.group(1))
                self.tls_port = int(t.group(1)) if t else None
                self.startup_s = time.monotonic() - t0
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.01)
        self.stop()
        raise RuntimeError("our server did not start; see %s" % log)

    def user(self, box):
        return "bench"

    def stop(self):
        if self.proc:
            stop_process(self.proc, 15)
            self.proc = None


class Dovecot:
    """A private Dovecot: own config, base_dir, log and passwd-file; POP3 on 127.0.0.1."""

    def __init__(self, scratch, mode, template, users, tls=None):
        """tls: (cert, key) turns on ssl and the pop3s listener (self.tls_port)."""
        self.name = "dovecot" if mode == "default" else "dovecot_hp"
        self.mode, self.scratch, self.users, self.tls = mode, scratch, users, tls
        self.tls_port = None
        self.run = os.path.join(scratch, "dovecot-" + mode)
        self.template, self.proc, self.port = template, None, None

    @staticmethod
    def binary():
        return shutil.which("dovecot") or ("/usr/sbin/dovecot"
                                           if os.access("/usr/sbin/dovecot", os.X_OK) else None)

    def write_config(self):
        for sub in ("run", "state", "index", "control"):
            os.makedirs(os.path.join(self.run, sub), exist_ok=True)
        for sub in ("index", "control"):
            os.chown(os.path.join(self.run, sub), NOBODY, NOBODY)
        hp = self.mode == "hp"
        values = {"RUN": self.run, "MODE": self.mode, "PORT": str(self.port),
                  "PROCS": "11000", "CLIENTS": "15000",
                  "SERVICE_COUNT": "0" if hp else "1",
                  "MIN_AVAIL": str(os.cpu_count() or 1) if hp else "0",
                  "SSL": "yes" if self.tls else "no",
                  "TLS_PORT": str(self.tls_port or 0),
                  "SSL_FILES": ("ssl_cert = <%s\nssl_key = <%s" % self.tls) if self.tls else ""}
        text = open(self.template).read()
        for k, v in values.items():
            text = text.replace("@%s@" % k, v)
        with open(os.path.join(self.run, "dovecot.conf"), "w") as f:
            f.write(text)
        with open(os.path.join(self.run, "passwd"), "w") as f:
            for user in self.users:
                home = os.path.join(self.scratch, "home", user)
                f.write("%s:{PLAIN}bench:%d:%d::%s::\n" % (user, NOBODY, NOBODY, home))

    def start(self, timeout=30):
        self.port = free_port()
        self.tls_port = free_port() if self.tls else None
        self.write_config()
        conf = os.path.join(self.run, "dovecot.conf")
        with open(os.path.join(self.run, "stderr.log"), "wb") as out:
            self.proc = subprocess.Popen([self.binary(), "-F", "-c", conf],
                                         stdin=subprocess.DEVNULL, stdout=out, stderr=out)
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout and self.proc.poll() is None:
            try:
                with socket.create_connection(("127.0.0.1", self.port), 1) as s:
                    if s.recv(64).startswith(b"+OK"):
                        return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("dovecot did not start; see %s/stderr.log" % self.run)

    def user(self, box):
        return box

    def stop(self):
        if self.proc:
            stop_process(self.proc, 60)
            self.proc = None
