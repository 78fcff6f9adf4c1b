/* main.c: pop3bench's command line: pick a workload, set its options, raise the fd limit. */
#include "pop3bench.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static void usage(FILE *f)
{
	fputs("usage: pop3bench [options] WORKLOAD\n"
	      "workloads: sessions | hold | bigbox | bigretr | stream | ceiling\n"
	      "  -H, --host ADDR      server IPv4 address (127.0.0.1)\n"
	      "  -p, --port N         server port (110)\n"
	      "  -u, --user NAME      USER (bench);  -w, --pass WORD  PASS (bench)\n"
	      "  -P, --pid PID        server PID: sample its process tree's CPU and memory\n"
	      "  -c, --clients N      concurrent connections (sessions 1, hold 10000)\n"
	      "  -d, --duration S     sessions: seconds of load (10); hold: login deadline (60)\n"
	      "  -i, --idle S         hold: idle seconds between STAT and NOOP (15)\n"
	      "  -L, --inflight N     hold: logins in progress at once (1000)\n"
	      "  -n, --logins N       bigbox: sequential logins (5); bigretr: sessions one after\n"
	      "                       another, each with -r RETRs (1)\n"
	      "  -r, --reps N         bigretr/ceiling: repetitions (5; stream 1)\n"
	      "  -s, --size BYTES     ceiling: bytes per stream (100000000)\n"
	      "  -t, --timeout S      seconds a reply may take (30)\n"
	      "  -T, --max-time S     hard bound for the whole workload (120)\n"
	      "  -S, --sample S       stream: seconds between RSS samples (0.005)\n"
	      "      --tls MODE       implicit (TLS from the first byte) or stls (STLS first)\n"
	      "      --tls12          TLS 1.2 at most (else 1.3 when the server has it)\n"
	      "      --resume         each client offers its last session again (tickets)\n"
	      "      --cafile FILE    verify the server's certificate and address against FILE\n"
	      "Prints one JSON line of results; exit 0 when there were no errors, 1 otherwise.\n",
	      f);
}

static const struct option longopts[] = {
	{ "host", 1, NULL, 'H' },    { "port", 1, NULL, 'p' },     { "user", 1, NULL, 'u' },
	{ "pass", 1, NULL, 'w' },    { "pid", 1, NULL, 'P' },      { "clients", 1, NULL, 'c' },
	{ "duration", 1, NULL, 'd' }, { "idle", 1, NULL, 'i' },    { "inflight", 1, NULL, 'L' },
	{ "logins", 1, NULL, 'n' },  { "reps", 1, NULL, 'r' },     { "size", 1, NULL, 's' },
	{ "timeout", 1, NULL, 't' }, { "max-time", 1, NULL, 'T' }, { "sample", 1, NULL, 'S' },
	{ "tls", 1, NULL, 'X' },     { "tls12", 0, NULL, '2' },    { "resume", 0, NULL, 'R' },
	{ "cafile", 1, NULL, 'C' },  { "help", 0, NULL, 'h' },     { NULL, 0, NULL, 0 }
};

/* Options that only the workloads read. */
struct cli {
	struct wopts w;
	uint64_t size;
	int clients_set;
	int reps_set;
	int duration_set;
	int logins_set;
};

static int parse_opt(int ch, struct bench *b, struct cli *cl)
{
	switch (ch) {
	case 'H': b->host = optarg; break;
	case 'p': b->port = atoi(optarg); break;
	case 'u': b->user = optarg; break;
	case 'w': b->pass = optarg; break;
	case 'P': b->server_pid = atoi(optarg); break;
	case 'c': cl->w.clients = atoi(optarg); cl->clients_set = 1; break;
	case 'd': cl->w.duration = atof(optarg); cl->duration_set = 1; break;
	case 'i': cl->w.idle = atof(optarg); break;
	case 'L': cl->w.inflight = atoi(optarg); break;
	case 'n': cl->w.logins = atoi(optarg); cl->logins_set = 1; break;
	case 'r': cl->w.reps = atoi(optarg); cl->reps_set = 1; break;
	case 's': cl->size = strtoull(optarg, NULL, 10); break;
	case 't': b->step_timeout = atof(optarg); break;
	case 'T': cl->w.max_time = atof(optarg); break;
	case 'S': cl->w.sample = atof(optarg); break;
	case 'X':
		if (strcmp(optarg, "implicit") == 0)
			b->tls = TLS_IMPLICIT;
		else if (strcmp(optarg, "stls") == 0)
			b->tls = TLS_STLS;
		else
			return -1;
		break;
	case '2': b->tls12 = 1; break;
	case 'R': b->resume = 1; break;
	case 'C': b->cafile = optarg; break;
	case 'h': usage(stdout); exit(0);
	default: return -1;
	}
	return 0;
}

static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int run(struct bench *b, struct cli *cl, const char *wl)
{
	if (strcmp(wl, "sessions") == 0)
		return wl_sessions(b, &cl->w);
	if (strcmp(wl, "hold") == 0) {
		cl->w.clients = cl->clients_set ? cl->w.clients : 10000;
		cl->w.duration = cl->duration_set ? cl->w.duration : 60;
		return wl_hold(b, &cl->w);
	}
	if (strcmp(wl, "bigbox") == 0)
		return wl_bigbox(b, &cl->w);
	if (strcmp(wl, "bigretr") == 0) {
		cl->w.logins = cl->logins_set ? cl->w.logins : 1;
		return wl_retr(b, &cl->w, 0);
	}
	if (strcmp(wl, "stream") == 0) {
		cl->w.reps = cl->reps_set ? cl->w.reps : 1;
		cl->w.logins = 1;
		return wl_retr(b, &cl->w, 1);
	}
	if (strcmp(wl, "ceiling") == 0)
		return wl_ceiling(cl->size, cl->w.reps, 1024 * 1024);
	fprintf(stderr, "pop3bench: unknown workload %s\n", wl);
	return -1;
}

int main(int argc, char **argv)
{
	struct bench b = { .host = "127.0.0.1", .port = 110, .user = "bench", .pass = "bench",
			   .epfd = -1, .step_timeout = 30 };
	struct cli cl = { .w = { .clients = 1, .duration = 10, .idle = 15, .inflight = 1000,
				 .logins = 5, .reps = 5, .sample = 0.005, .max_time = 120 },
			  .size = 100000000 };
	uint64_t errors = 0;
	char err[160];
	int ch;

	while ((ch = getopt_long(argc, argv, "H:p:u:w:P:c:d:i:L:n:r:s:t:T:S:h", longopts, NULL)) !=
	       -1) {
		if (parse_opt(ch, &b, &cl) < 0) {
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1 || cl.w.clients < 1 || cl.w.reps < 1 || cl.w.logins < 1) {
		usage(stderr);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	raise_nofile();
	if (b.tls != TLS_NONE && btls_init(&b, err, sizeof(err)) < 0) {
		fprintf(stderr, "pop3bench: TLS: %s\n", err);
		return 2;
	}
	if (run(&b, &cl, argv[optind]) < 0) {
		perror("pop3bench");
		return 2;
	}
	btls_free(&b);
	for (int f = 0; f < F_COUNT; f++)
		errors += b.fails[f];
	return errors ? 1 : 0;
}
