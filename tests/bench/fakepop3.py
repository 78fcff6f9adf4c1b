#!/usr/bin/env python3
"""fakepop3.py: a deliberately wrong POP3 server, to prove that pop3bench counts wrong answers
as errors.  Usage: fakepop3.py  (prints its port, serves until 30 s pass); the USER name
picks how it is wrong:
  badsize  LIST reports one octet more than RETR sends
  nostuff  RETR does not dot-stuff lines that start with '.'
  err      PASS answers -ERR
  noterm   RETR never sends the final "." line (pop3bench must time out)"""
import socketserver
import threading

BODY = b"Subject: x\r\n\r\n.dot line\r\nplain line\r\n"


class Handler(socketserver.StreamRequestHandler):
    def reply(self, data):
        self.wfile.write(data)
        self.wfile.flush()

    def retr(self, mode):
        body = BODY if mode == b"nostuff" else BODY.replace(b"\r\n.", b"\r\n..")
        tail = b"" if mode == b"noterm" else b".\r\n"
        self.reply(b"+OK %d octets\r\n" % len(BODY) + body + tail)

    def handle(self):
        mode, size = b"", len(BODY)
        self.reply(b"+OK fake ready\r\n")
        for line in self.rfile:
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


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    srv = Server(("127.0.0.1", 0), Handler)
    print(srv.server_address[1], flush=True)
    threading.Timer(30, srv.shutdown).start()
    srv.serve_forever()


if __name__ == "__main__":
    main()
