# TOP's two numbers are checked one after the other, each with its own text.
Mailbox: basic

S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
C: TOP
S: -ERR missing argument: message number
C: TOP 1
S: -ERR missing argument: line count
C: TOP 1 x
S: -ERR invalid line count: not a number
C: TOP 1 -1
S: -ERR invalid line count: not a number
C: TOP 1 4294967296
S: -ERR invalid line count: number too large
C: TOP x 1
S: -ERR invalid message number: not a number
C: TOP 0 1
S: -ERR no such message: 0
C: TOP 4 0
S: -ERR no such message: 4
C: TOP 4294967297 0
S: -ERR invalid message number: number too large
C: TOP 1 0 0
S~ -ERR noise after .*
C: NOOP
S: +OK
C: QUIT
S: +OK bye, 0 messages deleted
