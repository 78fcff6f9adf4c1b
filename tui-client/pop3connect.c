/* Opening and closing a POP3 session: connect (through the caller's wait), TLS, STLS, the greeting. */
#include "pop3client.h"
#include "pop3client_int.h"

#include "conn.h"
#include "net.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int greeting(struct pop3c *c, char *err, size_t errsize)
{
	int r = pop3c_read_status(c);

	if (r != POP3C_OK) {
		snprintf(err, errsize, "%s", r == POP3C_ERR ? c->reply : c->error);
		return -1;
	}
	return 0;
}

int pop3c_open_fd(int fd, int timeout_s, struct pop3c **c_r, char *err, size_t errsize)
{
	struct pop3c *c = calloc(1, sizeof(*c));

	if (c == NULL || (c->conn = conn_new(fd, timeout_s)) == NULL) {
		free(c);
		snprintf(err, errsize, "out of memory");
		return -1;
	}
	c->timeout_s = timeout_s;
	if (greeting(c, err, errsize) < 0) {
		pop3c_close(c);
		return -1;
	}
	*c_r = c;
	return 0;
}

/* Connect (through w's waits) and wrap the socket; 0, or -1 with the reason in err. */
static int open_conn(const char *host, const char *port, int timeout_s, const struct pop3c_wait *w,
		     struct pop3c **c_r, char *err, size_t errsize)
{
	int has_wait = w != NULL && w->fn != NULL;
	int fd = net_connect_wait(host, port, timeout_s * 1000, has_wait ? w->fn : NULL,
				  has_wait ? w->arg : NULL, err, errsize);

	if (fd < 0)
		return -1;
	net_nodelay(fd);
	struct pop3c *c = calloc(1, sizeof(*c));

	if (c == NULL || (c->conn = conn_new(fd, timeout_s)) == NULL) {
		free(c);
		close(fd);
		snprintf(err, errsize, "out of memory");
		return -1;
	}
	c->timeout_s = timeout_s;
	if (has_wait)
		conn_set_wait(c->conn, w->fn, w->arg);
	*c_r = c;
	return 0;
}

int pop3c_connect(const char *host, const char *port, int timeout_s, const struct pop3c_wait *w,
		  struct pop3c **c_r, char *err, size_t errsize)
{
	struct pop3c *c;

	if (open_conn(host, port, timeout_s, w, &c, err, errsize) < 0)
		return -1;
	if (greeting(c, err, errsize) < 0) {
		pop3c_close(c);
		return -1;
	}
	*c_r = c;
	return 0;
}

int pop3c_connect_tls(const char *host, const char *port, int timeout_s, const struct pop3c_wait *w,
		      struct ssl_ctx_st *ctx, struct pop3c **c_r, char *err, size_t errsize)
{
	char why[400];
	struct pop3c *c;

	if (open_conn(host, port, timeout_s, w, &c, err, errsize) < 0)
		return -1;
	if (conn_tls_connect(c->conn, ctx, host, why, sizeof(why)) < 0) {
		snprintf(err, errsize, "%s port %s: %s", host, port, why);
		pop3c_close(c);
		return -1;
	}
	if (greeting(c, err, errsize) < 0) {
		pop3c_close(c);
		return -1;
	}
	*c_r = c;
	return 0;
}

int pop3c_stls(struct pop3c *c, struct ssl_ctx_st *ctx, const char *host)
{
	char why[400];
	int r = pop3c_simple(c, "STLS");

	if (r != POP3C_OK)
		return r;
	if (conn_tls_connect(c->conn, ctx, host, why, sizeof(why)) < 0)
		return pop3c_fail(c, why);
	c->pipelining = c->uidl = 0;
	return POP3C_OK;
}

void pop3c_set_wait(struct pop3c *c, const struct pop3c_wait *w)
{
	if (w != NULL && w->fn != NULL)
		conn_set_wait(c->conn, w->fn, w->arg);
}

unsigned long long pop3c_bytes_in(const struct pop3c *c)
{
	return conn_bytes_in(c->conn);
}

void pop3c_close(struct pop3c *c)
{
	if (c == NULL)
		return;
	conn_free(c->conn);
	free(c);
}
