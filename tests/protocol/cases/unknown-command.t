# An unknown keyword answers "-ERR unknown command" in both states.
Mailbox: basic

S: +OK mailroom POP3 server ready
C: XYZZY
S: -ERR unknown command
C: HELO example.org
S: -ERR unknown command
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
C: XYZZY 1 2
S: -ERR unknown command
C: RETRX 1
S: -ERR unknown command
C: STAT
S: +OK 3 278
C: QUIT
S: +OK bye, 0 messages deleted
