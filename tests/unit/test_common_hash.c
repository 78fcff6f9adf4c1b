/* Unit tests of common/hash.c: SipHash-1-3 against OpenSSL's SIPHASH, and keys that collide under FNV-1a. */
#include "harness.h"
#include "hash.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

/* OpenSSL's SIPHASH with one compression and three finalisation rounds, 8 octets out. */
static uint64_t openssl_sip13(const unsigned char key[16], const unsigned char *in, size_t len)
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "SIPHASH", NULL);
	EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
	unsigned int c = 1, d = 3;
	size_t size = 8, outl = 0;
	unsigned char out[8];
	uint64_t r = 0;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &size),
		OSSL_PARAM_construct_uint(OSSL_MAC_PARAM_C_ROUNDS, &c),
		OSSL_PARAM_construct_uint(OSSL_MAC_PARAM_D_ROUNDS, &d),
		OSSL_PARAM_construct_end(),
	};

	if (ctx != NULL && EVP_MAC_init(ctx, key, 16, params) && EVP_MAC_update(ctx, in, len) &&
	    EVP_MAC_final(ctx, out, &outl, sizeof(out)) && outl == 8)
		for (int i = 7; i >= 0; i--)
			r = r << 8 | out[i];
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return r;
}

/* Every message length 0-63 (each tail length), key 00..0f, message 00 01 ...: OpenSSL agrees. */
static void test_against_openssl(void)
{
	unsigned char key[16], in[64];
	uint64_t k[2] = { 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL };

	for (int i = 0; i < 16; i++)
		key[i] = (unsigned char)i;
	for (size_t len = 0; len < sizeof(in); len++) {
		in[len] = (unsigned char)len;
		uint64_t ours = hash_keyed(k, in, len), theirs = openssl_sip13(key, in, len);

		CHECK(theirs != 0);
		if (ours != theirs)
			fprintf(stderr, "  length %zu: %016llx, OpenSSL %016llx\n", len,
				(unsigned long long)ours, (unsigned long long)theirs);
		CHECK(ours == theirs);
	}
}

/* The process key: the same input hashes alike within a run, strings and bytes agree. */
static void test_process_key(void)
{
	CHECK(hash_str("alice@example.org") == hash_str("alice@example.org"));
	CHECK(hash_str("abc") == hash_bytes("abc", 3));
	CHECK(hash_str("abc") != hash_str("abd"));
	CHECK(hash_bytes("", 0) != hash_bytes("\0", 1));
}

/*
 * Keys built to collide in FNV-1a's low bits (32-bit FNV, 4096 buckets as peers.c had) spread
 * out under the keyed hash: no bucket holds more than a small share.
 */
static void test_fnv_collisions_spread(void)
{
	enum { N = 1024, BUCKETS = 4096 };
	static unsigned count[BUCKETS];
	char key[32];
	unsigned found = 0, worst = 0;

	for (unsigned long i = 0; found < N && i < 50000000UL; i++) {
		unsigned h = 2166136261u;

		snprintf(key, sizeof(key), "10.%lu.%lu.%lu", i >> 16 & 255, i >> 8 & 255, i & 255);
		for (const unsigned char *p = (const unsigned char *)key; *p; p++)
			h = (h ^ *p) * 16777619u;
		if (h % BUCKETS != 7)
			continue;
		found++;
		count[hash_str(key) % BUCKETS]++;
	}
	CHECK(found == N);
	for (unsigned b = 0; b < BUCKETS; b++)
		if (count[b] > worst)
			worst = count[b];
	CHECK(worst <= 8);
}

TEST_MAIN("common_hash",
	  TEST(test_against_openssl),
	  TEST(test_process_key),
	  TEST(test_fnv_collisions_spread));
