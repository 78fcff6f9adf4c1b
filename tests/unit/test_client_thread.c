/* Unit tests for the thread builder: parents from the id headers, loops, duplicates, tree order. */
#include "harness.h"
#include "thread.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define M(id, irt, refs, date) { id, irt, refs, date }

/* Build and compare the rows with the expected indices and depths (n of them). */
static void check_rows(const struct thread_msg *v, size_t n, const size_t *want, const int *want_depth)
{
	size_t order[16];
	int depth[16];

	CHECK(thread_build(v, n, order, depth) == 0);
	for (size_t k = 0; k < n; k++) {
		if (order[k] != want[k] || depth[k] != want_depth[k])
			fprintf(stderr, "  row %zu: message %zu depth %d, want %zu depth %d\n", k, order[k],
				depth[k], want[k], want_depth[k]);
		CHECK(order[k] == want[k]);
		CHECK(depth[k] == want_depth[k]);
	}
}

static void test_simple_thread(void)
{
	const struct thread_msg v[] = {
		M("<c@x>", "<b@x>", "<a@x> <b@x>", 3),
		M("<a@x>", NULL, NULL, 1),
		M("<b@x>", "<a@x>", "<a@x>", 2),
	};
	size_t parent[3];

	CHECK(thread_parents(v, 3, parent) == 0);
	CHECK(parent[0] == 2 && parent[1] == THREAD_NONE && parent[2] == 1);
	check_rows(v, 3, (const size_t[]){ 1, 2, 0 }, (const int[]){ 0, 1, 2 });
}

static void test_missing_parent(void)
{
	const struct thread_msg v[] = {
		M("<a@x>", NULL, "", 1),
		/* Its parent <gone> is not here: the nearest ancestor in References that is. */
		M("<c@x>", "<gone@x>", "<a@x> <gone@x>", 3),
		/* Nothing it names is here: it stays a root. */
		M("<d@x>", "<lost@x>", "<older@x> <lost@x>", 4),
		/* In-Reply-To given without angle brackets around anything: no parent. */
		M("<e@x>", "a@x", NULL, 5),
	};
	size_t parent[4];

	CHECK(thread_parents(v, 4, parent) == 0);
	CHECK(parent[0] == THREAD_NONE);
	CHECK(parent[1] == 0);
	CHECK(parent[2] == THREAD_NONE);
	CHECK(parent[3] == THREAD_NONE);
	check_rows(v, 4, (const size_t[]){ 0, 1, 2, 3 }, (const int[]){ 0, 1, 0, 0 });
}

static void test_references_link_others(void)
{
	/* b has no headers of its own, but c's References say a, then b. */
	const struct thread_msg v[] = {
		M("<a@x>", NULL, NULL, 1),
		M("<b@x>", NULL, NULL, 2),
		M("<c@x>", NULL, "<a@x> <b@x>", 3),
	};
	check_rows(v, 3, (const size_t[]){ 0, 1, 2 }, (const int[]){ 0, 1, 2 });
}

static void test_loop_in_references(void)
{
	/* a says it replies to b and b to a; c's References run in a circle. */
	const struct thread_msg v[] = {
		M("<a@x>", "<b@x>", "<b@x>", 1),
		M("<b@x>", "<a@x>", "<a@x>", 2),
		M("<c@x>", NULL, "<a@x> <b@x> <a@x> <c@x>", 3),
	};
	size_t parent[3], order[3];
	int depth[3], roots = 0;

	CHECK(thread_parents(v, 3, parent) == 0);
	for (size_t i = 0; i < 3; i++)
		roots += parent[i] == THREAD_NONE;
	CHECK(roots >= 1);
	CHECK(parent[2] != 2);
	CHECK(thread_build(v, 3, order, depth) == 0);
	CHECK(order[0] != order[1] && order[1] != order[2] && order[0] != order[2]);
	CHECK(depth[0] == 0);
}

static void test_long_loop(void)
{
	/* Five messages each replying to the next, the last to the first: one root, a chain of five. */
	const struct thread_msg v[] = {
		M("<1@x>", "<2@x>", NULL, 1), M("<2@x>", "<3@x>", NULL, 2), M("<3@x>", "<4@x>", NULL, 3),
		M("<4@x>", "<5@x>", NULL, 4), M("<5@x>", "<1@x>", NULL, 5),
	};
	size_t parent[5], order[5];
	int depth[5], roots = 0;

	CHECK(thread_parents(v, 5, parent) == 0);
	for (size_t i = 0; i < 5; i++)
		roots += parent[i] == THREAD_NONE;
	CHECK(roots == 1);
	CHECK(thread_build(v, 5, order, depth) == 0);
	for (int k = 0; k < 5; k++)
		CHECK(depth[k] == k);
}

static void test_self_reference(void)
{
	const struct thread_msg v[] = {
		M("<a@x>", "<a@x>", "<a@x>", 1),
		M("<b@x>", NULL, "<b@x> <a@x> <b@x>", 2),
	};
	size_t parent[2];

	CHECK(thread_parents(v, 2, parent) == 0);
	CHECK(parent[0] == THREAD_NONE);
	CHECK(parent[1] == 0);
}

static void test_duplicate_ids(void)
{
	/* The second <a@x> is treated as unique: replies to <a@x> go under the first. */
	const struct thread_msg v[] = {
		M("<a@x>", NULL, NULL, 1),
		M("<a@x>", NULL, NULL, 2),
		M("<r@x>", "<a@x>", "<a@x>", 3),
		M("<s@x>", NULL, NULL, 4),
		M("<s@x>", "<s@x>", NULL, 5),
	};
	size_t parent[5];

	CHECK(thread_parents(v, 5, parent) == 0);
	CHECK(parent[0] == THREAD_NONE);
	CHECK(parent[1] == THREAD_NONE);
	CHECK(parent[2] == 0);
	CHECK(parent[3] == THREAD_NONE);
	/* A duplicate that names its own id replies to the first holder of that id. */
	CHECK(parent[4] == 3);
	check_rows(v, 5, (const size_t[]){ 0, 2, 1, 3, 4 }, (const int[]){ 0, 1, 0, 0, 1 });
}

static void test_no_ids(void)
{
	const struct thread_msg v[] = {
		M(NULL, NULL, NULL, 3),
		M("", "", "", 2),
		M(NULL, "<>", "<> <>", 1),
		M("   ", NULL, "", 0),
	};
	check_rows(v, 4, (const size_t[]){ 0, 1, 2, 3 }, (const int[]){ 0, 0, 0, 0 });
}

static void test_bare_message_id(void)
{
	/* A Message-ID without angle brackets still names the message. */
	const struct thread_msg v[] = {
		M(" bare@x ", NULL, NULL, 1),
		M("<r@x>", "<bare@x>", NULL, 2),
	};
	check_rows(v, 2, (const size_t[]){ 0, 1 }, (const int[]){ 0, 1 });
}

static void test_children_order(void)
{
	/* Replies oldest first whatever the given order; equal dates keep the given order. */
	const struct thread_msg v[] = {
		M("<r3@x>", "<root@x>", NULL, 30),
		M("<r1@x>", "<root@x>", NULL, 10),
		M("<root@x>", NULL, NULL, 5),
		M("<r2a@x>", "<root@x>", NULL, 20),
		M("<r2b@x>", "<root@x>", NULL, 20),
		M("<r1r@x>", "<r1@x>", NULL, 40),
		M("<other@x>", NULL, NULL, 1),
	};
	check_rows(v, 7, (const size_t[]){ 2, 1, 5, 3, 4, 0, 6 }, (const int[]){ 0, 1, 2, 1, 1, 1, 0 });
}

/* A chain of n messages, each replying to the one before; reversed: given newest first. */
static struct thread_msg *chain(size_t n, int reversed, char (*ids)[24])
{
	struct thread_msg *v = calloc(n, sizeof(*v));

	for (size_t k = 0; v != NULL && k < n; k++) {
		size_t i = reversed ? n - 1 - k : k;

		snprintf(ids[k], sizeof(ids[k]), "<%zu@chain>", k);
		v[i].id = ids[k];
		v[i].in_reply_to = k > 0 ? ids[k - 1] : NULL;
		v[i].date = (long long)k;
	}
	return v;
}

static void test_deep_chain(void)
{
	enum { N = 10000 };
	char(*ids)[24] = calloc(N, sizeof(*ids));
	size_t *order = calloc(N, sizeof(*order));
	int *depth = calloc(N, sizeof(*depth));

	for (int reversed = 0; reversed < 2; reversed++) {
		struct thread_msg *v = chain(N, reversed, ids);

		CHECK(v != NULL && thread_build(v, N, order, depth) == 0);
		for (size_t k = 0; v != NULL && k < N; k++)
			if (depth[k] != (int)k || order[k] != (reversed ? N - 1 - k : k)) {
				CHECK(!"the chain is one thread, one level per message");
				break;
			}
		free(v);
	}
	free(ids);
	free(order);
	free(depth);
}

/* Not an assertion: how long building 10,000 messages' threads takes here, for bench/README.md. */
static void test_timing_printout(void)
{
	enum { N = 10000 };
	char(*ids)[2][80] = calloc(N, sizeof(*ids));
	struct thread_msg *v = calloc(N, sizeof(*v));
	size_t *order = calloc(N, sizeof(*order));
	int *depth = calloc(N, sizeof(*depth));
	struct timespec t0, t1;

	/* Threads of up to 8 messages, each replying to a random earlier one of its thread. */
	srand(14);
	for (size_t i = 0; i < N; i++) {
		size_t root = i - i % 8, p = root + (i > root ? (size_t)rand() % (i - root) : 0);

		snprintf(ids[i][0], sizeof(ids[i][0]), "<%zu.%d@bench>", i, rand());
		v[i].id = ids[i][0];
		if (i > root) {
			v[i].in_reply_to = ids[p][0];
			snprintf(ids[i][1], sizeof(ids[i][1]), "%.39s %.39s", ids[root][0], ids[p][0]);
			v[i].references = ids[i][1];
		}
		v[i].date = rand();
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(thread_build(v, N, order, depth) == 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("     (thread_build of %d messages: %.2f ms)\n", N,
	       (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	free(ids);
	free(v);
	free(order);
	free(depth);
}

TEST_MAIN("client_thread", TEST(test_simple_thread), TEST(test_missing_parent), TEST(test_references_link_others),
	  TEST(test_loop_in_references), TEST(test_long_loop), TEST(test_self_reference), TEST(test_duplicate_ids),
	  TEST(test_no_ids), TEST(test_bare_message_id), TEST(test_children_order), TEST(test_deep_chain),
	  TEST(test_timing_printout))
