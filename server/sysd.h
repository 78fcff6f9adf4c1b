/* systemd's two protocols, a few lines each: listening sockets passed in, state reported out. */
#ifndef SYSD_H
#define SYSD_H

#include <stddef.h>

/*
 * Take the listening sockets systemd passed (LISTEN_FDS, LISTEN_PID, LISTEN_FDNAMES;
 * descriptors from 3): each is made close-on-exec and checked to be a listening
 * stream socket; tls[i] is 1 for one named "pop3s".  Returns how many (0 when the
 * server was not started that way; the variables are then left alone), or -1 with a
 * reason in err.  The variables are removed, as sd_listen_fds(1) does.
 */
int sysd_listen_fds(int *fd, int *tls, int max, char *err, size_t errsize);

/* Tell NOTIFY_SOCKET our state ("READY=1", "STOPPING=1"...); nothing without it. */
void sysd_notify(const char *state);

#endif
