/* What the client's parts share: the options of one run. */
#ifndef CLIENT_H
#define CLIENT_H

#define CLIENT_VERSION "1.0.0"
/* Seconds to wait for the server before calling the connection dead. */
#define CLIENT_TIMEOUT 60

struct client_opts {
	const char *host, *port, *user;
	const char *password;	/* NULL: log in by hand (line mode) */
	const char *save_dir;
	int line;
	int tls;		/* implicit TLS */
	int starttls;		/* STLS before logging in */
	const char *cafile;	/* verify against this instead of the system store */
	int insecure;		/* do not verify the certificate */
};

#endif
