/* Logging to stderr: each line formatted first, then sent with one write(2). */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void log_line(const char *prefix, const char *fmt, va_list ap)
{
	char line[1024];
	size_t n = (size_t)snprintf(line, sizeof(line), "server: %s", prefix);

	if (n < sizeof(line))
		vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	n = strlen(line);
	if (n >= sizeof(line) - 1)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	/* A failed log write has nowhere to be reported; the session goes on. */
	if (write(STDERR_FILENO, line, n) < 0)
		return;
}

void log_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("", fmt, ap);
	va_end(ap);
}

void log_conn(unsigned long id, const char *peer, const char *fmt, ...)
{
	char prefix[96];
	va_list ap;

	snprintf(prefix, sizeof(prefix), "[%lu] %s ", id, peer);
	va_start(ap, fmt);
	log_line(prefix, fmt, ap);
	va_end(ap);
}
