"""cluster.py: the cluster workload: sessions/s straight to our server, and through HAProxy
(contrib/haproxy.cfg, send-proxy-v2) to one and to three of ours over the same folder."""
import os
import re
import shutil
import subprocess
import time

from . import servers

HAPROXY_PATHS = ("/usr/sbin/haproxy", "/usr/local/sbin/haproxy")


def haproxy_binary():
    found = shutil.which("haproxy")
    return found or next((p for p in HAPROXY_PATHS if os.access(p, os.X_OK)), None)


def haproxy_config(root, front, ports):
    """contrib/haproxy.cfg with our frontend port and one server line per backend port."""
    with open(os.path.join(root, "contrib", "haproxy.cfg")) as f:
        text = f.read()
    opts = re.findall(r"^\tserver \S+ \S+ (.*)$", text, re.M)[0]
    text = re.sub(r"^\tserver .*\n", "", text, flags=re.M)
    text = text.replace("\tbind :110\n", "\tbind 127.0.0.1:%d\n" % front)
    # pop3bench opens up to 64 connections at once; the example's 4096 is plenty, keep it.
    return text + "".join("\tserver pop%d 127.0.0.1:%d %s\n" % (i + 1, p, opts)
                          for i, p in enumerate(ports))


class Backend(servers.Ours):
    """Our server behind the balancer: --proxy-from 127.0.0.1 on a fixed port."""

    def __init__(self, binary, scratch, n):
        servers.Ours.__init__(self, binary, scratch)
        self.n = n

    def start(self, folder, timeout=60):
        port = servers.free_port()
        log = os.path.join(self.scratch, "cluster-pop3d-%d.log" % self.n)
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(
                [self.binary, "-p", str(port), "-b", "127.0.0.1", "-m", folder,
                 "--max-connections", "20000", "--proxy-from", "127.0.0.1",
                 # Every client is 127.0.0.1 in the PROXY header: no cap per address.
                 "--max-per-ip", "0"],
                stdin=subprocess.DEVNULL, stdout=out, stderr=out)
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            with open(log, "rb") as f:
                if b"listening on 127.0.0.1 port" in f.read():
                    self.port = port
                    return
            if self.proc.poll() is not None:
                break
            time.sleep(0.01)
        self.stop()
        raise RuntimeError("backend did not start; see %s" % log)


class Balancer:
    def __init__(self, root, scratch, ports):
        self.port = servers.free_port()
        self.cfg = os.path.join(scratch, "haproxy-%d.cfg" % len(ports))
        with open(self.cfg, "w") as f:
            f.write(haproxy_config(root, self.port, ports))
        self.log = os.path.join(scratch, "haproxy-%d.log" % len(ports))
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen([haproxy_binary(), "-db", "-f", self.cfg],
                                         stdin=subprocess.DEVNULL, stdout=out, stderr=out)
        t0 = time.monotonic()
        while time.monotonic() - t0 < 30 and not self.greets():
            if self.proc.poll() is not None:
                raise RuntimeError("haproxy exited; see %s" % self.log)
            time.sleep(0.05)

    def greets(self):
        import socket
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
                return s.recv(64).startswith(b"+OK")
        except OSError:
            return False

    def stop(self):
        servers.stop_process(self.proc, 10)


def run(root, binary, scratch, folder, measure, log):
    """measure(port, pid) runs pop3bench's sessions workload; returns the three results."""
    out = {}
    if haproxy_binary() is None:
        log("cluster: skipped (haproxy is not installed)")
        return {"cluster_direct": {"skipped": "haproxy is not installed"}}
    direct = servers.Ours(binary, scratch)
    try:
        direct.start(folder)
        out["cluster_direct"] = measure(direct.port, direct.proc.pid)
    finally:
        direct.stop()
    for n in (1, 3):
        backends = [Backend(binary, scratch, i) for i in range(n)]
        balancer = None
        try:
            for b in backends:
                b.start(folder)
            balancer = Balancer(root, scratch, [b.port for b in backends])
            out["cluster_%d" % n] = measure(balancer.port, balancer.proc.pid)
        finally:
            if balancer is not None:
                balancer.stop()
            for b in backends:
                b.stop()
    for k in ("cluster_direct", "cluster_1", "cluster_3"):
        r = out.get(k, {})
        log("%s: %s sessions/s, errors %s" % (k, r.get("sessions_per_s"), r.get("errors")))
    return out
