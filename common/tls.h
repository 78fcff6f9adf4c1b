/* TLS contexts (OpenSSL 3): TLS 1.2 and 1.3 only.  Connections use them through conn_tls_*. */
#ifndef TLS_H
#define TLS_H

#include <stddef.h>

struct ssl_ctx_st;

/* A server context from PEM files; NULL with a one-line reason in err. */
struct ssl_ctx_st *tls_server_ctx(const char *cert, const char *key, char *err, size_t errsize);
/*
 * A client context that verifies the server against the system store, or cafile
 * when given; insecure turns verification off.  NULL with a reason in err.
 */
struct ssl_ctx_st *tls_client_ctx(const char *cafile, int insecure, char *err, size_t errsize);
void tls_ctx_free(struct ssl_ctx_st *ctx);

/* The server's context and the files it came from, which a reload reads again. */
struct tls_server;

/* Load cert and key; NULL with a one-line reason in err. */
struct tls_server *tls_server_new(const char *cert, const char *key, char *err, size_t errsize);
/*
 * Read the files again and use them for every handshake from now on; connections
 * already in TLS keep the context they started with.  -1 with a reason in err when
 * the files do not load: the old context stays in force.
 */
int tls_server_reload(struct tls_server *t, char *err, size_t errsize);
/* The current context, with a reference of the caller's own (drop it with tls_ctx_free). */
struct ssl_ctx_st *tls_server_get(struct tls_server *t);
/* The certificate file's name, for the log. */
const char *tls_server_cert_path(const struct tls_server *t);
/*
 * Bulk output (a RETR): the connection's TLS records are gathered in a buffer of size
 * octets under OpenSSL and leave in few large writes, not one write per 16 KB record.
 * tls_bulk_begin: 0, or -1 (nothing changed, records go out one by one as before).
 * tls_bulk_flush: 1 all sent, else what SSL_get_error makes of it (retry the call).
 * tls_bulk_end: the socket takes the writes again; flush first, or what is left is lost.
 */
struct ssl_st;
int tls_bulk_begin(struct ssl_st *ssl, size_t size);
int tls_bulk_flush(struct ssl_st *ssl);
void tls_bulk_end(struct ssl_st *ssl);
/* The last OpenSSL error of this thread as text (and clears the queue). */
void tls_error_string(char *buf, size_t size);
/* Forget OpenSSL's errors queued on this thread (a reused thread starts clean). */
void tls_clear_thread_errors(void);

#endif
