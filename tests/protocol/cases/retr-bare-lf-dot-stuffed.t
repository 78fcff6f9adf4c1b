# RETR of a bare-LF file: every line ends in CRLF, and lines that begin with '.' get one more.
# The file:  ".a line starting with a dot" / "..two dots" / "." / "Bye."
Mailbox: basic

S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
C: RETR 1
S: +OK 126 octets
S: From: alice@example.org
S: To: bob@example.com
S: Subject: first
S: 
S: Hello Bob.
S: ..a line starting with a dot
S: ...two dots
S: ..
S: Bye.
S: .
C: QUIT
S: +OK bye, 0 messages deleted
Log~ quit: retrieved 1, deleted 0, sent \d+ octets
