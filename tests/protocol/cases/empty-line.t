# An empty line (CRLF or a bare LF) is "empty command" in both states.
Mailbox: basic

S: +OK mailroom POP3 server ready
C: 
S: -ERR empty command
R: \n
S: -ERR empty command
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
R: \r\n
S: -ERR empty command
C: NOOP
S: +OK
C: QUIT
S: +OK bye, 0 messages deleted
