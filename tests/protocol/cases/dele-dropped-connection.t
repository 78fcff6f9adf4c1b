# A connection dropped without QUIT commits nothing: the marked file stays.
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
Drop
Log~ disconnect: client closed
Exists: msg1
Exists: msg2
Connect
S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
C: QUIT
S: +OK bye, 0 messages deleted
