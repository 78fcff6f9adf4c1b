/* Parsing the payloads of LIST and UIDL into message entries; no I/O. */
#ifndef POP3PARSE_H
#define POP3PARSE_H

#include <stddef.h>

#include "pop3client.h"

/*
 * The "n size" lines of a LIST payload (modified in place) as a malloc'd array;
 * lines that do not start with a message number are skipped.  0, or -1 when out of memory.
 */
int pop3parse_list(char *payload, struct pop3c_entry **v_r, size_t *n_r);
/* The "n uid" lines of a UIDL payload (modified in place) into the entries with those numbers. */
void pop3parse_uidl(char *payload, struct pop3c_entry *v, size_t n);
/* Copy a unique-id into dst (POP3_UID_MAX + 1 octets), stopping at the first octet outside 0x21..0x7e. */
void pop3parse_uid(char *dst, const char *src);

#endif
