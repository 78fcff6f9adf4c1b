/* Streaming a message to the wire: LF to CRLF, dot-stuffing, TOP's header and n lines. */
#ifndef MESSAGE_H
#define MESSAGE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "conn.h"

/*
 * The wire size (see pop3_wire_add) of the first size octets of the open file fd,
 * read through buf; never reads past them.  0, or -1 with errno (ENODATA: the file
 * ended before size octets, so it changed since it was measured).
 */
int message_wire_size(int fd, off_t size, char *buf, size_t bufsize, uint64_t *wire_r);

/*
 * Send the open file fd as a multi-line answer, reading it in blocks so memory
 * stays the same whatever the size, and never more than its size octets (what the
 * snapshot listed).  body_lines < 0 sends it all (RETR): then exactly wire octets
 * must go out, and the file must still have size octets when they have; otherwise
 * the terminator is not sent.  body_lines >= 0 sends the header, the blank line
 * and at most body_lines body lines (TOP).  Returns 0; -1 when the connection
 * failed; -2 when the file did not give what was listed (*why_r says how): the
 * caller must then close the connection without a terminator.
 */
int message_send(struct conn *c, int fd, off_t size, uint64_t wire, long body_lines,
		 const char **why_r);

#endif
