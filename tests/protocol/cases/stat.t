# STAT gives the count and the wire size of the whole maildrop.
Mailbox: basic

S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
C: STAT
S: +OK 3 278
C: QUIT
S: +OK bye, 0 messages deleted
