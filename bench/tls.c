/* tls.c: pop3bench's TLS: the client context, and handshakes, reads and writes that never block. */
#include "pop3bench.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>

enum { STREAM_BUFSIZE = 256 * 1024 };	/* a read buffer this big: a streaming workload */

/* A new session (a TLS 1.3 ticket arrives after the handshake): the connection keeps the
 * latest for its next handshake. */
static int new_session(SSL *ssl, SSL_SESSION *sess)
{
	struct bconn *c = SSL_get_app_data(ssl);

	if (c == NULL)
		return 0;
	if (c->sess != NULL)
		SSL_SESSION_free(c->sess);
	c->sess = sess;
	return 1; /* the reference is ours now */
}

int btls_init(struct bench *b, char *err, size_t errsize)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (ctx == NULL)
		goto fail;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	if (b->tls12)
		SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
	/* Thousands of idle sessions: no 16 KB record buffers between records. */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (b->cafile != NULL) {
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
		if (SSL_CTX_load_verify_locations(ctx, b->cafile, NULL) != 1)
			goto fail;
	}
	SSL_CTX_set_session_cache_mode(ctx, b->resume ? SSL_SESS_CACHE_CLIENT |
				       SSL_SESS_CACHE_NO_INTERNAL_STORE : SSL_SESS_CACHE_OFF);
	if (b->resume)
		SSL_CTX_sess_set_new_cb(ctx, new_session);
	else
		SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	b->ssl_ctx = ctx;
	return 0;
fail:
	ERR_error_string_n(ERR_get_error(), err, errsize);
	ERR_clear_error();
	SSL_CTX_free(ctx);
	return -1;
}

void btls_free(struct bench *b)
{
	SSL_CTX_free(b->ssl_ctx);
	b->ssl_ctx = NULL;
}

/* Fails the session with OpenSSL's reason: the certificate check first, else the error queue. */
static void fail_tls(struct bench *b, struct bconn *c, const char *what)
{
	char why[160], e[120] = "connection closed";
	long v = c->ssl != NULL && c->hs && b->cafile ? SSL_get_verify_result(c->ssl) : X509_V_OK;
	unsigned long code = ERR_get_error();

	if (v != X509_V_OK)
		snprintf(e, sizeof(e), "certificate: %s", X509_verify_cert_error_string(v));
	else if (code != 0)
		ERR_error_string_n(code, e, sizeof(e));
	ERR_clear_error();
	snprintf(why, sizeof(why), "%s: %s", what, e);
	/* A resumed session that failed is not offered again. */
	if (c->sess != NULL)
		SSL_SESSION_free(c->sess);
	c->sess = NULL;
	conn_fail(b, c, F_TLS, why);
}

/* After an SSL call returned ret <= 0: -1 when it only has to wait (the events it waits for
 * are set), -2 when the session failed (counted), 0 on a clean close_notify. */
static int want(struct bench *b, struct bconn *c, int ret, const char *what)
{
	int e = SSL_get_error(c->ssl, ret);

	if (e == SSL_ERROR_WANT_READ) {
		conn_watch(b, c, EPOLLIN | (c->outlen ? EPOLLOUT : 0));
		return -1;
	}
	if (e == SSL_ERROR_WANT_WRITE) {
		conn_watch(b, c, EPOLLIN | EPOLLOUT);
		return -1;
	}
	if (e == SSL_ERROR_ZERO_RETURN)
		return 0;
	if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
		char why[120];

		snprintf(why, sizeof(why), "%s: %s", what, errno ? strerror(errno) : "connection closed");
		conn_fail(b, c, c->pc == 0 && c->hs ? F_CONNECT : F_CLOSED, why);
		return -2;
	}
	fail_tls(b, c, what);
	return -2;
}

/*
 * A connection that streams big RETRs (bigretr, stream) reads ahead: one read() takes a
 * record's header, its body and what follows, up to one record's buffer (not the 5-octet
 * header, then the rest), and the buffer is kept between records.  A larger read-ahead
 * buffer costs more than it saves: OpenSSL 3.0 moves what is left in it to its start
 * before each record.
 */
static void stream_mode(SSL *ssl)
{
	SSL_clear_mode(ssl, SSL_MODE_RELEASE_BUFFERS);
	SSL_set_read_ahead(ssl, 1);
}

int btls_begin(struct bench *b, struct bconn *c)
{
	ERR_clear_error();
	c->ssl = SSL_new(b->ssl_ctx);
	if (c->ssl == NULL || SSL_set_fd(c->ssl, c->fd) != 1) {
		fail_tls(b, c, "TLS setup");
		return -1;
	}
	SSL_set_app_data(c->ssl, c);
	if (b->cafile != NULL)
		X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), b->host);
	if (c->sess != NULL)
		SSL_set_session(c->ssl, c->sess);
	if (b->bufsize >= STREAM_BUFSIZE)
		stream_mode(c->ssl);
	c->hs = 1;
	return 0;
}

int btls_handshake(struct bench *b, struct bconn *c)
{
	int r;

	ERR_clear_error();
	r = SSL_connect(c->ssl);
	if (r <= 0)
		return want(b, c, r, "TLS handshake") == -1 ? 0 : -1;
	c->hs = 0;
	if (SSL_session_reused(c->ssl))
		b->tls_resumed++;
	else
		b->tls_full++;
	if (!b->tls_version[0])
		snprintf(b->tls_version, sizeof(b->tls_version), "%s %s",
			 SSL_get_version(c->ssl), SSL_get_cipher_name(c->ssl));
	return 1;
}

long btls_read(struct bench *b, struct bconn *c, char *buf, size_t n)
{
	int r;

	ERR_clear_error();
	r = SSL_read(c->ssl, buf, n > INT32_MAX ? INT32_MAX : (int)n);
	if (r > 0)
		return r;
	return want(b, c, r, "TLS read");
}

long btls_write(struct bench *b, struct bconn *c, const char *buf, size_t n)
{
	int r;

	ERR_clear_error();
	r = SSL_write(c->ssl, buf, (int)n);
	if (r > 0)
		return r;
	r = want(b, c, r, "TLS write");
	if (r == 0) {
		conn_fail(b, c, F_CLOSED, "TLS write: closed by the server");
		return -2;
	}
	return r;
}

void btls_end(struct bconn *c, int clean)
{
	if (c->ssl == NULL)
		return;
	/* close_notify, best effort: the socket does not block.  Without it OpenSSL takes the
	 * session for a broken one, and it is not offered again. */
	if (clean)
		SSL_shutdown(c->ssl);
	else
		btls_forget(c);
	SSL_free(c->ssl);
	c->ssl = NULL;
	c->hs = 0;
}

void btls_forget(struct bconn *c)
{
	if (c->sess != NULL)
		SSL_SESSION_free(c->sess);
	c->sess = NULL;
}
