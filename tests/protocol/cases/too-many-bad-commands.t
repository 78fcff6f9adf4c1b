# 20 bad commands in a row end the session: the server says so and closes, and the
# deletion marked before is not committed.
Mailbox: basic

S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
C: DELE 1
S: +OK message 1 deleted
R: {20*XYZZY\r\n}
S: -ERR unknown command
S: -ERR unknown command
S: -ERR unknown command
S: -ERR unknown command
S: -ERR unknown command
S: -ERR unknown command
S: -ERR unknown command
S: -ERR unknown command
S: -ERR unknown command
S: -ERR unknown command
S: -ERR unknown command
S: -ERR unknown command
S: -ERR unknown command
S: -ERR unknown command
S: -ERR unknown command
S: -ERR unknown command
S: -ERR unknown command
S: -ERR unknown command
S: -ERR unknown command
# the 20th: its own answer may come first, then the closing line
S? -ERR unknown command
S: -ERR too many bad commands, closing connection
Closed
Log~ disconnect: too many errors
Exists: msg1
