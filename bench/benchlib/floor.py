"""floor.py: the floor workload: sessions c=64 against bench/floor (replies made in memory at
start-up) and against ours, in one run; ours/floor and the server CPU per session of each."""
import os
import re
import subprocess
import time

from . import servers

TARGET = 0.8  # issue 15: ours at 64 clients reaches this share of the floor


class Floor(servers.Ours):
    """bench/floor on a free port, serving the same folder from memory."""
    name = "floor"

    def start(self, folder, timeout=60):
        log = os.path.join(self.scratch, "floor.log")
        with open(log, "wb") as out:
            self.proc = subprocess.Popen([self.binary, "-m", folder], stdin=subprocess.DEVNULL,
                                         stdout=out, stderr=out)
        pat = re.compile(rb"listening on 127\.0\.0\.1 port (\d+)")
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout and self.proc.poll() is None:
            with open(log, "rb") as f:
                m = pat.search(f.read())
            if m:
                self.port = int(m.group(1))
                return
            time.sleep(0.01)
        self.stop()
        raise RuntimeError("bench/floor did not start; see %s" % log)


def cpu_us(r):
    """Server CPU per completed session, in microseconds."""
    if not r.get("sessions") or "cpu_server_s" not in r:
        return None
    return r["cpu_server_s"] / r["sessions"] * 1e6


def measure_one(srv, folder, measure):
    try:
        srv.start(folder)
        r = measure(srv.port, srv.proc.pid)
    finally:
        srv.stop()
    r["cpu_us_per_session"] = cpu_us(r)
    return r


def run(here, binary, scratch, folder, measure, log):
    """measure(port, pid) runs pop3bench's sessions workload at 64 clients: ours first, then
    the floor, each on a freshly started server; returns both and the ratio."""
    floor_bin = os.path.join(here, "floor")
    if not os.access(floor_bin, os.X_OK):
        subprocess.run(["make", "-s", "-C", here, "floor"], check=True, timeout=120)
    ours = measure_one(servers.Ours(binary, scratch), folder, measure)
    floor = measure_one(Floor(floor_bin, scratch), folder, measure)
    o, f = ours.get("sessions_per_s"), floor.get("sessions_per_s")
    ratio = o / f if o and f and not ours.get("errors") and not floor.get("errors") else None
    uo, uf = ours["cpu_us_per_session"], floor["cpu_us_per_session"]
    out = {"floor_ours": ours, "floor_floor": floor,
           "floor_ratio": {"ratio": ratio, "cpu_ratio": uf / uo if uo and uf else None,
                           "load": os.getloadavg()[0]}}
    log("floor: ours %s/s (%s us/session), floor %s/s (%s us/session), ours/floor %s" % (
        o, uo, f, uf, ratio))
    return out
