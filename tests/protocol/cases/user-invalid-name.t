# User names that could name another folder or break a users file are refused.
Mailbox: basic

S: +OK mailroom POP3 server ready
C: USER ../etc
S: -ERR [AUTH] invalid user name
C: USER a/b
S: -ERR [AUTH] invalid user name
C: USER .hidden
S: -ERR [AUTH] invalid user name
C: USER a:b
S: -ERR [AUTH] invalid user name
R: USER a\tb\r\n
S: -ERR [AUTH] invalid user name
C: PASS secret
S: -ERR send USER first
C: USER good.name
S: +OK send PASS
C: QUIT
S: +OK bye
