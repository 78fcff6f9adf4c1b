/* What the client's parts share: the options of one run. */
#ifndef CLIENT_H
#define CLIENT_H

#include "version.h"

#define CLIENT_VERSION MAILROOM_VERSION
/* Seconds the server may stay silent before it is called not answering (--timeout). */
#define CLIENT_TIMEOUT 30
/* Password attempts before giving up; the server ends a session after three (RFC 1939 s. 8). */
#define CLIENT_LOGIN_TRIES 3
/* A password fits in this many octets. */
#define CLIENT_PASSWORD_MAX 256

struct client_opts {
	const char *host, *port, *user;
	const char *password;	/* NULL: log in by hand (line mode) */
	const char *save_dir;
	int line;
	int tls;		/* implicit TLS */
	int starttls;		/* STLS before logging in */
	const char *cafile;	/* verify against this instead of the system store */
	int insecure;		/* do not verify the certificate */
	int timeout;		/* seconds, --timeout */
	int poll;		/* --poll: check for new mail after this many idle seconds; 0 never */
	const char *from;	/* From of replies and forwards (--from); NULL: user@host */
	const char *sendmail;	/* sendmail-compatible command, run by /bin/sh (--sendmail) */
};

#endif
