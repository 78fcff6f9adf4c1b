/* MIME decoding for display: headers, transfer encodings, charsets to UTF-8, the text part, attachments. */
#ifndef MIME_H
#define MIME_H

#include <stddef.h>

/* One leaf part of a message (forwarded messages count as parts, and so do their parts). */
struct mime_part {
	char *filename;   /* decoded (RFC 2231 / RFC 2047), UTF-8, or NULL */
	char *type;       /* "application/pdf" (lower case) */
	char *charset;    /* the charset parameter as the mail gives it, or NULL */
	size_t size;      /* decoded size in octets, when size_known */
	int size_known;   /* 0 when the part was cut off (TOP output): its size is not known */
	int shown;        /* its text is in the body */
	int depth;        /* 0 in the message, 1 inside a forwarded message, ... */
	size_t off, len;  /* its encoded body in the buffer given to mime_parse */
	int encoding;     /* MIME_ENC_*: how off/len is encoded */
};

enum { MIME_ENC_IDENTITY, MIME_ENC_QP, MIME_ENC_BASE64 };

struct mime_msg {
	char *from, *to, *cc, *subject, *date, *message_id;  /* unfolded, RFC 2047-decoded, UTF-8; "" when absent (never NULL) */
	char *in_reply_to, *references;                     /* the same */
	char *body;       /* the text to show, in the order of the parts: text/plain preferred in an alternative, HTML rendered, forwarded messages inline with their headers; UTF-8, terminal-safe */
	size_t body_len;
	struct mime_part *parts;
	size_t nparts;
	int truncated;    /* the input ended early (e.g. TOP output): parts cut off are not errors */
};

/* How to parse: all fields may be zero. */
struct mime_opts {
	int partial;      /* the input may be cut anywhere (TOP): a part not seen to its end has no known size */
	/*
	 * Render HTML to text (an external program); NULL, or a NULL result, uses the built-in
	 * renderer.  The result is malloc'd and is sanitised afterwards.
	 */
	char *(*html)(void *ctx, const char *html, size_t len, size_t *len_r);
	void *html_ctx;
};

/*
 * Parse a whole message (or the head of one, as TOP returns).  Line ends may be CRLF or LF.
 * Never fails on malformed input: bad base64, unknown charsets, missing boundaries degrade to
 * readable text.  Returns 0, or -1 only when out of memory.
 */
int mime_parse(const char *buf, size_t len, struct mime_msg **msg_r);
/* mime_parse with options (o may be NULL). */
int mime_parse_opts(const char *buf, size_t len, const struct mime_opts *o, struct mime_msg **msg_r);
/* Free a message from mime_parse (NULL is allowed). */
void mime_free(struct mime_msg *msg);
/*
 * The decoded content of part p of a message parsed from buf (the same buffer).
 * *data_r is malloc'd (NUL-terminated, *len_r octets).  Returns 0, or -1 when out of memory.
 */
int mime_part_data(const struct mime_part *p, const char *buf, char **data_r, size_t *len_r);

/*
 * A date header as "2026-11-23" (RFC 5322, with its obsolete two- and three-digit years);
 * "" when it is missing or cannot be read.  buf holds at least 11 octets.
 */
void mime_date_short(const char *date, char *buf, size_t size);
/*
 * A date header as seconds since 1970-01-01 UTC in *t_r (RFC 5322 with its obsolete forms:
 * two-digit years, zone names, comments); 0, or -1 when it cannot be read.
 */
int mime_date_parse(const char *date, long long *t_r);

/*
 * Join the lines of a format=flowed text (RFC 3676): space-stuffing removed, soft breaks
 * joined (DelSp=yes: the trailing blank removed too), quote depth kept as "> " per level,
 * "-- " kept.  Returns malloc'd text, NULL when out of memory.
 */
char *mime_flowed_join(const char *s, size_t len, int delsp, size_t *len_r);

/*
 * Plain text from HTML: links as numbered references listed at the end, list bullets and
 * numbers, table cells separated by " | ", image alt text, <pre> kept, headings set apart.
 * Returns malloc'd text, NULL when out of memory.
 */
char *mime_html_to_text(const char *s, size_t len, size_t *len_r);

/*
 * Decode one header value: unfold, RFC 2047 encoded words (Q and B, adjacent words joined
 * without the space between them), charset to UTF-8, terminal controls replaced.
 * Returns a malloc'd string (NULL only when out of memory).
 */
char *mime_decode_header(const char *value, size_t len);

/* Helpers also used by the client and the fuzzer: */
/* out holds len bytes; returns decoded length; soft line breaks removed, invalid escapes kept. */
size_t mime_decode_qp(const char *in, size_t len, char *out);
/* out holds len bytes; skips whitespace and junk; returns decoded length. */
size_t mime_decode_base64(const char *in, size_t len, char *out);
/*
 * Convert to UTF-8 with iconv; bytes the charset cannot decode become U+FFFD.  A charset iconv
 * does not know (or us-ascii, x-unknown) keeps valid UTF-8 and reads anything else as
 * windows-1252.  Returns a malloc'd, NUL-terminated string; NULL only when out of memory.
 */
char *mime_to_utf8(const char *charset, const char *in, size_t len, size_t *len_r);
/*
 * Make text safe for a terminal: replace C0/C1 controls (but keep \n and \t; CR before LF is
 * dropped), ESC sequences, and invalid UTF-8 with U+FFFD.  Returns malloc'd, NULL when out of memory.
 */
char *mime_sanitize(const char *in, size_t len, size_t *len_r);

#endif
