# LIST and LIST n give wire sizes: bare LF counts one more octet a line (msg1: 117 on disk,
# 9 lines -> 126), CRLF files keep their size (msg2: 87), a last line without newline gets
# CRLF (msg3: 60 on disk, 2 LF + the open line -> 65).
Mailbox: basic

S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
C: LIST
S: +OK 3 messages (278 octets)
S: 1 126
S: 2 87
S: 3 65
S: .
C: LIST 1
S: +OK 1 126
C: LIST 2
S: +OK 2 87
C: LIST 3
S: +OK 3 65
C: QUIT
S: +OK bye, 0 messages deleted
