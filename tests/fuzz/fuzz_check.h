/* The fuzz targets' invariant check: a failed one aborts, so libFuzzer keeps the input. */
#ifndef FUZZ_CHECK_H
#define FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

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

#endif
