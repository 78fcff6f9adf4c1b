# A user name of more than 64 octets, or a number of more than 40 characters, is refused.
Mailbox: basic

S: +OK mailroom POP3 server ready
C: USER aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
S: -ERR argument too long
C: USER aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
C: RETR 000000000000000000000000000000000000000001
S: -ERR argument too long
C: QUIT
S: +OK bye, 0 messages deleted
