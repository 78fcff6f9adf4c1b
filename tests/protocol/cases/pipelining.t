# Several commands in one write are answered in order, multi-line replies included.
Mailbox: basic

S: +OK mailroom POP3 server ready
R: USER bob\r\nPASS secret\r\nSTAT\r\nLIST 2\r\nNOOP\r\n
S: +OK send PASS
S: +OK maildrop has 3 messages (278 octets)
S: +OK 3 278
S: +OK 2 87
S: +OK
R: RETR 2\r\nTOP 3 0\r\nLIST\r\nDELE 2\r\nLIST 2\r\nRSET\r\nQUIT\r\n
S: +OK 87 octets
Body: msg2
S: +OK top of message follows
S: From: dave@example.com
S: Subject: third
S: 
S: .
S: +OK 3 messages (278 octets)
S: 1 126
S: 2 87
S: 3 65
S: .
S: +OK message 2 deleted
S: -ERR message 2 already deleted
S: +OK maildrop has 3 messages (278 octets)
S: +OK bye, 0 messages deleted
Closed
