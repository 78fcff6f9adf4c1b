/* OpenSSL contexts for both programs: protocol floor, certificates, verification. */
#include "tls.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Session tickets (RFC 8446 4.6.1, RFC 5077) are sealed with the keys OpenSSL makes for the
 * first context at start-up; each reload hands them on to the new context, so a ticket stays
 * good across SIGHUPs for its lifetime (SSL_CTX_set_timeout, OpenSSL's 2 hours by default).
 * They live only in memory: a restart makes new ones, and an old ticket gets a full handshake.
 */
enum { TICKET_KEYS_LEN = 80 };	/* key name 16, HMAC key 32, AES key 32 */

/*
 * The server's context, replaced whole on reload.  A handshake takes its own reference
 * (SSL_new holds one for the connection's life), so the old context lives on for the
 * sessions that use it and goes when the last of them ends.
 */
struct tls_server {
	pthread_mutex_t lock;
	SSL_CTX *ctx;
	char *cert, *key;
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

/* The old context's ticket keys, handed on to a fresh one; -1 if OpenSSL refuses. */
static int ticket_keys_copy(SSL_CTX *from, SSL_CTX *to)
{
	unsigned char keys[TICKET_KEYS_LEN];
	int ok = SSL_CTX_get_tlsext_ticket_keys(from, keys, sizeof(keys)) == 1 &&
		 SSL_CTX_set_tlsext_ticket_keys(to, keys, sizeof(keys)) == 1;

	OPENSSL_cleanse(keys, sizeof(keys));
	return ok ? 0 : -1;
}

struct tls_server *tls_server_new(const char *cert, const char *key, char *err, size_t errsize)
{
	struct tls_server *t = calloc(1, sizeof(*t));

	if (t == NULL || (t->cert = strdup(cert)) == NULL || (t->key = strdup(key)) == NULL) {
		snprintf(err, errsize, "out of memory");
		goto fail;
	}
	if ((t->ctx = tls_server_ctx(cert, key, err, errsize)) == NULL)
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
	SSL_CTX *fresh = tls_server_ctx(t->cert, t->key, err, errsize), *old;

	if (fresh == NULL)
		return -1;
	/* Only reloads replace t->ctx, and they come one at a time: no lock needed to read it. */
	if (ticket_keys_copy(t->ctx, fresh) < 0) {
		tls_error_string(err, errsize);
		SSL_CTX_free(fresh);
		return -1;
	}
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

/*
 * A buffering BIO pushed on the write side only: records are copied into it (16 KB each,
 * cache-hot) and one write() takes many of them.  RELEASE_BUFFERS is off meanwhile, so
 * the record buffer is not freed and allocated again between SSL_write calls.
 */
int tls_bulk_begin(SSL *ssl, size_t size)
{
	BIO *sock = SSL_get_wbio(ssl), *buf = BIO_new(BIO_f_buffer());

	if (buf == NULL || sock == NULL || BIO_set_write_buffer_size(buf, (long)size) != 1) {
		BIO_free(buf);
		ERR_clear_error();
		return -1;
	}
	BIO_up_ref(sock);	/* the chain's reference; SSL_set0_wbio drops the one it held */
	SSL_set0_wbio(ssl, BIO_push(buf, sock));
	SSL_clear_mode(ssl, SSL_MODE_RELEASE_BUFFERS);
	return 0;
}

int tls_bulk_flush(SSL *ssl)
{
	BIO *w = SSL_get_wbio(ssl);

	if (BIO_flush(w) == 1)
		return 1;
	/* A would-block flush leaves its retry flags on the BIO, which SSL_get_error reads. */
	return BIO_should_retry(w) ? (BIO_should_write(w) ? SSL_ERROR_WANT_WRITE
							   : SSL_ERROR_WANT_READ)
				   : SSL_ERROR_SYSCALL;
}

void tls_bulk_end(SSL *ssl)
{
	BIO *w = SSL_get_wbio(ssl);

	if (w == NULL || BIO_method_type(w) != BIO_TYPE_BUFFER)
		return;
	SSL_set0_wbio(ssl, BIO_pop(w));	/* frees the buffer, keeps the socket's BIO */
	SSL_set_mode(ssl, SSL_MODE_RELEASE_BUFFERS);
	SSL_free_buffers(ssl);	/* the session may idle now: no record buffer kept (best effort) */
}

const char *tls_server_cert_path(const struct tls_server *t)
{
	return t->cert;
}
