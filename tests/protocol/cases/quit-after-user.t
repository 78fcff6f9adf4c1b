# QUIT after USER but before PASS is still the AUTHORIZATION QUIT.
Mailbox: basic

S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: QUIT
S: +OK bye
Closed
Exists: msg1
