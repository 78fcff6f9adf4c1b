/* Internals shared by the MIME decoder's files (mime.c, mime_charset.c, mime_encoding.c, mime_html.c). */
#ifndef MIME_INT_H
#define MIME_INT_H

#include <stddef.h>

#include "mime.h"

/* Multipart nesting deeper than this is not walked: real mail stays far below, and it bounds the stack. */
#define MIME_MAX_DEPTH 32
/* Parts listed beyond this many are dropped: a hostile message cannot make the list unbounded. */
#define MIME_MAX_PARTS 4096
/* RFC 2231 parameter sections beyond this many are ignored. */
#define MIME_MAX_SECTIONS 64
/* Longest charset name taken (the longest IANA name has 45 characters). */
#define MIME_CHARSET_MAX 64
/* Longest encoded word taken (RFC 2047 allows 75; broken mailers write longer ones). */
#define MIME_WORD_MAX 4096

/* ---- growable strings (mime_charset.c): an allocation failure sets oom; later appends do nothing ---- */

struct sbuf {
	char *p;
	size_t len, cap;
	int oom;
};

/* Make room for extra more bytes and a NUL.  Returns 0, or -1 (oom set) when out of memory. */
int mime_sbuf_reserve(struct sbuf *b, size_t extra);
/* Append n bytes, keeping the buffer NUL-terminated; does nothing once oom is set. */
void mime_sbuf_add(struct sbuf *b, const void *s, size_t n);
/* Append one byte, as mime_sbuf_add. */
void mime_sbuf_addc(struct sbuf *b, char c);
/*
 * Hand the NUL-terminated string over, its length in *len_r when len_r is not NULL.
 * Returns NULL only when out of memory, and then the buffer is freed.
 */
char *mime_sbuf_finish(struct sbuf *b, size_t *len_r);
/* A malloc'd, NUL-terminated copy of n bytes; NULL when out of memory. */
char *mime_dup_mem(const char *s, size_t n, size_t *len_r);

/* ---- UTF-8 and the terminal (mime_charset.c) ---- */

/* Write cp as UTF-8 into u (room for 4 bytes); NUL, surrogates, beyond U+10FFFF: U+FFFD.  Returns the length. */
size_t mime_utf8_put(unsigned long cp, char *u);
/*
 * A header value for display: controls replaced, line breaks and tabs made spaces, blanks trimmed
 * at both ends.  Returns malloc'd, NULL when out of memory.
 */
char *mime_clean_header(const char *s, size_t n);

/* ---- encodings (mime_encoding.c) ---- */

/* The value of a hexadecimal digit (either case), or -1 when c is not one. */
int mime_hexval(int c);
/*
 * A malloc'd copy without CR and LF: unfolding keeps the blank that starts each continuation line.
 * NULL when out of memory.
 */
char *mime_unfold_dup(const char *s, size_t n, size_t *len_r);
/*
 * The value of parameter name (RFC 2045, with RFC 2231 sections and charsets) in a field value
 * such as Content-Type.  decode also takes RFC 2047 words in a plain value.  *val_r is a malloc'd
 * string, or NULL when the parameter is absent.  Returns 0, or -1 when out of memory.
 */
int mime_param_get(const char *v, const char *name, int decode, char **val_r);

/* ---- entities (mime.c) ---- */

/* One MIME entity: its header fields as they matter here, and its body in the input. */
struct mime_entity {
	char type[80];		/* lower case; text/plain when absent or malformed (RFC 2045 5.2) */
	char *charset, *boundary, *filename;
	int attachment;		/* Content-Disposition: attachment */
	int flowed, delsp;	/* format=flowed, delsp=yes (RFC 3676) */
	int encoding;		/* MIME_ENC_* */
	const char *head, *body;
	size_t head_len, body_len;
};

/* Read the entity in buf; 0, or -1 when out of memory (nothing to free then). */
int mime_entity_read(const char *buf, size_t len, struct mime_entity *e);
void mime_entity_free(struct mime_entity *e);
/* The body without its transfer encoding, NUL-terminated; NULL when out of memory. */
char *mime_decode_body(const char *body, size_t len, int encoding, size_t *len_r);
/* A decoded header field of the entity's head ("" when absent); NULL when out of memory. */
char *mime_entity_field(const struct mime_entity *e, const char *name);
/* A header field of the entity's head unfolded but not decoded ("" when absent); NULL when out of memory. */
char *mime_entity_raw(const struct mime_entity *e, const char *name);

/* ---- the tree (mime_walk.c) ---- */

/* Fill msg's body and parts from the entity buf[0..len) that starts at offset base of the input. */
int mime_walk_message(struct mime_msg *msg, const char *input, size_t len, const struct mime_opts *o);

#endif
