# AUTH lists PLAIN; AUTH PLAIN logs in with an initial response or after a "+ " continuation.
# AGJvYgBzZWNyZXQ= is base64 of NUL "bob" NUL "secret".
Mailbox: basic

S: +OK mailroom POP3 server ready
C: AUTH
S: +OK methods supported
S: PLAIN
S: .
C: AUTH PLAIN AGJvYgBzZWNyZXQ=
S: +OK maildrop has 3 messages (278 octets)
Log~ :\d+ login as bob\b
C: QUIT
S: +OK bye, 0 messages deleted
Connect
S: +OK mailroom POP3 server ready
C: auth plain
S: + 
C: AGJvYgBzZWNyZXQ=
S: +OK maildrop has 3 messages (278 octets)
C: STAT
S: +OK 3 278
C: QUIT
S: +OK bye, 0 messages deleted
