# Odd files: a headers-only message (47), mixed CRLF and LF lines with a dot line (57),
# an empty file (0 octets: just the terminator).  A dot file and a subfolder are not messages.
Mailbox: edge

S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (104 octets)
C: LIST
S: +OK 3 messages (104 octets)
S: 1 47
S: 2 57
S: 3 0
S: .
C: RETR 2
S: +OK 57 octets
S: Subject: mixed line ends
S: 
S: lf line
S: crlf line
S: ..dot lf
S: .
C: RETR 1
S: +OK 47 octets
Body: msg1
C: RETR 3
S: +OK 0 octets
S: .
C: TOP 2 1
S: +OK top of message follows
S: Subject: mixed line ends
S: 
S: lf line
S: .
C: QUIT
S: +OK bye, 0 messages deleted
