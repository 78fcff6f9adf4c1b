# The greeting, then QUIT before logging in: "+OK bye" and the server closes.
Mailbox: basic

S: +OK mailroom POP3 server ready
C: QUIT
S: +OK bye
Closed
Log~ \] 127\.0\.0\.1:\d+ connect$
Log~ disconnect: quit
