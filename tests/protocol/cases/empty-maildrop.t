# An empty folder: zero messages, empty listings, every number is "no such message".
Mailbox: empty

S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 0 messages (0 octets)
C: STAT
S: +OK 0 0
C: LIST
S: +OK 0 messages (0 octets)
S: .
C: UIDL
S: +OK unique-id listing follows
S: .
C: RETR 1
S: -ERR no such message: 1
C: TOP 1 0
S: -ERR no such message: 1
C: DELE 1
S: -ERR no such message: 1
C: RSET
S: +OK maildrop has 0 messages (0 octets)
C: QUIT
S: +OK bye, 0 messages deleted
