/* stats.c: latency percentiles, the common result fields, and one-line JSON output. */
#include "pop3bench.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lat_add(struct lat *l, double seconds)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4096;
		double *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return; /* a lost sample is better than a lost run */
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = seconds;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double lat_pct(struct lat *l, double p)
{
	size_t i;

	if (l->n == 0)
		return 0;
	qsort(l->v, l->n, sizeof(*l->v), by_value);
	i = (size_t)ceil(p / 100.0 * (double)l->n);
	if (i > 0)
		i--;
	return l->v[i < l->n ? i : l->n - 1];
}

void lat_free(struct lat *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int json_fields; /* fields printed so far on the current line */

void json_begin(const char *workload)
{
	json_fields = 0;
	fputc('{', stdout);
	json_str("workload", workload);
}

static void json_key(const char *key)
{
	printf("%s\"%s\": ", json_fields++ ? ", " : "", key);
}

void json_num(const char *key, double v)
{
	json_key(key);
	if (isfinite(v))
		printf("%.6g", v);
	else
		fputs("null", stdout);
}

void json_int(const char *key, long long v)
{
	json_key(key);
	printf("%lld", v);
}

void json_str(const char *key, const char *v)
{
	json_key(key);
	fputc('"', stdout);
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			printf("\\%c", *v);
		else if ((unsigned char)*v < 0x20)
			printf("\\u%04x", *v);
		else
			fputc(*v, stdout);
	}
	fputc('"', stdout);
}

/* Successes per step, failures per kind, the total of failures and the first failure. */
void json_counters(const struct bench *b)
{
	static const char *steps[ST_COUNT] = { "greet", "user", "pass", "stat", "list",
					       "uidl",  "retr", "idle", "noop", "quit", "stls" };
	static const char *fails[F_COUNT] = { "connect", "err", "format", "size", "closed",
					      "timeout", "tls" };
	char key[32];
	uint64_t total = 0;

	for (int s = 0; s < ST_COUNT; s++) {
		if (s == ST_IDLE)
			continue;
		snprintf(key, sizeof(key), "ok_%s", steps[s]);
		json_int(key, (long long)b->ok_steps[s]);
	}
	for (int f = 0; f < F_COUNT; f++) {
		snprintf(key, sizeof(key), "fail_%s", fails[f]);
		json_int(key, (long long)b->fails[f]);
		total += b->fails[f];
	}
	if (b->tls != TLS_NONE) {
		json_int("tls_full", (long long)b->tls_full);
		json_int("tls_resumed", (long long)b->tls_resumed);
		json_str("tls_version", b->tls_version);
	}
	json_int("errors", (long long)total);
	json_str("first_error", b->first_error);
}

void json_end(void)
{
	fputs("}\n", stdout);
	fflush(stdout);
}

void cpu_mark(struct cpumark *m, int server_pid)
{
	m->t = now_s();
	m->self = proc_self_cpu();
	m->server = server_pid > 0 ? proc_tree_cpu(server_pid) : -1;
}

/* Elapsed seconds and the CPU seconds that the server tree and this process used since m. */
void json_cpu(const struct cpumark *m, int server_pid)
{
	struct cpumark e;

	cpu_mark(&e, server_pid);
	json_num("elapsed_s", e.t - m->t);
	json_num("cpu_bench_s", e.self - m->self);
	if (server_pid > 0 && m->server >= 0 && e.server >= 0)
		json_num("cpu_server_s", e.server - m->server);
}
