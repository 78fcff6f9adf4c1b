# A message of headers only, with no blank line: TOP sends the headers and ends.
# (Whether a blank line is added is left open here: "S?" accepts one.)
Mailbox: edge

S: +OK mailroom POP3 server ready
C: USER bob
S: +OK send PASS
C: PASS secret
S: +OK maildrop has 3 messages (104 octets)
C: TOP 1 0
S: +OK top of message follows
S: From: erin@example.org
S: Subject: headers only
S? 
S: .
C: TOP 1 10
S: +OK top of message follows
S: From: erin@example.org
S: Subject: headers only
S? 
S: .
C: RETR 1
S: +OK 47 octets
S: From: erin@example.org
S: Subject: headers only
S: .
C: QUIT
S: +OK bye, 0 messages deleted
