# UIDs stay the same from one session to the next, and follow a message when others are
# deleted and the numbers shift.
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
C: DELE 1
S: +OK message 1 deleted
C: QUIT
S: +OK bye, 1 messages deleted
Connect
S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 2 messages (152 octets)
C: UIDL
S: +OK unique-id listing follows
S: 1 ${u2}
S: 2 ${u3}
S: .
C: QUIT
S: +OK bye, 0 messages deleted
