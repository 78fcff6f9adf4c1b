# --trace logs commands, but never the password.
Mailbox: basic
Args: --trace

S: +OK mailroom POP3 server ready
C: USER tracy
S: +OK send PASS
C: PASS hunter2secret
S: +OK maildrop has 3 messages (278 octets)
C: STAT
S: +OK 3 278
Log~ STAT
C: QUIT
S: +OK bye, 0 messages deleted
Closed
Log~ disconnect: quit
NoLog~ hunter2secret
