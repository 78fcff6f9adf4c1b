# DELE then QUIT removes the files from disk; the next session sees the rest, renumbered.
Mailbox: basic

S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
C: DELE 1
S: +OK message 1 deleted
C: DELE 3
S: +OK message 3 deleted
C: QUIT
S: +OK bye, 2 messages deleted
Closed
Gone: msg1
Gone: msg3
Exists: msg2
Log~ quit: retrieved 0, deleted 2, sent \d+ octets
Connect
S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 1 messages (87 octets)
C: LIST
S: +OK 1 messages (87 octets)
S: 1 87
S: .
C: RETR 1
S: +OK 87 octets
Body: msg2
C: QUIT
S: +OK bye, 0 messages deleted
