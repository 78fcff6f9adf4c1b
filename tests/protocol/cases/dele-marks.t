# A message marked deleted is gone from LIST, STAT and UIDL, and every command on it says so.
Mailbox: basic

S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
C: DELE 1
S: +OK message 1 deleted
C: DELE 1
S: -ERR message 1 already deleted
C: RETR 1
S: -ERR message 1 already deleted
C: TOP 1 0
S: -ERR message 1 already deleted
C: LIST 1
S: -ERR message 1 already deleted
C: UIDL 1
S: -ERR message 1 already deleted
C: STAT
S: +OK 2 152
C: LIST
S: +OK 2 messages (152 octets)
S: 2 87
S: 3 65
S: .
C: UIDL
S: +OK unique-id listing follows
S~ 2 [0-9a-f]{16}
S~ 3 [0-9a-f]{16}
S: .
Exists: msg1
C: QUIT
S: +OK bye, 1 messages deleted
Closed
Gone: msg1
Exists: msg2
Exists: msg3
