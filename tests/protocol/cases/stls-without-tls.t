# Without --tls-cert, STLS is refused and not offered in CAPA; the session goes on in plaintext.
Mailbox: basic

S: +OK mailroom POP3 server ready
C: STLS
S: -ERR TLS is not configured on this server
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
C: QUIT
S: +OK bye, 0 messages deleted
