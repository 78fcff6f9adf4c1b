# Commands may end with a bare LF instead of CRLF; replies still end with CRLF.
Mailbox: basic

S: +OK mailroom POP3 server ready
R: USER bob\n
S: +OK send PASS
R: PASS secret\n
S: +OK maildrop has 3 messages (278 octets)
R: STAT\nLIST 3\n
S: +OK 3 278
S: +OK 3 65
R: QUIT\n
S: +OK bye, 0 messages deleted
Closed
