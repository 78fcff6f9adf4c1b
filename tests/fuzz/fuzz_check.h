/* The fuzz targets' invariant check: a failed one aborts, so libFuzzer keeps the input. */
#ifndef FUZZ_CHECK_H
#define FUZZ_CHECK_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Each target defines FUZZ_NAME ("fuzz_mime", ...) before including this. */
#define CHECK(cond, ...)                                                             \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "%s: check failed: %s: ", FUZZ_NAME, #cond); \
			fprintf(stderr, __VA_ARGS__);                                \
			fputc('\n', stderr);                                         \
			abort();                                                     \
		}                                                                    \
	} while (0)

/*
 * A socket pair whose sv[0] end reads data, then end of file: data goes into sv[1], whose
 * sending side is then shut; sv[1] stays open to read what sv[0] answers.  The targets cap
 * their input well below the socket buffer, so the writes never wait for a reader.
 */
static inline void fuzz_socket_with(const uint8_t *data, size_t size, int sv[2])
{
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair: %s", strerror(errno));
	for (size_t off = 0; off < size;) {
		ssize_t n = write(sv[1], data + off, size - off);

		CHECK(n > 0 || errno == EINTR, "write: %s", strerror(errno));
		off += n > 0 ? (size_t)n : 0;
	}
	CHECK(shutdown(sv[1], SHUT_WR) == 0, "shutdown: %s", strerror(errno));
}

#endif
