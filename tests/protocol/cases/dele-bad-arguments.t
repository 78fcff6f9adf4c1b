# DELE with bad numbers marks nothing: QUIT deletes no file.
Mailbox: basic

S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
C: DELE
S: -ERR missing argument: message number
C: DELE 0
S: -ERR no such message: 0
C: DELE 4
S: -ERR no such message: 4
C: DELE abc
S: -ERR invalid message number: not a number
C: DELE 1 2
S: -ERR noise after message number
C: DELE 4294967297
S: -ERR invalid message number: number too large
C: STAT
S: +OK 3 278
C: QUIT
S: +OK bye, 0 messages deleted
Closed
Exists: msg1
Exists: msg2
Exists: msg3
