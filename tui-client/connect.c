/* Opening a session as the options ask: plain, implicit TLS or STLS, then CAPA. */
#include "connect.h"

#include "tls.h"

#include <stdio.h>

int connect_session(const struct client_opts *o, const struct pop3c_wait *w, struct pop3c **pc_r,
		    char *err, size_t errsize)
{
	struct ssl_ctx_st *ctx = NULL;
	struct pop3c *pc = NULL;
	int ret = -1;

	if ((o->tls || o->starttls) && (ctx = tls_client_ctx(o->cafile, o->insecure, err, errsize)) == NULL)
		goto out;
	if ((o->tls ? pop3c_connect_tls(o->host, o->port, o->timeout, w, ctx, &pc, err, errsize)
		    : pop3c_connect(o->host, o->port, o->timeout, w, &pc, err, errsize)) < 0)
		goto out;
	if (o->starttls && pop3c_stls(pc, ctx, o->host) != POP3C_OK) {
		snprintf(err, errsize, "%s: STLS failed: %s", o->host, pop3c_error(pc));
		goto out;
	}
	if (pop3c_capa(pc) == POP3C_FAIL) {
		snprintf(err, errsize, "%s: %s", o->host, pop3c_error(pc));
		goto out;
	}
	*pc_r = pc;
	pc = NULL;
	ret = 0;
out:
	pop3c_close(pc);
	tls_ctx_free(ctx);	/* connections keep their own reference */
	return ret;
}
