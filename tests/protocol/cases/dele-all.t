# Deleting every message empties the maildrop; the next login finds nothing.
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
C: DELE 3
S: +OK message 3 deleted
C: STAT
S: +OK 0 0
C: LIST
S: +OK 0 messages (0 octets)
S: .
C: QUIT
S: +OK bye, 3 messages deleted
Closed
Gone: msg1
Gone: msg2
Gone: msg3
Connect
S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 0 messages (0 octets)
C: QUIT
S: +OK bye, 0 messages deleted
