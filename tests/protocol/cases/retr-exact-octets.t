# RETR delivers exactly the announced octets: each body, un-stuffed, equals its file with
# every line ended by CRLF, and its length is the number in "+OK N octets".
Mailbox: basic

S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
C: RETR 1
S: +OK 126 octets
Body: msg1
C: RETR 2
S: +OK 87 octets
Body: msg2
C: RETR 3
S: +OK 65 octets
Body: msg3
C: QUIT
S: +OK bye, 0 messages deleted
Log~ quit: retrieved 3, deleted 0, sent \d+ octets
