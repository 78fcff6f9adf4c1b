# A NUL byte anywhere in a command line is refused in both states.
Mailbox: basic

S: +OK mailroom POP3 server ready
R: US\0ER bob\r\n
S: -ERR NUL byte in command
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
R: RETR 1\0\r\n
S: -ERR NUL byte in command
R: \0\r\n
S: -ERR NUL byte in command
C: STAT
S: +OK 3 278
C: QUIT
S: +OK bye, 0 messages deleted
