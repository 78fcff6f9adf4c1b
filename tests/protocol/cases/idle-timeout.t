# With --idle-timeout 2 a silent client is logged out, before and after login; a deletion
# marked before the timeout is not committed.
Mailbox: basic
Args: --idle-timeout 2
Timeout: 8

S: +OK mailroom POP3 server ready
S: -ERR autologout: idle for too long
Closed
Log~ disconnect: timeout
Connect
S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (278 octets)
C: DELE 1
S: +OK message 1 deleted
S: -ERR autologout: idle for too long
Closed
Exists: msg1
