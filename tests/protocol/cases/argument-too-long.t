# An argument of more than 40 characters is refused; 40 are fine.
Mailbox: basic

S: +OK mailroom POP3 server ready
C: USER aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
S: -ERR argument too long
C: USER aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
C: RETR 000000000000000000000000000000000000000001
S: -ERR argument too long
C: QUIT
S: +OK bye, 0 messages deleted
