/* What the client's parts share: the options of one run. */
#ifndef CLIENT_H
#define CLIENT_H

#include <stddef.h>

#include "version.h"

#define CLIENT_VERSION MAILROOM_VERSION
/* Seconds the server may stay silent before it is called not answering (--timeout). */
#define CLIENT_TIMEOUT 30
/* Password attempts before giving up; the server ends a session after three (RFC 1939 s. 8). */
#define CLIENT_LOGIN_TRIES 3
/* A password fits in this many octets. */
#define CLIENT_PASSWORD_MAX 256

struct config;

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
	/* The config file's accounts (NULL without any): the chooser screen and the key C. */
	const struct config *config;
	const char *account;	/* the account in use, or NULL */
	int choose;		/* no account named: the chooser screen comes first */
	/* Fill o and pw for account idx of config, the command line on top; 0, or -1 with err. */
	int (*account_opts)(long idx, struct client_opts *o, char *pw, size_t size, char *err, size_t errsize);
	const char *from;	/* From of replies and forwards (--from); NULL: user@host */
	const char *sendmail;	/* sendmail-compatible command, run by /bin/sh (--sendmail) */
};

#endif
