/* OpenSSL contexts for both programs: protocol floor, certificates, verification. */
#include "tls.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/*
 * Session tickets (RFC 8446 4.6.1, RFC 5077) are sealed with a key made at start-up and
 * replaced every TICKET_ROTATE_S seconds; the key before still opens tickets (and has them
 * renewed), so a ticket is honoured for one to two periods.  The keys belong to the server,
 * not to a context, so a reload keeps them; a restart makes new ones, and a client's old
 * ticket then gets a full handshake.
 */
enum { TICKET_ROTATE_S = 3600 };

struct ticket_key {
	unsigned char name[16];
	unsigned char aes[32];
	unsigned char hmac[32];
	time_t born;
};

/*
 * The server's context, replaced whole on reload.  A handshake takes its own reference
 * (SSL_new holds one for the connection's life), so the old context lives on for the
 * sessions that use it and goes when the last of them ends.
 */
struct tls_server {
	pthread_mutex_t lock;	/* ctx and keys */
	SSL_CTX *ctx;
	char *cert, *key;
	struct ticket_key keys[2];	/* the current key, and the one before (born 0: none) */
};

void tls_error_string(char *buf, size_t size)
{
	unsigned long e = ERR_get_error();

	if (e == 0)
		snprintf(buf, size, "TLS failure");
	else
		ERR_error_string_n(e, buf, size);
	ERR_clear_error();
}

void tls_clear_thread_errors(void)
{
	ERR_clear_error();
}

static SSL_CTX *new_ctx(const SSL_METHOD *method, char *err, size_t errsize)
{
	SSL_CTX *ctx = SSL_CTX_new(method);

	if (ctx == NULL) {
		tls_error_string(err, errsize);
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_ENABLE_PARTIAL_WRITE);
	/* Idle sessions should cost little: OpenSSL frees its buffers between records. */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	return ctx;
}

SSL_CTX *tls_server_ctx(const char *cert, const char *key, char *err, size_t errsize)
{
	char why[200];
	SSL_CTX *ctx = new_ctx(TLS_server_method(), err, errsize);

	if (ctx == NULL)
		return NULL;
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		tls_error_string(why, sizeof(why));
		snprintf(err, errsize, "%s: %s", cert, why);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		tls_error_string(why, sizeof(why));
		snprintf(err, errsize, "%s: %s", key, why);
		goto fail;
	}
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

SSL_CTX *tls_client_ctx(const char *cafile, int insecure, char *err, size_t errsize)
{
	char why[200];
	SSL_CTX *ctx = new_ctx(TLS_client_method(), err, errsize);

	if (ctx == NULL)
		return NULL;
	if (insecure) {
		SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
		return ctx;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	int ok = cafile ? SSL_CTX_load_verify_locations(ctx, cafile, NULL)
			: SSL_CTX_set_default_verify_paths(ctx);

	if (ok != 1) {
		tls_error_string(why, sizeof(why));
		snprintf(err, errsize, "%s: %s", cafile ? cafile : "system certificates", why);
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

void tls_ctx_free(SSL_CTX *ctx)
{
	SSL_CTX_free(ctx);
}

static int ticket_key_make(struct ticket_key *k, time_t now)
{
	if (RAND_bytes(k->name, sizeof(k->name)) != 1 || RAND_bytes(k->aes, sizeof(k->aes)) != 1 ||
	    RAND_bytes(k->hmac, sizeof(k->hmac)) != 1)
		return -1;
	k->born = now;
	return 0;
}

/* The current key (made anew when it is due), or the one named, copied out under the lock.
 * Returns its index (0 current, 1 the one before) or -1. */
static int ticket_key_find(struct tls_server *t, const unsigned char *name, struct ticket_key *out)
{
	time_t now = time(NULL);
	int found = -1;

	pthread_mutex_lock(&t->lock);
	if (name == NULL && now - t->keys[0].born >= TICKET_ROTATE_S) {
		struct ticket_key fresh;

		if (ticket_key_make(&fresh, now) == 0) {
			t->keys[1] = t->keys[0];
			t->keys[0] = fresh;
		}
		OPENSSL_cleanse(&fresh, sizeof(fresh));
	}
	for (int i = 0; i < 2 && found < 0; i++) {
		int usable = t->keys[i].born != 0 && now - t->keys[i].born < 2 * TICKET_ROTATE_S;

		if (usable && (name == NULL || memcmp(name, t->keys[i].name, 16) == 0))
			found = i;
	}
	if (found >= 0)
		*out = t->keys[found];
	pthread_mutex_unlock(&t->lock);
	return found;
}

/* OpenSSL's ticket key callback: 1 sealed or opened, 2 opened and to be renewed, 0 unknown
 * key (a full handshake follows), -1 failure. */
static int ticket_cb(SSL *ssl, unsigned char name[16], unsigned char iv[EVP_MAX_IV_LENGTH],
		     EVP_CIPHER_CTX *cctx, EVP_MAC_CTX *hctx, int enc)
{
	struct tls_server *t = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));
	struct ticket_key k;
	int i = ticket_key_find(t, enc ? NULL : name, &k), r = -1;
	OSSL_PARAM params[3];

	if (i < 0)
		return enc ? -1 : 0;
	params[0] = OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY, k.hmac, sizeof(k.hmac));
	params[1] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA256", 0);
	params[2] = OSSL_PARAM_construct_end();
	if (enc) {
		memcpy(name, k.name, 16);
		if (RAND_bytes(iv, 16) == 1 &&
		    EVP_EncryptInit_ex(cctx, EVP_aes_256_cbc(), NULL, k.aes, iv) == 1 &&
		    EVP_MAC_CTX_set_params(hctx, params) == 1)
			r = 1;
	} else if (EVP_DecryptInit_ex(cctx, EVP_aes_256_cbc(), NULL, k.aes, iv) == 1 &&
		   EVP_MAC_CTX_set_params(hctx, params) == 1) {
		r = i == 0 ? 1 : 2;
	}
	OPENSSL_cleanse(&k, sizeof(k));
	return r;
}

/* A fresh server context that seals and opens tickets with t's keys. */
static SSL_CTX *server_ctx(struct tls_server *t, char *err, size_t errsize)
{
	SSL_CTX *ctx = tls_server_ctx(t->cert, t->key, err, errsize);

	if (ctx == NULL)
		return NULL;
	SSL_CTX_set_app_data(ctx, t);
	SSL_CTX_set_timeout(ctx, TICKET_ROTATE_S);
	if (SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, ticket_cb) != 1) {
		tls_error_string(err, errsize);
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

struct tls_server *tls_server_new(const char *cert, const char *key, char *err, size_t errsize)
{
	struct tls_server *t = calloc(1, sizeof(*t));

	if (t == NULL || (t->cert = strdup(cert)) == NULL || (t->key = strdup(key)) == NULL) {
		snprintf(err, errsize, "out of memory");
		goto fail;
	}
	if (ticket_key_make(&t->keys[0], time(NULL)) < 0) {
		tls_error_string(err, errsize);
		goto fail;
	}
	if ((t->ctx = server_ctx(t, err, errsize)) == NULL)
		goto fail;
	pthread_mutex_init(&t->lock, NULL);
	return t;
fail:
	if (t != NULL) {
		free(t->cert);
		free(t->key);
	}
	free(t);
	return NULL;
}

int tls_server_reload(struct tls_server *t, char *err, size_t errsize)
{
	SSL_CTX *fresh = server_ctx(t, err, errsize), *old;

	if (fresh == NULL)
		return -1;
	pthread_mutex_lock(&t->lock);
	old = t->ctx;
	t->ctx = fresh;
	pthread_mutex_unlock(&t->lock);
	SSL_CTX_free(old);	/* sessions in a handshake or in TLS hold their own reference */
	return 0;
}

SSL_CTX *tls_server_get(struct tls_server *t)
{
	SSL_CTX *ctx;

	pthread_mutex_lock(&t->lock);
	ctx = t->ctx;
	SSL_CTX_up_ref(ctx);
	pthread_mutex_unlock(&t->lock);
	return ctx;
}

const char *tls_server_cert_path(const struct tls_server *t)
{
	return t->cert;
}
