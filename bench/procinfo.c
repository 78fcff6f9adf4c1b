/* procinfo.c: CPU time and memory of a process tree, read from /proc. */
#include "pop3bench.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Every process as (pid, ppid, cpu), sorted by pid, gathered once per query. */
struct pent {
	int pid;
	int ppid;
	double cpu;
};

struct ptable {
	struct pent *e;
	int n;
	int cap;
};

/* Fields of /proc/PID/stat after the command name: state is field 3, ppid 4, utime 14. */
static int read_stat(int pid, int *ppid_r, double *cpu_r)
{
	char path[64], buf[1024];
	unsigned long long f[20] = { 0 };
	FILE *fp;
	char *p;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fp = fopen(path, "re");
	if (!fp)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return -1;
	p += 4; /* skip ") S " */
	for (int i = 4; i <= 17 && *p; i++)
		f[i] = strtoull(p, &p, 10);
	*ppid_r = (int)f[4];
	*cpu_r = (double)(f[14] + f[15] + f[16] + f[17]) / (double)sysconf(_SC_CLK_TCK);
	return 0;
}

static int ptable_add(struct ptable *t, const struct pent *e)
{
	if (t->n == t->cap) {
		int cap = t->cap ? t->cap * 2 : 1024;
		struct pent *a = realloc(t->e, (size_t)cap * sizeof(*a));

		if (!a)
			return -1;
		t->e = a;
		t->cap = cap;
	}
	t->e[t->n++] = *e;
	return 0;
}

static int by_pid(const void *a, const void *b)
{
	const struct pent *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static void ptable_load(struct ptable *t)
{
	DIR *d = opendir("/proc");
	struct dirent *de;

	memset(t, 0, sizeof(*t));
	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		struct pent e;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		e.pid = atoi(de->d_name);
		if (read_stat(e.pid, &e.ppid, &e.cpu) == 0 && ptable_add(t, &e) < 0)
			break;
	}
	closedir(d);
	qsort(t->e, (size_t)t->n, sizeof(*t->e), by_pid);
}

/* Whether pid descends from root (or is root). */
static int in_tree(const struct ptable *t, int pid, int root)
{
	for (int depth = 0; depth < 64 && pid > 1; depth++) {
		struct pent key = { .pid = pid };
		const struct pent *e;

		if (pid == root)
			return 1;
		e = bsearch(&key, t->e, (size_t)t->n, sizeof(*t->e), by_pid);
		if (!e)
			return 0;
		pid = e->ppid;
	}
	return pid == root;
}

/* Calls fn for every process of the tree rooted at root; returns how many there were. */
static int tree_walk(int root, void (*fn)(const struct pent *e, void *arg), void *arg)
{
	struct ptable t;
	int count = 0;

	ptable_load(&t);
	for (int i = 0; i < t.n; i++) {
		if (in_tree(&t, t.e[i].pid, root)) {
			fn(&t.e[i], arg);
			count++;
		}
	}
	free(t.e);
	return count;
}

static void add_cpu(const struct pent *e, void *arg)
{
	*(double *)arg += e->cpu;
}

double proc_tree_cpu(int pid)
{
	double sum = 0;

	return tree_walk(pid, add_cpu, &sum) ? sum : -1;
}

/* A "Key: N kB" line of a /proc file, in kB; -1 if absent. */
static long kb_field(const char *path, const char *key)
{
	char line[256];
	size_t klen = strlen(key);
	long v = -1;
	FILE *fp = fopen(path, "re");

	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp)) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			v = strtol(line + klen + 1, NULL, 10);
			break;
		}
	}
	fclose(fp);
	return v;
}

static void add_pss(const struct pent *e, void *arg)
{
	char path[64];
	long v;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", e->pid);
	v = kb_field(path, "Pss");
	if (v > 0)
		*(long *)arg += v;
}

long proc_tree_pss_kb(int pid)
{
	long sum = 0;

	return tree_walk(pid, add_pss, &sum) ? sum : -1;
}

static void count_one(const struct pent *e, void *arg)
{
	(void)e;
	(void)arg;
}

int proc_tree_count(int pid)
{
	return tree_walk(pid, count_one, NULL);
}

long proc_status_kb(int pid, const char *key)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	return kb_field(path, key);
}

double proc_self_cpu(void)
{
	int ppid;
	double cpu = 0;

	read_stat((int)getpid(), &ppid, &cpu);
	return cpu;
}
