/* Start-up of the server: everything that happens before the first connection is accepted. */
#ifndef STARTUP_H
#define STARTUP_H

#include "proxy.h"
#include "session.h"

#define MAX_LISTEN 16
#define MAX_BIND 8
#define MAX_PROXY_FROM 16

struct options {
	struct server_config cfg;
	const char *port;
	const char *tls_port;
	const char *bind[MAX_BIND];
	int nbind;
	const char *users, *cert, *key, *run_as;
	struct proxy_net proxy_from[MAX_PROXY_FROM];
	int syslog;		/* --syslog: the log goes to syslog */
};

/* The listening sockets, and which of them speak TLS from the first octet. */
struct listeners {
	int fd[MAX_LISTEN];
	int tls[MAX_LISTEN];
	int n;
};

/* Parse the command line; a bad option prints one line and exits 2. */
void startup_parse_options(int argc, char **argv, struct options *o);
/* Exit 2 unless dir is a folder we can stat. */
void startup_check_folder(const char *dir);
/* Open the mailbox's index (it stays open) and log its count and size; exit 2 on failure. */
void startup_check_mailbox(const char *dir);
/* Read the users file and the TLS key and certificate; exit 2 on failure. */
void startup_load_secrets(struct options *o);
/*
 * SIGHUP: read the users file, the certificate and the key again.  Each that loads
 * replaces the old for new logins and handshakes; each that does not leaves the old
 * in force.  Logs one line saying which.
 */
void startup_reload(const struct server_config *cfg);
/*
 * Take the sockets systemd passed (socket activation), or listen on every address
 * the options name (or the defaults); exit 2 on failure.
 */
void startup_open_listeners(const struct options *o, struct listeners *l);
/* Drop root for user (NULL: warn when serving as root); exit 2 on failure. */
void startup_drop_privileges(const char *user);
/* Take all the descriptors the hard limit allows. */
void startup_raise_fd_limit(void);

#endif
