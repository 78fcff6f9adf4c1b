# The folder disappears after the server started: login answers [SYS/TEMP], nothing crashes.
Mailbox: basic

S: +OK mailroom POP3 server ready
Remove: .
C: USER bob
S: +OK send PASS
C: PASS secret
S: -ERR [SYS/TEMP] cannot open maildrop
C: QUIT
S: +OK bye
