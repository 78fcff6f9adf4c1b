# Files are numbered in natural order: msg2 before msg9 before msg10 before msg100.
Mailbox: natural

S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 5 messages (161 octets)
C: LIST
S: +OK 5 messages (161 octets)
S: 1 31
S: 2 31
S: 3 31
S: 4 33
S: 5 35
S: .
C: TOP 1 0
S: +OK top of message follows
S: Subject: msg1
S: 
S: .
C: TOP 2 0
S: +OK top of message follows
S: Subject: msg2
S: 
S: .
C: TOP 3 0
S: +OK top of message follows
S: Subject: msg9
S: 
S: .
C: TOP 4 0
S: +OK top of message follows
S: Subject: msg10
S: 
S: .
C: RETR 5
S: +OK 35 octets
S: Subject: msg100
S: 
S: body of msg100
S: .
C: DELE 4
S: +OK message 4 deleted
C: QUIT
S: +OK bye, 1 messages deleted
Gone: msg10
Exists: msg9
Exists: msg100
