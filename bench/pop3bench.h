/* pop3bench.h: shared types of the POP3 load generator (connections, scripts, results). */
#ifndef POP3BENCH_H
#define POP3BENCH_H

#include <stddef.h>
#include <stdint.h>

/* A session is a script of steps; each step sends one command and checks its reply. */
enum step {
	ST_GREET, /* wait for the greeting */
	ST_USER,
	ST_PASS,
	ST_STAT,
	ST_LIST,
	ST_UIDL,
	ST_RETR,
	ST_IDLE, /* no traffic until the workload releases the connection */
	ST_NOOP,
	ST_QUIT,
	ST_STLS, /* STLS, then the handshake */
	ST_COUNT
};

/* Why a session failed; each kind has its own counter. */
enum fail {
	F_CONNECT, /* refused, reset or closed before the greeting */
	F_ERR,     /* a -ERR or anything that is not +OK */
	F_FORMAT,  /* malformed reply: bad line ending, bad LIST/UIDL line, too long */
	F_SIZE,    /* RETR payload size differs from LIST, or LIST differs from STAT */
	F_CLOSED,  /* the server closed the connection mid-session */
	F_TIMEOUT, /* no complete reply within the step timeout */
	F_TLS,     /* handshake refused, certificate not trusted, bad or cut record */
	F_COUNT
};

/* How the bytes in a connection's buffer are being read. */
enum rmode {
	RM_LINE,  /* one status line */
	RM_LINES, /* status line done; LIST/UIDL lines until "." */
	RM_BODY   /* status line done; message body until "." */
};

#define SCRIPT_MAX 32 /* steps in one session script */
#define SIZES_MAX 3   /* LIST sizes kept for RETR checks */

struct bench;
struct ssl_st;
struct ssl_ctx_st;
struct ssl_session_st;

/* How a connection speaks TLS. */
enum tls_mode {
	TLS_NONE,
	TLS_IMPLICIT, /* the handshake right after connect (port 995) */
	TLS_STLS      /* STLS after the greeting, then the handshake */
};

/* One client connection and everything its current session has learned. */
struct bconn {
	int fd;           /* -1 when not connected */
	int pc;           /* index of the current step in the script */
	int retr_done;    /* RETRs completed in this session */
	enum rmode mode;  /* reading the status line, lines or body */
	char *buf;        /* read buffer of bench->bufsize bytes */
	size_t start;     /* first unconsumed byte */
	size_t end;       /* one past the last received byte */
	char prev[2];     /* last two consumed body bytes, for line-start checks */
	uint64_t body;    /* body octets consumed, before removing stuffed dots */
	uint64_t dots;    /* stuffed dots removed */
	uint64_t lines;   /* LIST/UIDL lines seen */
	uint64_t sum;     /* sum of LIST sizes */
	uint64_t nmsg;    /* from STAT */
	uint64_t octets;  /* from STAT */
	uint64_t sizes[SIZES_MAX];
	double t_conn;    /* when the session's connect began */
	double t_sent;    /* when the current command was sent */
	size_t outlen;    /* pending command bytes */
	size_t outoff;
	char out[96];
	struct ssl_st *ssl;           /* NULL while in plaintext */
	struct ssl_session_st *sess;  /* the last session the server gave, for resumption */
	int hs;                       /* in a TLS handshake */
};

/* Per-workload hooks: the driver is told about each finished step and each ended session. */
struct driver {
	void (*step_done)(struct bench *b, struct bconn *c, enum step s, double now);
	void (*ended)(struct bench *b, struct bconn *c, int ok, double now);
	void (*tick)(struct bench *b, double now);
};

/* The whole run: options, connections, counters. */
struct bench {
	const char *host;
	int port;
	const char *user;
	const char *pass;
	int server_pid;       /* 0: do not sample the server */
	int epfd;
	struct bconn *conns;
	int nconns;
	size_t bufsize;
	enum step script[SCRIPT_MAX];
	int script_len;
	int retr_cycle;       /* RETR k asks for message ((k-1) % retr_cycle) + 1 */
	double step_timeout;  /* seconds a reply may take */
	double tick_every;    /* seconds between driver ticks */
	double next_tick;
	int stop;             /* the loop ends when set */
	int active;           /* connections open */
	const struct driver *drv;
	void *wl;             /* the workload's own state */
	uint64_t ok_steps[ST_COUNT];
	uint64_t fails[F_COUNT];
	char first_error[160];
	enum tls_mode tls;
	int tls12;            /* TLS 1.2 at most */
	int resume;           /* offer each connection's last session again */
	const char *cafile;   /* verify the server's certificate and address against it */
	struct ssl_ctx_st *ssl_ctx;
	uint64_t tls_full;    /* handshakes completed, full and resumed */
	uint64_t tls_resumed;
	char tls_version[64]; /* protocol and cipher of the first handshake */
};

/* loop.c: epoll loop and connection life. */
double now_s(void);
int bench_init(struct bench *b, int nconns);
void bench_free(struct bench *b);
/* Sets the session script (at most SCRIPT_MAX steps, ending with ST_QUIT). */
void bench_script(struct bench *b, const enum step *steps, int n);
/* Where step s first comes in the script, -1 if nowhere. */
int bench_step_index(const struct bench *b, enum step s);
/* Starts a new session on slot c; 0 or -1 (counted as a connect failure). */
int conn_start(struct bench *b, struct bconn *c, double now);
/* Closes c without counting anything. */
void conn_close(struct bench *b, struct bconn *c);
/* Ends the session with failure kind f and a reason for the first-error text. */
void conn_fail(struct bench *b, struct bconn *c, enum fail f, const char *why);
/* The message number the connection's next RETR asks for. */
int conn_retr_msg(const struct bench *b, const struct bconn *c);
/* Sends the command of the current step, or parks the connection at ST_IDLE. */
void conn_next(struct bench *b, struct bconn *c, double now);
/* Sets the events epoll waits for on c. */
void conn_watch(struct bench *b, struct bconn *c, uint32_t events);
/* Runs until b->stop or until the deadline (absolute seconds); 0, or -1 on epoll failure. */
int bench_loop(struct bench *b, double deadline);

/* tls.c: TLS on the connections; the calls that fail a session have counted it. */
int btls_init(struct bench *b, char *err, size_t errsize);
void btls_free(struct bench *b);
/* A new TLS connection on c->fd, offering c->sess; 0, or -1 after failing the session. */
int btls_begin(struct bench *b, struct bconn *c);
/* One handshake step: 1 done, 0 waiting for the socket, -1 failed. */
int btls_handshake(struct bench *b, struct bconn *c);
/* Bytes read or written (> 0), 0 after a close_notify (reads), -1 waiting for the socket
 * (the events are set), -2 failed. */
long btls_read(struct bench *b, struct bconn *c, char *buf, size_t n);
long btls_write(struct bench *b, struct bconn *c, const char *buf, size_t n);
/* Frees c->ssl; clean sends close_notify and keeps c->sess, otherwise c->sess is dropped. */
void btls_end(struct bconn *c, int clean);
void btls_forget(struct bconn *c);

/* reply.c: reading and checking replies. */
/* Consumes buffered bytes; 1 when the current step's reply is complete and good, 0 when more
 * is needed, -1 when the session failed (already counted). */
int reply_parse(struct bench *b, struct bconn *c);

/* procinfo.c: the server's CPU and memory from /proc. */
/* utime+stime+cutime+cstime of pid and all its descendants, in seconds; -1 if pid is gone. */
double proc_tree_cpu(int pid);
/* Sum of Pss (smaps_rollup) over pid and its descendants in KiB; -1 if pid is gone. */
long proc_tree_pss_kb(int pid);
/* Number of processes in the tree rooted at pid. */
int proc_tree_count(int pid);
/* One "Key:  N kB" value from /proc/PID/status (VmRSS, VmHWM); -1 if unreadable. */
long proc_status_kb(int pid, const char *key);
/* CPU seconds of this process. */
double proc_self_cpu(void);

/* stats.c: latencies and JSON output. */
struct lat {
	double *v;
	size_t n;
	size_t cap;
};
void lat_add(struct lat *l, double seconds);
/* The p-th percentile (0..100) in seconds, 0 when empty. */
double lat_pct(struct lat *l, double p);
void lat_free(struct lat *l);
/* JSON output: json_begin, then fields, then json_end prints one line to stdout. */
void json_begin(const char *workload);
void json_num(const char *key, double v);
void json_int(const char *key, long long v);
void json_str(const char *key, const char *v);
void json_counters(const struct bench *b);
void json_end(void);
/* CPU seconds of this process and of the server tree at one moment. */
struct cpumark {
	double t;
	double self;
	double server;
};
void cpu_mark(struct cpumark *m, int server_pid);
void json_cpu(const struct cpumark *m, int server_pid);

/* workloads: each runs its workload and prints one JSON line; 0 or -1. */
struct wopts {
	int clients;      /* concurrent connections */
	double duration;  /* seconds (sessions) */
	double idle;      /* seconds (hold) */
	int inflight;     /* logins in progress at once (hold) */
	int logins;       /* sequential logins (bigbox) */
	int reps;         /* RETRs of the big message (bigretr) */
	double sample;    /* seconds between RSS samples (stream) */
	double max_time;  /* hard bound for the whole workload */
};
int wl_sessions(struct bench *b, const struct wopts *o);
int wl_hold(struct bench *b, const struct wopts *o);
int wl_bigbox(struct bench *b, const struct wopts *o);
int wl_retr(struct bench *b, const struct wopts *o, int stream);
/* The loopback ceiling: one plain TCP stream of bytes, reps times; prints one JSON line. */
int wl_ceiling(uint64_t bytes, int reps, size_t bufsize);

#endif
