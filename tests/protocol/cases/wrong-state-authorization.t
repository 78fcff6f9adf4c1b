# Every TRANSACTION command before login answers "not valid in this state", and logs nobody in.
Mailbox: basic

S: +OK mailroom POP3 server ready
C: STAT
S: -ERR command not valid in this state
C: LIST
S: -ERR command not valid in this state
C: LIST 1
S: -ERR command not valid in this state
C: RETR 1
S: -ERR command not valid in this state
C: TOP 1 0
S: -ERR command not valid in this state
C: DELE 1
S: -ERR command not valid in this state
C: UIDL
S: -ERR command not valid in this state
C: RSET
S: -ERR command not valid in this state
C: NOOP
S: -ERR command not valid in this state
C: USER bob
S: +OK send PASS
C: STAT
S: -ERR command not valid in this state
C: QUIT
S: +OK bye
Closed
Exists: msg1
