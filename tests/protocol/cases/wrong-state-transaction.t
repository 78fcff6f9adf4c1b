# USER and PASS after login answer "not valid in this state"; the session goes on.
Mailbox: basic

S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
C: USER carol
S: -ERR command not valid in this state
C: PASS other
S: -ERR command not valid in this state
C: STAT
S: +OK 3 278
C: QUIT
S: +OK bye, 0 messages deleted
