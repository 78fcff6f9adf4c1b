/* SipHash-1-3 (Aumasson and Bernstein) keyed once per process: hash tables that hostile keys cannot flood. */
#include "hash.h"

#include <pthread.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static uint64_t key[2];
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

/* The key: getrandom, or (no entropy source at all) the clock and the process id. */
static void key_init(void)
{
	if (getrandom(key, sizeof(key), GRND_NONBLOCK) != (ssize_t)sizeof(key)) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		key[0] ^= (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)ts.tv_sec;
		key[1] ^= (uint64_t)getpid() * 0xc2b2ae3d27d4eb4fULL ^ (uint64_t)(uintptr_t)&ts;
	}
}

#define ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))

/* One SipRound over the four state words. */
static void round_(uint64_t v[4])
{
	v[0] += v[1]; v[1] = ROTL(v[1], 13); v[1] ^= v[0]; v[0] = ROTL(v[0], 32);
	v[2] += v[3]; v[3] = ROTL(v[3], 16); v[3] ^= v[2];
	v[0] += v[3]; v[3] = ROTL(v[3], 21); v[3] ^= v[0];
	v[2] += v[1]; v[1] = ROTL(v[1], 17); v[1] ^= v[2]; v[2] = ROTL(v[2], 32);
}

/* Little-endian load of n (< 8) or 8 octets. */
static uint64_t load(const unsigned char *p, size_t n)
{
	uint64_t m = 0;

	for (size_t i = 0; i < n; i++)
		m |= (uint64_t)p[i] << (8 * i);
	return m;
}

uint64_t hash_keyed(const uint64_t k[2], const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t v[4], m;
	size_t i;

	v[0] = k[0] ^ 0x736f6d6570736575ULL;
	v[1] = k[1] ^ 0x646f72616e646f6dULL;
	v[2] = k[0] ^ 0x6c7967656e657261ULL;
	v[3] = k[1] ^ 0x7465646279746573ULL;
	for (i = 0; i + 8 <= len; i += 8) {
		m = load(p + i, 8);
		v[3] ^= m;
		round_(v);
		v[0] ^= m;
	}
	m = load(p + i, len - i) | (uint64_t)(len & 0xff) << 56;
	v[3] ^= m;
	round_(v);
	v[0] ^= m;
	v[2] ^= 0xff;
	round_(v);
	round_(v);
	round_(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

uint64_t hash_bytes(const void *p, size_t len)
{
	pthread_once(&key_once, key_init);
	return hash_keyed(key, p, len);
}

uint64_t hash_str(const char *s)
{
	return hash_bytes(s, strlen(s));
}
