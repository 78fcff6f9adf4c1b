# A file dropped into the folder after login is not in this session (its numbers are fixed),
# and appears at the next login with a UID of its own; the old UIDs stay.
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
Write: msg4 Subject: fourth\n\nnew mail\n
C: STAT
S: +OK 3 278
C: LIST 4
S: -ERR no such message: 4
C: QUIT
S: +OK bye, 0 messages deleted
Connect
S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 4 messages (307 octets)
C: LIST 4
S: +OK 4 29
C: UIDL
S: +OK unique-id listing follows
S: 1 ${u1}
S: 2 ${u2}
S: 3 ${u3}
S~ 4 (?P<u4>[0-9a-f]{16})
S: .
Distinct: u1 u2 u3 u4
C: RETR 4
S: +OK 29 octets
S: Subject: fourth
S: 
S: new mail
S: .
C: QUIT
S: +OK bye, 0 messages deleted
