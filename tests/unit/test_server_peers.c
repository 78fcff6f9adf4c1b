/* Unit tests for server/peers.c: per-address counts of connections not logged in. */
#include "harness.h"
#include "peers.h"

#include <pthread.h>

static void test_cap_per_address(void)
{
	for (int i = 0; i < 3; i++)
		CHECK(peers_enter("192.0.2.1", 3) == 0);
	CHECK(peers_enter("192.0.2.1", 3) < 0);		/* the 4th is over */
	CHECK(peers_count("192.0.2.1") == 3);
	CHECK(peers_enter("192.0.2.2", 3) == 0);	/* others are not affected */
	peers_leave("192.0.2.1");
	CHECK(peers_enter("192.0.2.1", 3) == 0);	/* room again */
	for (int i = 0; i < 3; i++)
		peers_leave("192.0.2.1");
	peers_leave("192.0.2.2");
	CHECK(peers_count("192.0.2.1") == 0);
	CHECK(peers_count("192.0.2.2") == 0);
}

static void test_zero_is_no_cap(void)
{
	for (int i = 0; i < 1000; i++)
		CHECK(peers_enter("2001:db8::1", 0) == 0);
	CHECK(peers_count("2001:db8::1") == 1000);
	for (int i = 0; i < 1000; i++)
		peers_leave("2001:db8::1");
	CHECK(peers_count("2001:db8::1") == 0);
}

static void test_many_addresses(void)
{
	char a[32];

	for (int i = 0; i < 10000; i++) {
		snprintf(a, sizeof(a), "10.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
		CHECK(peers_enter(a, 1) == 0);
	}
	for (int i = 0; i < 10000; i++) {
		snprintf(a, sizeof(a), "10.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
		CHECK(peers_count(a) == 1);
		peers_leave(a);
		CHECK(peers_count(a) == 0);
	}
	peers_leave("198.51.100.1");	/* never counted: no harm */
	CHECK(peers_count("198.51.100.1") == 0);
}

static void *enter_leave(void *arg)
{
	for (int i = 0; i < 20000; i++) {
		if (peers_enter(arg, 0) == 0)
			peers_leave(arg);
	}
	return NULL;
}

static void test_threads_balance(void)
{
	pthread_t t[4];
	static char *addrs[] = { "192.0.2.9", "192.0.2.9", "192.0.2.10", "192.0.2.11" };

	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, enter_leave, addrs[i]);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	CHECK(peers_count("192.0.2.9") == 0);
	CHECK(peers_count("192.0.2.10") == 0);
}

TEST_MAIN("server_peers",
	  TEST(test_cap_per_address),
	  TEST(test_zero_is_no_cap),
	  TEST(test_many_addresses),
	  TEST(test_threads_balance))
