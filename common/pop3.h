/* Protocol constants and the one table of limits, shared by server and client. */
#ifndef POP3_H
#define POP3_H

#include <stddef.h>
#include <stdint.h>

#include "version.h"

#define POP3_VERSION MAILROOM_VERSION
#define POP3_IMPLEMENTATION "mailroom-pop3d " POP3_VERSION

/*
 * Every limit of the protocol and the connection, with its reason; the server's own
 * limits (connections, timeouts, penalties) are in server/params.h.
 */
enum {
	/* RFC 2449 section 4: a command line is at most 255 octets with CRLF. */
	POP3_CMD_MAX = 255,
	/* RFC 2449 section 4: the first line of a reply is at most 512 octets with CRLF. */
	POP3_RESP_MAX = 512,
	/* RFC 1939 section 7: a unique-id is 1 to 70 characters in 0x21..0x7E. */
	POP3_UID_MAX = 70,
	/* RFC 1939 section 3: an argument is at most 40 characters. */
	POP3_ARG_MAX = 40,
	/* Read buffer of a connection: a command line plus pipelined ones behind it. */
	POP3_CONN_RBUF = 1024,
	/* Write buffer of a connection: replies are gathered and sent in one write. */
	POP3_CONN_WBUF = 4096,
	/* Default port: 110 needs root, so the unprivileged default is 1110. */
	POP3_DEFAULT_PORT = 1110,
};

/* The status of a reply line: +1 for "+OK", -1 for "-ERR", 0 for neither. */
int pop3_status(const char *line);

/*
 * Streaming encoder for a message on the wire: bare LF becomes CRLF, CRLF is kept,
 * a line that begins with '.' gets another '.', and pop3_encode_end() closes a last
 * line without newline and appends the terminator.  Zero-initialise, then call
 * pop3_encode_begin().
 */
struct pop3_enc {
	int bol;	/* at the beginning of a line */
	int cr;		/* the last input byte was CR */
	uint64_t dots;	/* dots added by stuffing: the output less these is the wire size */
};

void pop3_encode_begin(struct pop3_enc *st);
/* Encode n octets of in into out, which holds at least 2 * n + 1 octets; returns octets written. */
size_t pop3_encode(struct pop3_enc *st, const char *in, size_t n, char *out);
/* Write the end of the answer (CRLF if the last line was open, then ".\r\n"); out holds 5 octets. */
size_t pop3_encode_end(const struct pop3_enc *st, char *out);

/*
 * Wire size: the octets RETR sends before dot-stuffing.  Feed the file in blocks;
 * pop3_wire_end() adds the CRLF that closes a last line without newline.
 */
struct pop3_wire {
	uint64_t size;
	int cr;		/* the last byte was CR */
	int open;	/* the last line has no newline yet */
};

void pop3_wire_add(struct pop3_wire *w, const char *in, size_t n);
uint64_t pop3_wire_end(const struct pop3_wire *w);

/*
 * Un-stuff one line of a multi-line reply (without its CRLF).  Returns 1 when the
 * line is the terminator ".", else 0; *data_r and *len_r give the payload line.
 */
int pop3_unstuff(const char *line, size_t len, const char **data_r, size_t *len_r);

/*
 * Parse a message number or count: decimal digits only, no sign, no spaces,
 * at most max.  Returns 0, or -1 with *why_r saying why ("not a number", "too large").
 */
int pop3_parse_number(const char *s, uint32_t max, uint32_t *n_r, const char **why_r);

#endif
