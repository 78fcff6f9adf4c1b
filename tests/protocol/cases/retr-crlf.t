# RETR of a CRLF file sends it as it is: 87 octets on disk, 87 on the wire.
Mailbox: basic

S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
C: RETR 2
S: +OK 87 octets
S: From: carol@example.net
S: To: bob@example.com
S: Subject: second
S: 
S: Line one.
S: Line two.
S: .
C: QUIT
S: +OK bye, 0 messages deleted
