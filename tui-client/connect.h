/* Opening a session as the options ask: plain, implicit TLS or STLS, then CAPA. */
#ifndef CONNECT_H
#define CONNECT_H

#include <stddef.h>

#include "client.h"
#include "pop3client.h"

/*
 * Connect to o->host:o->port (every wait through w, which may be NULL), start TLS
 * as asked and learn the capabilities.  0, or -1 with a one-line reason in err.
 */
int connect_session(const struct client_opts *o, const struct pop3c_wait *w, struct pop3c **pc_r,
		    char *err, size_t errsize);

#endif
