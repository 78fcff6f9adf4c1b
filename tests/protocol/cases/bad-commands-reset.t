# The count of bad commands is "in a row": a good command in between starts it again.
Mailbox: basic

S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
R: {15*XYZZY\r\n}NOOP\r\n{15*LIST x\r\n}STAT\r\n
S: -ERR unknown command
S: -ERR unknown command
S: -ERR unknown command
S: -ERR unknown command
S: -ERR unknown command
S: -ERR unknown command
S: -ERR unknown command
S: -ERR unknown command
S: -ERR unknown command
S: -ERR unknown command
S: -ERR unknown command
S: -ERR unknown command
S: -ERR unknown command
S: -ERR unknown command
S: -ERR unknown command
S: +OK
S: -ERR invalid message number: not a number
S: -ERR invalid message number: not a number
S: -ERR invalid message number: not a number
S: -ERR invalid message number: not a number
S: -ERR invalid message number: not a number
S: -ERR invalid message number: not a number
S: -ERR invalid message number: not a number
S: -ERR invalid message number: not a number
S: -ERR invalid message number: not a number
S: -ERR invalid message number: not a number
S: -ERR invalid message number: not a number
S: -ERR invalid message number: not a number
S: -ERR invalid message number: not a number
S: -ERR invalid message number: not a number
S: -ERR invalid message number: not a number
S: +OK 3 278
C: QUIT
S: +OK bye, 0 messages deleted
