# CAPA is valid after login too; USER and SASL are no longer offered there.
Mailbox: basic

S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
C: CAPA
S: +OK capability list follows
S: TOP
S: UIDL
S: RESP-CODES
S: AUTH-RESP-CODE
S: PIPELINING
S~ IMPLEMENTATION mailroom-pop3d [0-9]+\.[0-9]+\.[0-9]+
S: .
C: QUIT
S: +OK bye, 0 messages deleted
Closed
