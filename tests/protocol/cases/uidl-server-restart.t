# UIDs survive a restart of the server (they are kept in DIR/.pop3/uidlist).
Mailbox: basic

S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
C: UIDL
S: +OK unique-id listing follows
S~ 1 (?P<u1>[0-9a-f]{16})
S~ 2 (?P<u2>[0-9a-f]{16})
S~ 3 (?P<u3>[0-9a-f]{16})
S: .
C: QUIT
S: +OK bye, 0 messages deleted
Closed
Restart
Exists: .pop3/uidlist
Connect
S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
C: UIDL
S: +OK unique-id listing follows
S: 1 ${u1}
S: 2 ${u2}
S: 3 ${u3}
S: .
C: QUIT
S: +OK bye, 0 messages deleted
