# RETR without a number, with 0, past the end, not a number, with noise, too large.
Mailbox: basic

S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
C: RETR
S: -ERR missing argument: message number
C: RETR 0
S: -ERR no such message: 0
C: RETR 4
S: -ERR no such message: 4
C: RETR one
S: -ERR invalid message number: not a number
C: RETR -1
S: -ERR invalid message number: not a number
C: RETR 1 1
S: -ERR noise after message number
C: RETR 4294967297
S: -ERR invalid message number: number too large
C: NOOP
S: +OK
C: QUIT
S: +OK bye, 0 messages deleted
