/* retr.c: bigretr (RETR throughput of a big message) and stream (server RSS during a RETR). */
#include "pop3bench.h"

#include <stdio.h>

/* State of a bigretr or stream run. */
struct retr {
	int stream;          /* sample the server's RSS while the RETR runs */
	int logins;          /* sessions to run, one after another */
	int done;            /* sessions ended */
	struct lat rate;     /* MB/s of each RETR */
	uint64_t bytes;      /* payload octets of the last RETR */
	long rss_idle_kb;    /* before connecting */
	long rss_login_kb;   /* logged in, before RETR */
	long rss_max_kb;     /* highest sample during RETR */
	long hwm_kb;         /* VmHWM at the end */
	int samples;
};

static void retr_step(struct bench *b, struct bconn *c, enum step s, double now)
{
	struct retr *r = b->wl;

	if (s == ST_LIST && r->stream && b->server_pid > 0)
		r->rss_login_kb = proc_status_kb(b->server_pid, "VmRSS");
	if (s == ST_RETR) {
		r->bytes = c->body - c->dots;
		lat_add(&r->rate, (double)r->bytes / 1e6 / (now - c->t_sent));
	}
}

/* The next session, on a new connection: a server may place each one differently. */
static void retr_ended(struct bench *b, struct bconn *c, int ok, double now)
{
	struct retr *r = b->wl;

	if (ok && ++r->done < r->logins)
		conn_start(b, c, now);
	else
		b->stop = 1;
}

static void retr_tick(struct bench *b, double now)
{
	struct retr *r = b->wl;
	struct bconn *c = &b->conns[0];
	long kb;

	(void)now;
	if (!r->stream || b->server_pid <= 0 || c->fd < 0 || b->script[c->pc] != ST_RETR)
		return;
	kb = proc_status_kb(b->server_pid, "VmRSS");
	r->samples++;
	if (kb > r->rss_max_kb)
		r->rss_max_kb = kb;
}

static const struct driver retr_driver = { retr_step, retr_ended, retr_tick };

static void retr_report(const struct bench *b, struct retr *r, const struct cpumark *m)
{
	json_begin(r->stream ? "stream" : "bigretr");
	json_int("bytes", (long long)r->bytes);
	json_int("reps", (long long)r->rate.n);
	json_int("sessions", r->logins);
	json_num("mb_per_s", lat_pct(&r->rate, 50));
	json_num("mb_per_s_best", lat_pct(&r->rate, 100));
	if (r->stream) {
		json_int("rss_idle_kb", r->rss_idle_kb);
		json_int("rss_login_kb", r->rss_login_kb);
		json_int("rss_max_kb", r->rss_max_kb);
		json_int("hwm_kb", r->hwm_kb);
		json_int("rss_samples", r->samples);
		json_int("rss_delta_kb", r->rss_max_kb - r->rss_idle_kb);
	}
	json_cpu(m, b->server_pid);
	json_counters(b);
	json_end();
}

int wl_retr(struct bench *b, const struct wopts *o, int stream)
{
	enum step script[SCRIPT_MAX] = { ST_GREET, ST_USER, ST_PASS, ST_STAT, ST_LIST };
	struct retr r = { .stream = stream, .logins = o->logins };
	int n = 5, reps = o->reps < 1 ? 1 : o->reps > 20 ? 20 : o->reps;
	struct cpumark m;

	for (int i = 0; i < reps; i++)
		script[n++] = ST_RETR;
	script[n++] = ST_QUIT;
	bench_script(b, script, n);
	b->retr_cycle = 1;
	b->bufsize = 1024 * 1024;
	b->tick_every = stream ? o->sample : 1.0;
	b->drv = &retr_driver;
	b->wl = &r;
	if (bench_init(b, 1) < 0)
		return -1;
	if (stream && b->server_pid > 0)
		r.rss_idle_kb = proc_status_kb(b->server_pid, "VmRSS");
	cpu_mark(&m, b->server_pid);
	conn_start(b, &b->conns[0], now_s());
	bench_loop(b, now_s() + o->max_time);
	if (stream && b->server_pid > 0)
		r.hwm_kb = proc_status_kb(b->server_pid, "VmHWM");
	retr_report(b, &r, &m);
	lat_free(&r.rate);
	bench_free(b);
	return 0;
}
