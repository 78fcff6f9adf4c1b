/* One line per event on stderr or syslog, written whole so that threads never interleave. */
#ifndef LOG_H
#define LOG_H

#include <stddef.h>

/* From now on, log to syslog (facility mail, with the pid) instead of stderr. */
void log_use_syslog(void);
/*
 * Log "NAME: ..." as one write, NAME being the name the program was started as.
 * The formatted text is escaped with log_escape(), so a user name, a command or a
 * file name from a peer can never forge a line.
 */
void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Log "NAME: [id] peer ..." for a connection, escaped the same way (peer too). */
void log_conn(unsigned long id, const char *peer, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Copy n octets of in to out (size octets, NUL-terminated) for a log line: control
 * characters (C0 and C1), DEL, backslash and every octet that is not part of
 * well-formed UTF-8 become \xNN; well-formed UTF-8 passes.  Stops before an item
 * that would not fit.  Returns the length written.
 */
size_t log_escape(const char *in, size_t n, char *out, size_t size);

#endif
