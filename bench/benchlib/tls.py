"""tls.py: the TLS workloads: one certificate for every server, the AES-GCM ceiling, and
tls-sessions, tls-resume, tls-bigretr and tls-hold against a server's implicit-TLS port."""
import os
import re
import subprocess

WORKLOADS = ("tls-sessions", "tls-resume", "tls-bigretr", "tls-hold")
NEED = {"tls-sessions": "small", "tls-resume": "small", "tls-bigretr": "big",
        "tls-hold": "small"}


def make_cert(scratch, kind):
    """A self-signed certificate for 127.0.0.1 and localhost: RSA-2048 or ECDSA P-256.
    Returns (cert, key); Dovecot's login processes run unprivileged, so both are readable."""
    cert, key = os.path.join(scratch, "cert.pem"), os.path.join(scratch, "key.pem")
    newkey = ["-newkey", "rsa:2048"] if kind == "rsa" else [
        "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
    subprocess.run(["openssl", "req", "-x509", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key,
                    "-out", cert] + newkey, check=True, timeout=60,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.chmod(key, 0o644)
    return cert, key


def aes_gcm_rate(bits):
    """One core's AES-GCM rate in MB/s on 16 KB blocks (a full TLS record), from
    `openssl speed -evp`; None when it cannot be measured."""
    try:
        p = subprocess.run(["openssl", "speed", "-mr", "-evp", "aes-%d-gcm" % bits, "-bytes",
                            "16384", "-seconds", "2"], capture_output=True, text=True,
                           timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r"^\+F:\d+:[^:]+:([0-9.]+)", p.stdout, re.M)
    return float(m.group(1)) / 1e6 if m else None


def cipher_bits(result):
    """128 or 256 from the tls_version pop3bench reported (AES-256-GCM when unknown)."""
    v = (result or {}).get("tls_version", "")
    return 128 if "128" in v else 256


def run(srv, pid, user, wl, prof, deadline, opts, bench, log, only_box):
    """The TLS workloads of wl that use only_box's mailbox, against srv.tls_port."""
    out = {}
    base = ["-p", srv.tls_port, "-P", pid, "--tls", "implicit", "--cafile", opts["cert"]]
    if opts.get("tls12"):
        base.append("--tls12")
    want = [w for w in WORKLOADS if w in wl and NEED[w] == only_box]
    for name in ("tls-sessions", "tls-resume"):
        if name not in want:
            continue
        extra = ["--resume"] if name == "tls-resume" else []
        r = bench(base + extra + ["-u", user("small"), "-c", 64, "-d", prof["dur"],
                                  "-T", prof["dur"] + 30, "sessions"], prof["dur"] + 60, deadline)
        out[name] = r
        log("%s %s c=64: %s/s, full %s, resumed %s, errors %s" % (
            srv.name, name, r.get("sessions_per_s"), r.get("tls_full"), r.get("tls_resumed"),
            r.get("errors")))
    if "tls-bigretr" in want:
        r = bench(base + ["-u", user("big"), "-n", prof["retr_sessions"], "-r", 3, "-T", 120,
                          "bigretr"], 150, deadline)
        out["tls-bigretr"] = r
        if srv.name == "ours":
            bits = cipher_bits(r)
            out["tls-ceiling"] = {"mb_per_s": aes_gcm_rate(bits), "bits": bits}
        log("%s tls-bigretr: %s MB/s (%s)" % (srv.name, r.get("mb_per_s"), r.get("tls_version")))
    if "tls-hold" in want:
        t = prof["tls_login_max"] + prof["idle"] + 60
        r = bench(base + ["-u", user("small"), "-c", prof["hold"], "-i", prof["idle"],
                          "-d", prof["tls_login_max"], "-t", 60, "-T", t, "hold"], t + 30,
                  deadline)
        out["tls-hold"] = r
        log("%s tls-hold: stat ok %s, login %s s, %s KB/session" % (
            srv.name, r.get("ok_stat"), r.get("login_all_s"), r.get("kb_per_session")))
    return out
