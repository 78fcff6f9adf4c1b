/* A small unit-test harness: CHECK() records failures, TEST_MAIN runs the cases and prints the summary. */
#ifndef HARNESS_H
#define HARNESS_H

#include <stdio.h>
#include <string.h>

static int harness_failed_checks;

#define CHECK(cond)                                                                  \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
			harness_failed_checks++;                                     \
		}                                                                    \
	} while (0)

#define CHECK_STR(a, b)                                                              \
	do {                                                                         \
		const char *ha_ = (a), *hb_ = (b);                                   \
		if (ha_ == NULL || hb_ == NULL || strcmp(ha_, hb_) != 0) {           \
			fprintf(stderr, "  %s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__, \
				ha_ ? ha_ : "(null)", hb_ ? hb_ : "(null)");          \
			harness_failed_checks++;                                     \
		}                                                                    \
	} while (0)

#define CHECK_MEM(a, alen, b, blen)                                                  \
	do {                                                                         \
		if ((size_t)(alen) != (size_t)(blen) || memcmp((a), (b), (blen)) != 0) { \
			fprintf(stderr, "  %s:%d: %s differs from %s\n", __FILE__, __LINE__, #a, #b); \
			harness_failed_checks++;                                     \
		}                                                                    \
	} while (0)

struct harness_case {
	const char *name;
	void (*fn)(void);
};

static inline int harness_run(const struct harness_case *cases, const char *suite)
{
	int passed = 0, failed = 0;

	for (const struct harness_case *c = cases; c->name != NULL; c++) {
		int before = harness_failed_checks;

		c->fn();
		if (harness_failed_checks == before) {
			passed++;
			printf("ok   %s: %s\n", suite, c->name);
		} else {
			failed++;
			printf("FAIL %s: %s\n", suite, c->name);
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

#define TEST(fn) { #fn, fn }
#define TEST_MAIN(suite, ...)                                                        \
	int main(void)                                                               \
	{                                                                            \
		static const struct harness_case cases[] = { __VA_ARGS__, { NULL, NULL } }; \
		return harness_run(cases, suite);                                    \
	}

#endif
