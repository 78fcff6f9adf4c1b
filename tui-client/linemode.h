/* Line mode: a pop3> prompt for scripts and for watching the protocol. */
#ifndef LINEMODE_H
#define LINEMODE_H

#include <stdio.h>

#include "client.h"
#include "pop3client.h"

/*
 * Read commands from in until QUIT or end of input (which sends QUIT), printing
 * replies to out; RETR also saves the message.  Returns the exit status: 0, or 1
 * when the connection failed.
 */
int linemode_run(const struct client_opts *o, struct pop3c *pc, FILE *in, FILE *out);

#endif
