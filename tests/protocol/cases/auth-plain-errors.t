# AUTH failures: cancelled with "*", not base64, a mechanism we do not offer; AUTH after login.
Mailbox: basic

S: +OK mailroom POP3 server ready
C: AUTH PLAIN
S: + 
C: *
S: -ERR authentication cancelled
C: AUTH PLAIN !!!
S: -ERR malformed SASL response: not base64
C: AUTH CRAM-MD5
S: -ERR unsupported authentication mechanism
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
C: AUTH PLAIN AGJvYgBzZWNyZXQ=
S: -ERR command not valid in this state
C: QUIT
S: +OK bye, 0 messages deleted
