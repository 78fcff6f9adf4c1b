# A line of more than 255 octets (with CRLF) is answered once with "line too long", and the rest
# of it is thrown away: the next reply belongs to the next command.  253 octets + CRLF = 255 is
# still a line (here too long an argument); 254 + CRLF is not.
Mailbox: basic

S: +OK mailroom POP3 server ready
R: {300*A}\r\n
S: -ERR line too long
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
R: NOOP {5000*x}\r\nSTAT\r\n
S: -ERR line too long
S: +OK 3 278
R: LIST {248*1}\r\n
S: -ERR argument too long
R: LIST {249*1}\r\n
S: -ERR line too long
R: {254*Z}\r\nNOOP\r\n
S: -ERR line too long
S: +OK
C: QUIT
S: +OK bye, 0 messages deleted
