# A file whose last line has no newline: the line gets CRLF (counted in the size), then ".".
Mailbox: basic

S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
C: RETR 3
S: +OK 65 octets
S: From: dave@example.com
S: Subject: third
S: 
S: no newline at the end
S: .
C: QUIT
S: +OK bye, 0 messages deleted
