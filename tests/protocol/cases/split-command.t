# A command that arrives in pieces is put together before it is answered.
Mailbox: basic

S: +OK mailroom POP3 server ready
R: US
R: ER b
R: ob\r
R: \nPASS secret\r\n
S: +OK send PASS
S: +OK maildrop has 3 messages (278 octets)
C: QUIT
S: +OK bye, 0 messages deleted
