# USER then PASS logs in with any name and password; the server logs the login.
# Sizes: msg1 117 octets bare LF, 9 lines -> 126; msg2 87 CRLF -> 87; msg3 60, 3 LF + open last line -> 65.
Mailbox: basic

S: +OK mailroom POP3 server ready
C: USER alice
S: +OK send PASS
C: PASS whatever
S: +OK maildrop has 3 messages (278 octets)
Log~ \] 127\.0\.0\.1:\d+ login as alice\b
C: QUIT
S: +OK bye, 0 messages deleted
Log~ :\d+ quit: retrieved 0, deleted 0, sent \d+ octets$
