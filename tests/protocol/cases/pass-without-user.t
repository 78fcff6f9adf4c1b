# PASS before USER is refused; USER then PASS still works afterwards.
Mailbox: basic

S: +OK mailroom POP3 server ready
C: PASS secret
S: -ERR send USER first
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
C: QUIT
S: +OK bye, 0 messages deleted
