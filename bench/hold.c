/* hold.c: the hold workload: many sessions log in, STAT, stay idle, then NOOP and QUIT. */
#include "pop3bench.h"

#include <stdio.h>

enum hold_phase { HP_LOGIN, HP_IDLE, HP_END };

/* State of a hold run. */
struct hold {
	enum hold_phase phase;
	int inflight_max;   /* logins in progress at once */
	int started;        /* connections started so far */
	int inflight;       /* started, not yet idle or failed */
	double t_first;     /* first connect */
	double t_last_pass; /* last PASS +OK */
	double t_last_stat; /* last STAT +OK */
	double login_end;   /* logins still in flight then are failed */
	double idle_until;  /* when NOOP is sent */
	double pss_at;      /* when the holding memory is sampled */
	long pss_idle_kb;
	long pss_hold_kb;
	int procs_hold;
	double idle;
};

static void hold_step(struct bench *b, struct bconn *c, enum step s, double now)
{
	struct hold *h = b->wl;

	(void)c;
	if (s == ST_PASS)
		h->t_last_pass = now;
	if (s == ST_STAT) {
		h->t_last_stat = now;
		h->inflight--;
	}
}

static void hold_ended(struct bench *b, struct bconn *c, int ok, double now)
{
	struct hold *h = b->wl;

	(void)ok;
	(void)now;
	/* A connection that failed before STAT frees its login slot. */
	if (h->phase == HP_LOGIN && c->pc <= bench_step_index(b, ST_STAT))
		h->inflight--;
}

/* Starts connections while fewer than inflight_max logins are in progress. */
static void start_more(struct bench *b, struct hold *h, double now)
{
	while (h->started < b->nconns && h->inflight < h->inflight_max) {
		struct bconn *c = &b->conns[h->started++];

		h->inflight++;
		conn_start(b, c, now);
	}
}

/* Ends the login phase: stragglers fail, the idle time starts. */
static void to_idle(struct bench *b, struct hold *h, double now)
{
	for (int i = 0; i < b->nconns; i++) {
		struct bconn *c = &b->conns[i];

		if (c->fd >= 0 && b->script[c->pc] != ST_IDLE)
			conn_fail(b, c, F_TIMEOUT, "not logged in by the login deadline");
	}
	h->phase = HP_IDLE;
	h->idle_until = now + h->idle;
	h->pss_at = now + (h->idle > 4 ? 2 : h->idle / 2);
}

/* Wakes every idle connection: its script goes on with NOOP and QUIT. */
static void release(struct bench *b, double now)
{
	for (int i = 0; i < b->nconns; i++) {
		struct bconn *c = &b->conns[i];

		if (c->fd >= 0 && b->script[c->pc] == ST_IDLE) {
			c->pc++;
			conn_next(b, c, now);
		}
	}
}

static void hold_tick(struct bench *b, double now)
{
	struct hold *h = b->wl;

	if (h->phase == HP_LOGIN) {
		start_more(b, h, now);
		if ((h->started == b->nconns && h->inflight <= 0) || now >= h->login_end)
			to_idle(b, h, now);
	} else if (h->phase == HP_IDLE) {
		if (h->pss_at > 0 && now >= h->pss_at) {
			h->pss_at = 0;
			if (b->server_pid > 0) {
				h->pss_hold_kb = proc_tree_pss_kb(b->server_pid);
				h->procs_hold = proc_tree_count(b->server_pid);
			}
		}
		if (now >= h->idle_until) {
			h->phase = HP_END;
			release(b, now);
		}
	} else if (b->active == 0) {
		b->stop = 1;
	}
}

static const struct driver hold_driver = { hold_step, hold_ended, hold_tick };

static void hold_report(const struct bench *b, const struct hold *h, const struct cpumark *m)
{
	uint64_t held = b->ok_steps[ST_STAT];

	json_begin("hold");
	json_int("clients", b->nconns);
	json_num("idle_s", h->idle);
	json_int("inflight", h->inflight_max);
	json_num("login_all_s", held ? h->t_last_pass - h->t_first : -1);
	json_num("stat_all_s", held ? h->t_last_stat - h->t_first : -1);
	json_int("pss_idle_kb", h->pss_idle_kb);
	json_int("pss_hold_kb", h->pss_hold_kb);
	json_int("procs_hold", h->procs_hold);
	if (held && h->pss_hold_kb > 0)
		json_num("kb_per_session", (double)(h->pss_hold_kb - h->pss_idle_kb) / (double)held);
	json_cpu(m, b->server_pid);
	json_counters(b);
	json_end();
}

int wl_hold(struct bench *b, const struct wopts *o)
{
	static const enum step script[] = { ST_GREET, ST_USER, ST_PASS, ST_STAT,
					    ST_IDLE,  ST_NOOP, ST_QUIT };
	struct hold h = { .inflight_max = o->inflight, .idle = o->idle };
	struct cpumark m;
	double start;

	bench_script(b, script, (int)(sizeof(script) / sizeof(script[0])));
	b->bufsize = 1024;
	b->tick_every = 0.01;
	b->drv = &hold_driver;
	b->wl = &h;
	if (bench_init(b, o->clients) < 0)
		return -1;
	if (b->server_pid > 0)
		h.pss_idle_kb = proc_tree_pss_kb(b->server_pid);
	cpu_mark(&m, b->server_pid);
	start = now_s();
	h.t_first = start;
	h.login_end = start + o->duration;
	bench_loop(b, start + o->max_time);
	hold_report(b, &h, &m);
	bench_free(b);
	return 0;
}
