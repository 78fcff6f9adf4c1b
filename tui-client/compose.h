/* Replies and forwards as text: addresses, subjects, References, quoting, the draft, the message sent. */
#ifndef COMPOSE_H
#define COMPOSE_H

#include <stddef.h>

/* A header line of a draft is folded before this many columns (RFC 5322 s. 2.1.1: 78). */
#define COMPOSE_FOLD 78
/* References keeps the first and the last ids up to this many (RFC 5322 s. 3.6.4 allows trimming). */
#define COMPOSE_REFS_MAX 20
/* A body line longer than this is sent quoted-printable, not 8bit (RFC 5322 s. 2.1.1). */
#define COMPOSE_LINE_MAX 998
/* An encoded word is at most 75 characters (RFC 2047 s. 2): 45 octets of UTF-8 in base64. */
#define COMPOSE_WORD_OCTETS 45

/* One address: the display name (UTF-8, "" when none) and the addr-spec. */
struct compose_addr {
	char *name, *addr;
};

struct compose_addrs {
	struct compose_addr *v;
	size_t n, cap;
};

enum compose_kind { COMPOSE_REPLY, COMPOSE_REPLY_ALL, COMPOSE_FORWARD };

/* compose_addr.c */
/*
 * Append the addresses of a header value (raw, RFC 2047 words allowed in names; quoted
 * strings, comments and groups understood) to a.  Returns 0, or -1 when out of memory.
 */
int compose_addrs_parse(const char *value, struct compose_addrs *a);
/* Append one address unless a has it already (addr-specs compared without case); 0 or -1. */
int compose_addrs_add(struct compose_addrs *a, const char *name, const char *addr);
/* 1 when a holds addr (without case). */
int compose_addrs_has(const struct compose_addrs *a, const char *addr);
void compose_addrs_free(struct compose_addrs *a);
/*
 * The list as a header value, folded at COMPOSE_FOLD after a header name of name_len columns:
 * names quoted when they need it; with encode, non-ASCII names as RFC 2047 words.
 * Returns malloc'd, NULL when out of memory.
 */
char *compose_addrs_format(const struct compose_addrs *a, size_t name_len, int encode);
/*
 * Text as RFC 2047 encoded words (UTF-8, base64, whole characters per word) separated by
 * folds, when it holds anything but printable ASCII; else a copy.  col is the column the
 * value starts at.  Returns malloc'd, NULL when out of memory.
 */
char *compose_encode_words(const char *text, size_t col);

/* compose.c */
/* "Re: " or "Fwd: " (kind) before subject, with the same prefixes already there removed first. */
char *compose_subject(const char *subject, enum compose_kind kind);
/*
 * References of a reply: the ids of refs followed by msgid, at most COMPOSE_REFS_MAX (the first
 * and the latest), folded for a "References: " header.  "" when both are empty.  NULL: no memory.
 */
char *compose_references(const char *refs, const char *msgid);
/* Every line of text with "> " before it (quoted lines gain one level: "> > "); malloc'd. */
char *compose_quote(const char *text, size_t len);
/*
 * The draft of a reply, reply-all or forward of the message raw[0..len): headers, a blank
 * line, the body.  from is our From (name and address, UTF-8); self lists our own addresses,
 * left out of a reply-all.  body is the message's text as the pager shows it (UTF-8).
 * Returns malloc'd text, NULL when out of memory.
 */
char *compose_draft(enum compose_kind kind, const char *raw, size_t len, const char *body,
		    const char *from, const struct compose_addrs *self);
/*
 * The message to send from an edited draft: address headers and non-ASCII values encoded,
 * MIME-Version, Content-Type (text/plain; charset=UTF-8) and Content-Transfer-Encoding (8bit,
 * or quoted-printable when a line is longer than COMPOSE_LINE_MAX) added, Date and Message-ID
 * (at now) added unless present; text that is not UTF-8 read as windows-1252.  *nrcpt_r counts To, Cc and Bcc
 * addresses.  Returns malloc'd, NULL when out of memory.
 */
char *compose_finish(const char *draft, size_t len, long long now, size_t *len_r, size_t *nrcpt_r);

#endif
