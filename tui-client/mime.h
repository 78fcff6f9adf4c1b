/* MIME decoding for display: headers, transfer encodings, charsets to UTF-8, the text part, attachments. */
#ifndef MIME_H
#define MIME_H

#include <stddef.h>

struct mime_attachment {
	char *filename;   /* decoded (RFC 2231 / RFC 2047), UTF-8, or NULL */
	char *type;       /* "application/pdf" (lower case) */
	size_t size;      /* decoded size in octets */
};

struct mime_msg {
	char *from, *to, *cc, *subject, *date, *message_id;  /* unfolded, RFC 2047-decoded, UTF-8; "" when absent (never NULL) */
	char *body;       /* the text to show: text/plain preferred, else text/html with tags removed and entities decoded; transfer-decoded, converted to UTF-8 */
	size_t body_len;
	struct mime_attachment *att;
	size_t natt;
	int truncated;    /* the input ended early (e.g. TOP output): parts cut off are not errors */
};

/*
 * Parse a whole message (or the head of one, as TOP returns).  Line ends may be CRLF or LF.
 * Never fails on malformed input: bad base64, unknown charsets, missing boundaries degrade to
 * readable text.  Returns 0, or -1 only when out of memory.
 */
int mime_parse(const char *buf, size_t len, struct mime_msg **msg_r);
/* Free a message from mime_parse (NULL is allowed). */
void mime_free(struct mime_msg *msg);

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
