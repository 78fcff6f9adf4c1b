# UIDL n with bad numbers.
Mailbox: basic

S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
C: UIDL 0
S: -ERR no such message: 0
C: UIDL 4
S: -ERR no such message: 4
C: UIDL x
S: -ERR invalid message number: not a number
C: UIDL 1 2
S: -ERR noise after message number
C: UIDL 4294967296
S: -ERR invalid message number: number too large
C: QUIT
S: +OK bye, 0 messages deleted
