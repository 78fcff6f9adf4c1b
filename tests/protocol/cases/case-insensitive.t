# Keywords are case-insensitive in both states.
Mailbox: basic

S: +OK mailroom POP3 server ready
C: capa
S: +OK capability list follows
S: USER
S: SASL PLAIN
S: TOP
S: UIDL
S: RESP-CODES
S: AUTH-RESP-CODE
S: PIPELINING
S~ IMPLEMENTATION mailroom-pop3d [0-9]+\.[0-9]+\.[0-9]+
S: .
C: user bob
S: +OK send PASS
C: pAsS secret
S: +OK maildrop has 3 messages (278 octets)
C: stat
S: +OK 3 278
C: List 2
S: +OK 2 87
C: uidl 1
S~ \+OK 1 [0-9a-f]{16}
C: Top 3 0
S: +OK top of message follows
S: From: dave@example.com
S: Subject: third
S: 
S: .
C: noop
S: +OK
C: dElE 1
S: +OK message 1 deleted
C: rset
S: +OK maildrop has 3 messages (278 octets)
C: quit
S: +OK bye, 0 messages deleted
Closed
