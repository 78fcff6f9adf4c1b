/* One line per event on stderr, written whole so that threads never interleave. */
#ifndef LOG_H
#define LOG_H

/* Log "server: ..." as one write. */
void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Log "server: [id] peer ..." for a connection. */
void log_conn(unsigned long id, const char *peer, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
