/* Logging to stderr (each line formatted, escaped, then sent with one write(2)) or to syslog. */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

/* A formatted line is cut here; escaped, it may grow to four times as long. */
#define LOG_LINE_MAX 1024

/* Octets in the well-formed UTF-8 sequence at p (RFC 3629), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
	/* The second octet's range: it rules out overlong forms, surrogates and past U+10FFFF. */
	unsigned char lo = c == 0xe0 ? 0xa0 : c == 0xf0 ? 0x90 : 0x80;
	unsigned char hi = c == 0xed ? 0x9f : c == 0xf4 ? 0x8f : 0xbf;

	if (c < 0xc2 || c > 0xf4 || n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	/* C1 controls (U+0080..U+009F, NEL among them) are controls too. */
	if (c == 0xc2 && p[1] < 0xa0)
		return 0;
	return len;
}

/* Octets of printable ASCII (backslash aside) at the start of p, at most max. */
static size_t ascii_run(const unsigned char *p, size_t n, size_t max)
{
	size_t len = 0;

	while (len < n && len < max && p[len] >= 0x20 && p[len] < 0x7f && p[len] != '\\')
		len++;
	return len;
}

size_t log_escape(const char *in, size_t n, char *out, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)in;
	size_t o = 0;

	if (size == 0)
		return 0;
	for (size_t i = 0; i < n;) {
		size_t len = ascii_run(p + i, n - i, size - 1 - o);

		/* A UTF-8 sequence goes whole or not at all. */
		if (len == 0 && p[i] >= 0x80 && (len = utf8_len(p + i, n - i)) >= size - o)
			break;
		if (len > 0) {
			memcpy(out + o, p + i, len);
			o += len;
			i += len;
			continue;
		}
		if (o + 4 >= size)
			break;	/* \xNN and the NUL do not fit */
		out[o++] = '\\';
		out[o++] = 'x';
		out[o++] = hex[p[i] >> 4];
		out[o++] = hex[p[i] & 15];
		i++;
	}
	out[o] = '\0';
	return o;
}

static int to_syslog;

void log_use_syslog(void)
{
	/* The ident is the name we were started as: mailroom-pop3d installed, pop3d in the tree. */
	openlog(program_invocation_short_name, LOG_PID | LOG_NDELAY, LOG_MAIL);
	to_syslog = 1;
}

static void log_line(const char *prefix, const char *fmt, va_list ap)
{
	char raw[LOG_LINE_MAX], line[4 * LOG_LINE_MAX + 16];
	int r = vsnprintf(raw, sizeof(raw), fmt, ap);
	/* The name the program was started as: pop3d in the tree, mailroom-pop3d installed. */
	size_t n = (size_t)snprintf(line, sizeof(line), "%.64s: %s", program_invocation_short_name,
				    prefix);
	size_t body = n - strlen(prefix);	/* where the line starts without the name */

	/* Names, commands and file names come from peers: nothing of them may end the line. */
	n += log_escape(raw, r < 0 ? 0 : strlen(raw), line + n, sizeof(line) - n - 1);
	if (to_syslog) {
		/* syslog adds the name and the pid itself. */
		int warning = strstr(line + body, "warning: ") != NULL;

		syslog(warning ? LOG_WARNING : LOG_INFO, "%s", line + body);
		return;
	}
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
	char esc[4 * 64 + 1], prefix[sizeof(esc) + 32];
	va_list ap;

	log_escape(peer, strlen(peer), esc, sizeof(esc));
	snprintf(prefix, sizeof(prefix), "[%lu] %s ", id, esc);
	va_start(ap, fmt);
	log_line(prefix, fmt, ap);
	va_end(ap);
}
