# RSET unmarks every deletion; QUIT afterwards deletes nothing.
Mailbox: basic

S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
C: DELE 1
S: +OK message 1 deleted
C: DELE 2
S: +OK message 2 deleted
C: STAT
S: +OK 1 65
C: RSET
S: +OK maildrop has 3 messages (278 octets)
C: LIST
S: +OK 3 messages (278 octets)
S: 1 126
S: 2 87
S: 3 65
S: .
C: RETR 1
S: +OK 126 octets
Body: msg1
C: DELE 3
S: +OK message 3 deleted
C: RSET
S: +OK maildrop has 3 messages (278 octets)
C: QUIT
S: +OK bye, 0 messages deleted
Closed
Exists: msg1
Exists: msg2
Exists: msg3
