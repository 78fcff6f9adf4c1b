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
/* The last OpenSSL error of this thread as text (and clears the queue). */
void tls_error_string(char *buf, size_t size);

#endif
