# A file removed by hand after login: RETR and TOP of it say so; the others still work.
Mailbox: basic

S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
Remove: msg2
C: RETR 2
S: -ERR message 2 was removed from the maildrop
C: TOP 2 0
S: -ERR message 2 was removed from the maildrop
C: RETR 3
S: +OK 65 octets
Body: msg3
C: NOOP
S: +OK
C: QUIT
S~ \+OK bye, .*
Closed
Connect
S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 2 messages (191 octets)
C: QUIT
S: +OK bye, 0 messages deleted
