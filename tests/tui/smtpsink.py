#!/usr/bin/env python3
"""A one-message SMTP sink on loopback for the reply suite: it writes the port it listens on to
PORTFILE, takes one SMTP session (EHLO, MAIL, RCPT, DATA, QUIT), and writes the envelope
("MAIL FROM:<...>", "RCPT TO:<...>" lines) to OUT.env and the message (un-dot-stuffed) to OUT.msg.
It gives up after 30 seconds.  Usage: smtpsink.py PORTFILE OUT"""
import os
import socket
import sys

portfile, out = sys.argv[1], sys.argv[2]
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(("127.0.0.1", 0))
srv.listen(1)
srv.settimeout(30)
with open(portfile + ".tmp", "w") as f:
    f.write("%d\n" % srv.getsockname()[1])
os.rename(portfile + ".tmp", portfile)

conn, _ = srv.accept()
conn.settimeout(30)
rf = conn.makefile("rb")


def say(line):
    conn.sendall(line.encode() + b"\r\n")


env, msg = [], []
say("220 sink.test ESMTP")
while True:
    line = rf.readline()
    if not line:
        break
    cmd = line.decode("utf-8", "replace").rstrip("\r\n")
    verb = cmd[:4].upper()
    if verb in ("EHLO", "HELO"):
        say("250-sink.test")
        say("250 8BITMIME")
    elif verb in ("MAIL", "RCPT"):
        env.append(cmd)
        say("250 ok")
    elif verb == "DATA":
        say("354 go on")
        while True:
            d = rf.readline()
            if not d or d in (b".\r\n", b".\n"):
                break
            msg.append(d[1:] if d.startswith(b".") else d)
        say("250 queued")
    elif verb == "QUIT":
        say("221 bye")
        break
    else:
        say("250 ok")
conn.close()
with open(out + ".env", "w") as f:
    f.write("\n".join(env) + "\n")
with open(out + ".msg", "wb") as f:
    f.write(b"".join(msg).replace(b"\r\n", b"\n"))
