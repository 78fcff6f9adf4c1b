# TOP n 0: the headers and the blank line, no body line.
Mailbox: basic

S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
C: TOP 1 0
S: +OK top of message follows
S: From: alice@example.org
S: To: bob@example.com
S: Subject: first
S: 
S: .
C: TOP 2 0
S: +OK top of message follows
S: From: carol@example.net
S: To: bob@example.com
S: Subject: second
S: 
S: .
C: QUIT
S: +OK bye, 0 messages deleted
