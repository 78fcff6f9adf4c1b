#!/usr/bin/env python3
"""fakepop3.py: a deliberately wrong POP3 server, to prove that pop3bench counts wrong answers
as errors.  Usage: fakepop3.py [--tls CERT KEY]  (prints its port, serves until 30 s pass);
with --tls it speaks implicit TLS.  The USER name picks how it is wrong:
  badsize  LIST reports one octet more than RETR sends
  nostuff  RETR does not dot-stuff lines that start with '.'
  err      PASS answers -ERR
  noterm   RETR never sends the final "." line (pop3bench must time out)
  cut      (TLS) RETR's body record is cut in half and the connection closed"""
import socketserver
import ssl
import sys
import threading

BODY = b"Subject: x\r\n\r\n.dot line\r\nplain line\r\n"


class Handler(socketserver.StreamRequestHandler):
    def reply(self, data):
        self.wfile.write(data)
        self.wfile.flush()

    def lines(self):
        return self.rfile

    def retr(self, mode):
        body = BODY if mode == b"nostuff" else BODY.replace(b"\r\n.", b"\r\n..")
        if mode == b"cut":
            self.reply(b"+OK %d octets\r\n" % len(BODY))
            self.cut(body + b".\r\n")
            return
        tail = b"" if mode == b"noterm" else b".\r\n"
        self.reply(b"+OK %d octets\r\n" % len(BODY) + body + tail)

    def handle(self):
        mode, size = b"", len(BODY)
        self.reply(b"+OK fake ready\r\n")
        for line in self.lines():
            words = line.split()
            cmd = words[0].upper() if words else b""
            if cmd == b"USER":
                mode = words[1] if len(words) > 1 else b""
                size = len(BODY) + (1 if mode == b"badsize" else 0)
                self.reply(b"+OK\r\n")
            elif cmd == b"PASS" and mode == b"err":
                self.reply(b"-ERR no\r\n")
            elif cmd == b"STAT":
                self.reply(b"+OK 1 %d\r\n" % size)
            elif cmd == b"LIST":
                self.reply(b"+OK 1 messages\r\n1 %d\r\n.\r\n" % size)
            elif cmd == b"UIDL":
                self.reply(b"+OK\r\n1 abc\r\n.\r\n")
            elif cmd == b"RETR":
                self.retr(mode)
            elif cmd == b"QUIT":
                self.reply(b"+OK bye\r\n")
                return
            else:
                self.reply(b"+OK\r\n")


class TLSHandler(Handler):
    """The same answers through OpenSSL memory BIOs, so a record can be sent in part."""
    ctx = None

    def setup(self):
        self.sock = self.request
        self.inc, self.out = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.tls = self.ctx.wrap_bio(self.inc, self.out, server_side=True)

    def pump(self, op, *args):
        while True:
            try:
                r = op(*args)
                self.sock.sendall(self.out.read())
                return r
            except ssl.SSLWantReadError:
                self.sock.sendall(self.out.read())
                data = self.sock.recv(65536)
                if not data:
                    raise ConnectionError("closed")
                self.inc.write(data)

    def reply(self, data):
        self.pump(self.tls.write, data)

    def cut(self, data):
        self.tls.write(data)
        rec = self.out.read()
        self.sock.sendall(rec[:len(rec) // 2])
        raise ConnectionError("record cut")

    def lines(self):
        buf = b""
        while True:
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                yield line + b"\n"
            try:
                buf += self.pump(self.tls.read, 65536)
            except (ssl.SSLZeroReturnError, ConnectionError):
                return

    def handle(self):
        try:
            self.pump(self.tls.do_handshake)
            Handler.handle(self)
        except (ConnectionError, ssl.SSLError):
            pass

    def finish(self):
        pass


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    handler = Handler
    if len(sys.argv) == 4 and sys.argv[1] == "--tls":
        TLSHandler.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        TLSHandler.ctx.load_cert_chain(sys.argv[2], sys.argv[3])
        handler = TLSHandler
    srv = Server(("127.0.0.1", 0), handler)
    print(srv.server_address[1], flush=True)
    threading.Timer(30, srv.shutdown).start()
    srv.serve_forever()


if __name__ == "__main__":
    main()
