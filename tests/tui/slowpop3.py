#!/usr/bin/env python3
"""slowpop3.py: test peers for the client's waits, on 127.0.0.1 only.

  slowpop3.py slow UPSTREAM_PORT [RATE]   a proxy to 127.0.0.1:UPSTREAM_PORT that passes what the
                                          server sends at RATE octets a second (default 50000)
  slowpop3.py silent                      accepts connections and never says a word
  slowpop3.py nouidl UPSTREAM_PORT        a proxy that turns the client's UIDL into XUIDL, so the
                                          server answers -ERR: a server without UIDL

It prints the port it listens on, then serves until 60 s pass or it is killed."""
import socket
import sys
import threading
import time

LIFETIME = 60
TICK = 0.05


def shut_both(src, dst):
    """Shut both sockets of a pump down, so the other direction's pump ends too."""
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def pump(src, dst, rate):
    """Copy src to dst, at most rate octets a second when rate is set."""
    try:
        while True:
            data = src.recv(int(rate * TICK) if rate else 65536)
            if not data:
                break
            dst.sendall(data)
            if rate:
                time.sleep(TICK)
    except OSError:
        pass
    shut_both(src, dst)


def pump_nouidl(src, dst):
    """Copy the client's lines to the server, UIDL renamed to a command the server refuses."""
    try:
        for line in src.makefile("rb"):
            if line[:4].upper() == b"UIDL":
                line = b"X" + line
            dst.sendall(line)
    except OSError:
        pass
    shut_both(src, dst)


def serve_nouidl(conn, upstream):
    up = socket.create_connection(("127.0.0.1", upstream))
    threading.Thread(target=pump_nouidl, args=(conn, up), daemon=True).start()
    threading.Thread(target=pump, args=(up, conn, 0), daemon=True).start()


def serve_slow(conn, upstream, rate):
    up = socket.create_connection(("127.0.0.1", upstream))
    threading.Thread(target=pump, args=(conn, up, 0), daemon=True).start()
    threading.Thread(target=pump, args=(up, conn, rate), daemon=True).start()


def main():
    mode = sys.argv[1]
    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(16)
    lsock.settimeout(0.5)
    print(lsock.getsockname()[1], flush=True)
    held = []
    end = time.time() + LIFETIME
    while time.time() < end:
        try:
            conn, _ = lsock.accept()
        except socket.timeout:
            continue
        if mode == "silent":
            held.append(conn)
        elif mode == "nouidl":
            serve_nouidl(conn, int(sys.argv[2]))
        else:
            rate = int(sys.argv[3]) if len(sys.argv) > 3 else 50000
            serve_slow(conn, int(sys.argv[2]), rate)


if __name__ == "__main__":
    main()
