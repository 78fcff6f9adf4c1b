# TOP with more lines than the body has sends the whole message; an open last line gets CRLF.
# The largest count, 4294967295, is valid.
Mailbox: basic

S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
C: TOP 3 100
S: +OK top of message follows
S: From: dave@example.com
S: Subject: third
S: 
S: no newline at the end
S: .
C: TOP 3 1
S: +OK top of message follows
S: From: dave@example.com
S: Subject: third
S: 
S: no newline at the end
S: .
C: TOP 2 4294967295
S: +OK top of message follows
S: From: carol@example.net
S: To: bob@example.com
S: Subject: second
S: 
S: Line one.
S: Line two.
S: .
C: QUIT
S: +OK bye, 0 messages deleted
