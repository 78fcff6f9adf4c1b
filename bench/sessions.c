/* sessions.c: the sessions workload (clients looping full sessions) and bigbox (timed logins). */
#include "pop3bench.h"

#include <stdio.h>

/* State of a sessions run. */
struct sess {
	double end;        /* no session is counted or started after this */
	uint64_t done;     /* sessions completed before end */
	struct lat lat;    /* their durations, connect to QUIT reply */
};

static void sess_ended(struct bench *b, struct bconn *c, int ok, double now)
{
	struct sess *s = b->wl;

	if (!ok || now > s->end)
		return; /* failed slots are restarted by the tick, to keep failures from recursing */
	s->done++;
	lat_add(&s->lat, now - c->t_conn);
	conn_start(b, c, now);
}

static void sess_tick(struct bench *b, double now)
{
	struct sess *s = b->wl;

	if (now >= s->end) {
		b->stop = 1; /* sessions still in flight are dropped uncounted */
		return;
	}
	for (int i = 0; i < b->nconns; i++)
		if (b->conns[i].fd < 0)
			conn_start(b, &b->conns[i], now);
}

static const struct driver sess_driver = { NULL, sess_ended, sess_tick };

int wl_sessions(struct bench *b, const struct wopts *o)
{
	static const enum step script[] = { ST_GREET, ST_USER, ST_PASS, ST_STAT,
					    ST_LIST,  ST_UIDL, ST_RETR, ST_RETR, ST_RETR, ST_QUIT };
	struct sess s = { 0 };
	struct cpumark m;
	double start;

	bench_script(b, script, (int)(sizeof(script) / sizeof(script[0])));
	b->retr_cycle = 3;
	b->bufsize = 64 * 1024;
	b->tick_every = 0.01;
	b->drv = &sess_driver;
	b->wl = &s;
	if (bench_init(b, o->clients) < 0)
		return -1;
	cpu_mark(&m, b->server_pid);
	start = now_s();
	s.end = start + o->duration;
	bench_loop(b, start + o->max_time);
	json_begin("sessions");
	json_int("clients", o->clients);
	json_num("duration_s", o->duration);
	json_int("sessions", (long long)s.done);
	json_num("sessions_per_s", (double)s.done / o->duration);
	json_num("p50_ms", lat_pct(&s.lat, 50) * 1000);
	json_num("p99_ms", lat_pct(&s.lat, 99) * 1000);
	json_cpu(&m, b->server_pid);
	json_counters(b);
	json_end();
	lat_free(&s.lat);
	bench_free(b);
	return 0;
}

/* State of a bigbox run: one login after another. */
struct box {
	int want;          /* logins to make */
	int made;          /* logins completed */
	struct lat stat;   /* connect to STAT +OK, first login excluded */
	struct lat list;   /* connect to end of LIST, first login excluded */
	double first_stat;
	double first_list;
	uint64_t nmsg;
};

static void box_step(struct bench *b, struct bconn *c, enum step s, double now)
{
	struct box *x = b->wl;
	double t = now - c->t_conn;

	if (s == ST_STAT) {
		x->nmsg = c->nmsg;
		if (x->made == 0)
			x->first_stat = t;
		else
			lat_add(&x->stat, t);
	} else if (s == ST_LIST) {
		if (x->made == 0)
			x->first_list = t;
		else
			lat_add(&x->list, t);
	}
}

static void box_ended(struct bench *b, struct bconn *c, int ok, double now)
{
	struct box *x = b->wl;

	if (!ok || ++x->made >= x->want) {
		b->stop = 1;
		return;
	}
	conn_start(b, c, now);
}

static const struct driver box_driver = { box_step, box_ended, NULL };

int wl_bigbox(struct bench *b, const struct wopts *o)
{
	static const enum step script[] = { ST_GREET, ST_USER, ST_PASS, ST_STAT, ST_LIST, ST_QUIT };
	struct box x = { .want = o->logins };
	struct cpumark m;

	bench_script(b, script, (int)(sizeof(script) / sizeof(script[0])));
	b->bufsize = 256 * 1024;
	b->tick_every = 0.1;
	b->drv = &box_driver;
	b->wl = &x;
	if (bench_init(b, 1) < 0)
		return -1;
	cpu_mark(&m, b->server_pid);
	conn_start(b, &b->conns[0], now_s());
	bench_loop(b, now_s() + o->max_time);
	json_begin("bigbox");
	json_int("messages", (long long)x.nmsg);
	json_int("logins", x.made);
	json_num("first_stat_ms", x.first_stat * 1000);
	json_num("first_list_ms", x.first_list * 1000);
	json_num("later_stat_ms", lat_pct(&x.stat, 50) * 1000);
	json_num("later_list_ms", lat_pct(&x.list, 50) * 1000);
	json_num("later_stat_max_ms", lat_pct(&x.stat, 100) * 1000);
	json_num("later_list_max_ms", lat_pct(&x.list, 100) * 1000);
	json_cpu(&m, b->server_pid);
	json_counters(b);
	json_end();
	lat_free(&x.stat);
	lat_free(&x.list);
	bench_free(b);
	return 0;
}
