/* Connections through a load balancer: the PROXY header read off the socket, and trust in it. */
#ifndef BALANCER_H
#define BALANCER_H

#include "session.h"

/*
 * When the socket's peer is one of --proxy-from's networks, read its PROXY header (at
 * most POP3_PROXY_TIMEOUT seconds, never an octet past it) and make the header's source
 * the session's client (a LOCAL or UNKNOWN header keeps the socket's peer).  0, or -1
 * with the reason logged and s->end_reason set: close the connection.
 */
int balancer_accept(struct session *s);

/*
 * The first command line of a connection that is not from a balancer: 1 (logged, reason
 * set) when it starts a PROXY header, which is never trusted: close the connection.
 */
int balancer_untrusted_header(struct session *s, const char *line, size_t len);

#endif
