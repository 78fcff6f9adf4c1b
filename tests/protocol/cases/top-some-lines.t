# TOP n k: headers, blank line, then k body lines, dot-stuffed like RETR.
Mailbox: basic

S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
C: TOP 1 2
S: +OK top of message follows
S: From: alice@example.org
S: To: bob@example.com
S: Subject: first
S: 
S: Hello Bob.
S: ..a line starting with a dot
S: .
C: TOP 1 4
S: +OK top of message follows
S: From: alice@example.org
S: To: bob@example.com
S: Subject: first
S: 
S: Hello Bob.
S: ..a line starting with a dot
S: ...two dots
S: ..
S: .
C: TOP 2 1
S: +OK top of message follows
S: From: carol@example.net
S: To: bob@example.com
S: Subject: second
S: 
S: Line one.
S: .
C: QUIT
S: +OK bye, 0 messages deleted
