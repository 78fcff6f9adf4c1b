/* Streaming a message to the wire: LF to CRLF, dot-stuffing, TOP's header and n lines. */
#ifndef MESSAGE_H
#define MESSAGE_H

#include <stddef.h>
#include <stdint.h>

#include "conn.h"

/* Compute the wire size of a file (see pop3_wire_add), reading through buf.  0, or -1 with errno. */
int message_wire_size(const char *path, char *buf, size_t size, uint64_t *wire_r);

/*
 * Send the open file fd as a multi-line answer, terminator included, reading it
 * in blocks so memory stays the same whatever the size.  body_lines < 0 sends it
 * all (RETR); otherwise the header, the blank line and at most body_lines body
 * lines (TOP).  Returns 0, -1 when the connection failed, -2 when the file could not be read.
 */
int message_send(struct conn *c, int fd, long body_lines);

#endif
