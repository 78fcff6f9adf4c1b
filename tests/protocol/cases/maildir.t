# A Maildir: messages of cur/ and new/ in delivery order (oldest first), tmp/ ignored;
# file names with ":2,FLAGS" are fine; DELE + QUIT removes the file from its subfolder.
Mailbox: maildir

S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (126 octets)
C: LIST
S: +OK 3 messages (126 octets)
S: 1 41
S: 2 42
S: 3 43
S: .
C: RETR 1
S: +OK 41 octets
S: Subject: maildir one
S: 
S: first delivered
S: .
C: RETR 2
S: +OK 42 octets
S: Subject: maildir two
S: 
S: second delivered
S: .
C: RETR 3
S: +OK 43 octets
S: Subject: maildir three
S: 
S: third delivered
S: .
C: UIDL
S: +OK unique-id listing follows
S~ 1 (?P<u1>[0-9a-f]{16})
S~ 2 (?P<u2>[0-9a-f]{16})
S~ 3 (?P<u3>[0-9a-f]{16})
S: .
Distinct: u1 u2 u3
C: DELE 3
S: +OK message 3 deleted
C: DELE 1
S: +OK message 1 deleted
C: QUIT
S: +OK bye, 2 messages deleted
Closed
Gone: new/1700000003.M3P100.mailhost
Gone: cur/1700000001.M1P100.mailhost:2,S
Exists: cur/1700000002.M2P100.mailhost:2,
Exists: tmp/1700000004.M4P100.mailhost
Connect
S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 1 messages (42 octets)
C: UIDL
S: +OK unique-id listing follows
S: 1 ${u2}
S: .
C: QUIT
S: +OK bye, 0 messages deleted
