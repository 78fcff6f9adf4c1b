# A client that drops the connection in the middle of a 100 MB RETR: the server goes on,
# serves the next client, and keeps the file.  (A header line, a blank line, then 1048576
# lines of 99 'x' and LF: 104857620 octets on disk, 105906198 on the wire.)
Mailbox: empty
Generate: big 1048576
Timeout: 20

S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 1 messages (105906198 octets)
C: RETR 1
S: +OK 105906198 octets
Read: 2000000
Drop
Connect
S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 1 messages (105906198 octets)
C: TOP 1 1
S: +OK top of message follows
S: Subject: generated
S: 
S: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
S: .
C: QUIT
S: +OK bye, 0 messages deleted
Log~ disconnect: client closed
Exists: big
