/* Fuzz target: the client's reply parsing; the input is everything a server sends in one session. */
#include "pop3client.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Inputs must fit the socket buffer: the client reads only after all is written. */
#define INPUT_MAX 65536

#define FUZZ_NAME "fuzz_client_reply"
#include "fuzz_check.h"

static size_t input_size;

/* A status line is NUL-terminated within its buffer, and a result is one of the three. */
static int checked(struct pop3c *c, int r)
{
	CHECK(r == POP3C_OK || r == POP3C_ERR || r == POP3C_FAIL, "result %d", r);
	CHECK(strlen(pop3c_reply(c)) < 1024 && strlen(pop3c_error(c)) < 1024, "reply too long");
	if (r == POP3C_FAIL)
		CHECK(pop3c_dead(c), "a failure left the connection alive");
	return r;
}

/* A payload holds no more than the input, plus a CR for each line. */
static void check_payload(const struct pop3c_buf *b)
{
	CHECK(b->len <= 2 * input_size, "%zu payload octets from %zu", b->len, input_size);
	if (b->data != NULL)
		CHECK(b->data[b->len] == '\0' && b->len < b->cap, "payload not terminated");
}

static void check_uid(const char *uid)
{
	size_t n = strlen(uid);

	CHECK(n <= POP3_UID_MAX, "uid of %zu octets", n);
	for (size_t i = 0; i < n; i++)
		CHECK(uid[i] > 0x20 && uid[i] < 0x7f, "uid octet 0x%02x", (unsigned char)uid[i]);
}

static void progress(unsigned long long done, void *arg)
{
	unsigned long long *last = arg;

	CHECK(done >= *last, "progress went back from %llu to %llu", *last, done);
	*last = done;
}

/* Commands with a single-line or multi-line answer, as the list and the pager use them. */
static void listing(struct pop3c *c)
{
	struct pop3c_entry *v = NULL;
	size_t n = 0;
	unsigned count;
	unsigned long long octets;
	char uid[POP3_UID_MAX + 1];

	checked(c, pop3c_stat(c, &count, &octets));
	if (checked(c, pop3c_list(c, &v, &n)) == POP3C_OK) {
		for (size_t i = 0; i < n; i++)
			CHECK(v[i].num > 0, "message number 0");
		checked(c, pop3c_uidl(c, v, n));
		for (size_t i = 0; i < n; i++)
			check_uid(v[i].uid);
		free(v);
	}
	memset(uid, 'x', sizeof(uid));
	if (checked(c, pop3c_uidl_one(c, 1, uid)) == POP3C_OK)
		check_uid(uid);
}

static void messages(struct pop3c *c)
{
	struct pop3c_buf top = { 0 }, retr = { 0 }, outs[3] = { { 0 } };
	unsigned nums[3] = { 1, 2, 3 };
	int res[3] = { 0, 0, 0 };
	unsigned long long last = 0;

	checked(c, pop3c_top(c, 1, 0, &top));
	check_payload(&top);
	if (checked(c, pop3c_top_many(c, nums, 3, 5, outs, res)) == POP3C_OK)
		for (int i = 0; i < 3; i++)
			checked(c, res[i]);
	for (int i = 0; i < 3; i++) {
		check_payload(&outs[i]);
		pop3c_buf_free(&outs[i]);
	}
	checked(c, pop3c_retr(c, 1, &retr, progress, &last));
	check_payload(&retr);
	pop3c_buf_free(&top);
	pop3c_buf_free(&retr);
}

static void the_rest(struct pop3c *c)
{
	struct pop3c_buf raw = { 0 };
	int multi = 0;

	checked(c, pop3c_dele(c, 1));
	checked(c, pop3c_rset(c));
	checked(c, pop3c_noop(c));
	checked(c, pop3c_raw(c, "LIST", &raw, &multi));
	check_payload(&raw);
	pop3c_buf_free(&raw);
	checked(c, pop3c_raw(c, "UIDL 2", &raw, &multi));
	CHECK(multi == 0 || raw.len == 0, "UIDL n taken as multi-line");
	pop3c_buf_free(&raw);
	pop3c_check_closed(c);
	checked(c, pop3c_quit(c));
	CHECK(pop3c_dead(c), "alive after QUIT");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int sv[2];
	struct pop3c *c;
	char err[256];

	if (size > INPUT_MAX)
		return -1;
	input_size = size;
	/* The server's side stays open for reading: the client's commands land in its buffer. */
	fuzz_socket_with(data, size, sv);
	if (pop3c_open_fd(sv[0], 1, &c, err, sizeof(err)) == 0) {
		checked(c, pop3c_capa(c));
		checked(c, pop3c_login(c, "alice", "secret"));
		listing(c);
		messages(c);
		the_rest(c);
		pop3c_close(c);
	} else {
		CHECK(strlen(err) < sizeof(err), "error text");
	}
	close(sv[1]);
	return 0;
}
