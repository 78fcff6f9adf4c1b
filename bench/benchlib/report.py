"""report.py: the one results table, the targets of issues 4, 12 and 15, and the JSON file."""
import json
import os
import platform

SERVERS = ("ours", "dovecot", "dovecot_hp")

# (label, workload key, field, which way is better); CPU is shown on a workload's first row.
ROWS = [
    ("sessions c=1: sessions/s", "sessions1", "sessions_per_s", "higher"),
    ("sessions c=1: p50 ms", "sessions1", "p50_ms", "lower"),
    ("sessions c=1: p99 ms", "sessions1", "p99_ms", "lower"),
    ("sessions c=8: sessions/s", "sessions8", "sessions_per_s", "higher"),
    ("sessions c=8: p50 ms", "sessions8", "p50_ms", "lower"),
    ("sessions c=8: p99 ms", "sessions8", "p99_ms", "lower"),
    ("sessions c=64: sessions/s", "sessions64", "sessions_per_s", "higher"),
    ("sessions c=64: p50 ms", "sessions64", "p50_ms", "lower"),
    ("sessions c=64: p99 ms", "sessions64", "p99_ms", "lower"),
    ("bigretr: MB/s", "bigretr", "mb_per_s", "higher"),
    ("bigretr: loopback ceiling MB/s", "ceiling", "mb_per_s", None),
    ("hold: ok pass/stat/noop/quit", "hold", "steps", None),
    ("hold: all logged in, s", "hold", "login_all_s", "lower"),
    ("hold: KB per session (PSS)", "hold", "kb_per_session", "lower"),
    ("hold: server processes", "hold", "procs_hold", None),
    ("bigbox: first login STAT ms", "bigbox", "first_stat_ms", "lower"),
    ("bigbox: first login LIST ms", "bigbox", "first_list_ms", "lower"),
    ("bigbox: later login STAT ms", "bigbox", "later_stat_ms", "lower"),
    ("bigbox: later login LIST ms", "bigbox", "later_list_ms", "lower"),
    ("bigbox: server start-up s", "bigbox", "startup_s", None),
    ("stream: RSS above idle KB", "stream", "rss_delta_kb", "lower"),
    ("stream: RSS idle/max KB", "stream", "rss_pair", None),
    ("cluster: direct, sessions/s c=64", "cluster_direct", "sessions_per_s", None),
    ("cluster: direct, p99 ms", "cluster_direct", "p99_ms", None),
    ("cluster: HAProxy+1, sessions/s (cpu: HAProxy)", "cluster_1", "sessions_per_s", None),
    ("cluster: HAProxy+1, p99 ms", "cluster_1", "p99_ms", None),
    ("cluster: HAProxy+3, sessions/s (cpu: HAProxy)", "cluster_3", "sessions_per_s", None),
    ("cluster: HAProxy+3, p99 ms", "cluster_3", "p99_ms", None),
    ("tls-sessions c=64: sessions/s", "tls-sessions", "sessions_per_s", "higher"),
    ("tls-sessions c=64: p99 ms", "tls-sessions", "p99_ms", "lower"),
    ("tls-resume c=64: sessions/s", "tls-resume", "sessions_per_s", "higher"),
    ("tls-resume c=64: p99 ms", "tls-resume", "p99_ms", "lower"),
    ("tls-resume: handshakes resumed/full", "tls-resume", "hs_pair", None),
    ("tls-bigretr: MB/s", "tls-bigretr", "mb_per_s", "higher"),
    ("tls-bigretr: AES-GCM 1 core MB/s", "tls-ceiling", "mb_per_s", None),
    ("tls-hold: ok pass/stat/noop/quit", "tls-hold", "steps", None),
    ("tls-hold: all logged in, s", "tls-hold", "login_all_s", "lower"),
    ("tls-hold: KB per session (PSS)", "tls-hold", "kb_per_session", "lower"),
    ("tls-hold: server processes", "tls-hold", "procs_hold", None),
    ("floor c=64: ours, sessions/s", "floor_ours", "sessions_per_s", None),
    ("floor c=64: ours, server CPU us/session", "floor_ours", "cpu_us_per_session", None),
    ("floor c=64: floor, sessions/s (cpu: floor)", "floor_floor", "sessions_per_s", None),
    ("floor c=64: floor, server CPU us/session", "floor_floor", "cpu_us_per_session", None),
    ("floor c=64: ours/floor, sessions/s", "floor_ratio", "ratio", None),
    ("floor c=64: floor/ours, CPU per session", "floor_ratio", "cpu_ratio", None),
    ("errors (all workloads)", "*", "errors", None),
]


def machine():
    model = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": model, "cores": os.cpu_count(), "kernel": platform.release(),
            "load": os.getloadavg()[0]}


def value(results, server, wkey, field):
    if wkey == "*":
        runs = results.get(server, {})
        return sum(r.get("errors", 0) for r in runs.values()) if runs else None
    r = results.get(server, {}).get(wkey)
    if r is None:
        return None
    if field == "steps":
        return "/".join(str(r.get(k, 0)) for k in ("ok_pass", "ok_stat", "ok_noop", "ok_quit"))
    if field == "hs_pair":
        return "%d/%d" % (r.get("tls_resumed", 0), r.get("tls_full", 0))
    if field == "rss_pair":
        return "%d/%d" % (r.get("rss_idle_kb", 0), r.get("rss_max_kb", 0))
    return r.get(field)


def fmt(v):
    if v is None:
        return "-"
    if isinstance(v, str):
        return v
    if isinstance(v, float) and abs(v) < 100:
        return "%.3g" % v if abs(v) < 10 else "%.1f" % v
    return "%d" % round(v)


def ratio(ours, other, better):
    if not better or not isinstance(ours, (int, float)) or not isinstance(other, (int, float)):
        return "-"
    if ours <= 0 or other <= 0:
        return "-"
    return "%.1fx" % (ours / other if better == "higher" else other / ours)


def cpu(results, server, wkey, first):
    r = results.get(server, {}).get(wkey)
    if not first or not r or "cpu_bench_s" not in r:
        return ""
    return "%.2f/%.2f" % (r.get("cpu_server_s", 0), r.get("cpu_bench_s", 0))


def table(results):
    head = ["workload", "ours", "dovecot", "dovecot-hp", "vs dov", "vs hp",
            "cpu ours", "cpu dov", "cpu hp"]
    lines, seen = [head], set()
    for label, wkey, field, better in ROWS:
        first = wkey not in seen and wkey != "*"
        seen.add(wkey)
        vals = [value(results, s, wkey, field) for s in SERVERS]
        lines.append([label] + [fmt(v) for v in vals]
                     + [ratio(vals[0], vals[1], better), ratio(vals[0], vals[2], better)]
                     + [cpu(results, s, wkey, first) for s in SERVERS])
    widths = [max(len(row[i]) for row in lines) for i in range(len(head))]
    out = []
    for row in lines:
        out.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                             for i, (c, w) in enumerate(zip(row, widths))))
    out.insert(1, "-" * len(out[0]))
    return "\n".join(out)


def check(name, met, why):
    return {"target": name, "met": met, "detail": why}


def targets(results, n_hold):
    """The issue 4 targets; met is None when a figure is missing (e.g. Dovecot skipped)."""
    def g(server, wkey, field):
        v = value(results, server, wkey, field)
        return v if isinstance(v, (int, float)) else None
    out = []
    o, d, h = (g(s, "sessions64", "sessions_per_s") for s in SERVERS)
    err = g("ours", "sessions64", "errors")
    ok = None if None in (o, d, h, err) else (o >= 20 * d and o >= 10 * h and err == 0)
    out.append(check("sessions c=64 >= 20x dovecot, >= 10x hp, 0 errors", ok,
                     "%s vs %s / %s, errors %s" % (fmt(o), fmt(d), fmt(h), fmt(err))))
    o, d, h = (g(s, "bigretr", "mb_per_s") for s in SERVERS)
    c = g("ours", "ceiling", "mb_per_s")
    ok = None if None in (o, d, h, c) else (o >= 4 * max(d, h) and o >= c / 2)
    out.append(check("bigretr >= 4x dovecot and >= ceiling/2", ok,
                     "%s MB/s vs %s / %s, ceiling %s" % (fmt(o), fmt(d), fmt(h), fmt(c))))
    r = results.get("ours", {}).get("hold", {})
    steps = [r.get(k, 0) for k in ("ok_pass", "ok_stat", "ok_noop", "ok_quit")]
    kb, t = r.get("kb_per_session"), r.get("login_all_s")
    ok = None if kb is None or t is None else (min(steps) >= n_hold and kb <= 64 and t <= 5)
    out.append(check("hold: all %d succeed, <= 64 KB/session, logged in <= 5 s" % n_hold, ok,
                     "%s, %s KB, %s s" % ("/".join(map(str, steps)), fmt(kb), fmt(t))))
    first, later = g("ours", "bigbox", "first_list_ms"), g("ours", "bigbox", "later_list_ms")
    ok = None if None in (first, later) else (first < 1000 and later < 20)
    out.append(check("bigbox: first login < 1 s, later < 20 ms", ok,
                     "first %s ms, later %s ms (to end of LIST)" % (fmt(first), fmt(later))))
    delta = g("ours", "stream", "rss_delta_kb")
    ok = None if delta is None else delta <= 1024
    out.append(check("stream: RSS <= 1 MiB above idle", ok, "%s KB above idle" % fmt(delta)))
    errs = [g("ours", k, "errors") for k in ("cluster_direct", "cluster_1", "cluster_3")]
    ok = None if None in errs else sum(errs) == 0
    out.append(check("cluster: 0 errors direct and through HAProxy to 1 and 3 (issue 12)", ok,
                     "errors %s" % " / ".join(fmt(e) for e in errs)))
    o, f = g("ours", "floor_ours", "sessions_per_s"), g("ours", "floor_floor", "sessions_per_s")
    r = g("ours", "floor_ratio", "ratio")
    ok = None if None in (o, f) else (r is not None and r >= 0.8)
    out.append(check("sessions c=64 >= 0.8 of the floor, 0 errors (issue 15)", ok,
                     "%s vs %s sessions/s, ours/floor %s" % (fmt(o), fmt(f), fmt(r))))
    return out


def tls_targets(results, n_hold):
    """The issue 13 targets, over implicit TLS; met is None when a figure is missing."""
    def g(server, wkey, field):
        v = value(results, server, wkey, field)
        return v if isinstance(v, (int, float)) else None
    out = []
    o, d, h = (g(s, "tls-sessions", "sessions_per_s") for s in SERVERS)
    err = g("ours", "tls-sessions", "errors")
    ok = None if None in (o, d, h, err) else (o >= 5 * d and o >= 2 * h and err == 0)
    out.append(check("tls-sessions c=64 >= 5x dovecot, >= 2x hp, 0 errors", ok,
                     "%s vs %s / %s, errors %s" % (fmt(o), fmt(d), fmt(h), fmt(err))))
    r, err = g("ours", "tls-resume", "sessions_per_s"), g("ours", "tls-resume", "errors")
    ok = None if None in (o, r, err) else (r >= 2 * o and err == 0)
    out.append(check("tls-resume >= 2x our full handshakes, 0 errors", ok,
                     "%s vs %s, resumed/full %s, errors %s" % (
                         fmt(r), fmt(o), value(results, "ours", "tls-resume", "hs_pair"),
                         fmt(err))))
    o, d, h = (g(s, "tls-bigretr", "mb_per_s") for s in SERVERS)
    c = g("ours", "tls-ceiling", "mb_per_s")
    bits = results.get("ours", {}).get("tls-ceiling", {}).get("bits", "?")
    others = [x for x in (d, h) if x is not None]
    ok = None if None in (o, c) or not others else (o >= 3 * max(others) and o >= c / 2)
    out.append(check("tls-bigretr >= 3x dovecot and >= AES-GCM ceiling/2", ok,
                     "%s MB/s vs %s / %s, AES-%s-GCM ceiling %s" % (
                         fmt(o), fmt(d), fmt(h), bits, fmt(c))))
    r = results.get("ours", {}).get("tls-hold", {})
    steps = [r.get(k, 0) for k in ("ok_pass", "ok_stat", "ok_noop", "ok_quit")]
    kb, dkb = r.get("kb_per_session"), g("dovecot", "tls-hold", "kb_per_session")
    ok = None if kb is None else (min(steps) >= n_hold and kb <= 64)
    out.append(check("tls-hold: all %d succeed, <= 64 KB/session" % n_hold, ok,
                     "%s, %s KB (dovecot %s KB, hp %s KB)" % (
                         "/".join(map(str, steps)), fmt(kb), fmt(dkb),
                         fmt(g("dovecot_hp", "tls-hold", "kb_per_session")))))
    return out


def targets_text(checks):
    word = {True: "met   ", False: "MISSED", None: "n/a   "}
    return "\n".join("  %s %s: %s" % (word[c["met"]], c["target"], c["detail"])
                     for c in checks)


def write_json(path, doc):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)
