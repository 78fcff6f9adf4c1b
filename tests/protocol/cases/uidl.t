# UIDL lists 16 lowercase hex digits a message, all different; UIDL n agrees with the list.
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
Distinct: u1 u2 u3
C: UIDL 1
S: +OK 1 ${u1}
C: UIDL 3
S: +OK 3 ${u3}
C: QUIT
S: +OK bye, 0 messages deleted
