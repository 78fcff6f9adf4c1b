# LIST n with every kind of bad number: each has its own text, and none counts as LIST 1.
Mailbox: basic

S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
C: LIST 0
S: -ERR no such message: 0
C: LIST 4
S: -ERR no such message: 4
C: LIST -1
S: -ERR invalid message number: not a number
C: LIST +1
S: -ERR invalid message number: not a number
C: LIST abc
S: -ERR invalid message number: not a number
C: LIST 1x
S: -ERR invalid message number: not a number
C: LIST 1 2
S: -ERR noise after message number
C: LIST 4294967295
S: -ERR no such message: 4294967295
C: LIST 4294967296
S: -ERR invalid message number: number too large
C: LIST 4294967297
S: -ERR invalid message number: number too large
C: LIST 99999999999999999999
S: -ERR invalid message number: number too large
C: LIST 00000000000000000000000000000000000000001
S: -ERR argument too long
C: LIST 0000000000000000000000000000000000000001
S: +OK 1 126
C: LIST 02
S: +OK 2 87
C: QUIT
S: +OK bye, 0 messages deleted
