# CAPA before login lists the capabilities, one a line.
Mailbox: basic

S: +OK mailroom POP3 server ready
C: CAPA
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
C: QUIT
S: +OK bye
