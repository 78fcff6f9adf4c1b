/* Saving a retrieved message atomically into the save folder, once. */
#include "save.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Room for a path: the folder, a name from a 70-character UID escaped 3 to 1, a suffix. */
#define PATH_ROOM 4096

void save_name(const char *uid, unsigned num, char *name, size_t size)
{
	size_t o = 0;

	if (uid == NULL || uid[0] == '\0') {
		snprintf(name, size, "msg-%u.eml", num);
		return;
	}
	for (const unsigned char *p = (const unsigned char *)uid; *p && o + 8 < size; p++) {
		int keep = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			   (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
			   (*p == '.' && p != (const unsigned char *)uid);

		if (keep)
			name[o++] = (char)*p;
		else
			o += (size_t)snprintf(name + o, size - o, "%%%02X", *p);
	}
	snprintf(name + o, size - o, ".eml");
}

int save_exists(const char *dir, const char *name)
{
	char path[PATH_ROOM];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return lstat(path, &st) == 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void save_index_free(struct save_index *ix)
{
	for (size_t i = 0; i < ix->n; i++)
		free(ix->names[i]);
	free(ix->names);
	ix->names = NULL;
	ix->n = 0;
}

/* Append a copy of name; 0 or -1 when out of memory. */
static int index_add(struct save_index *ix, size_t *cap, const char *name)
{
	if (ix->n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		char **v = realloc(ix->names, c * sizeof(*v));

		if (v == NULL)
			return -1;
		ix->names = v, *cap = c;
	}
	if ((ix->names[ix->n] = strdup(name)) == NULL)
		return -1;
	ix->n++;
	return 0;
}

int save_index_load(const char *dir, struct save_index *ix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t cap = 0;
	int ret = 0;

	ix->names = NULL, ix->n = 0;
	if (d == NULL)
		return 0;	/* no folder yet: nothing saved */
	while (ret == 0 && (e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			ret = index_add(ix, &cap, e->d_name);
	closedir(d);
	if (ret < 0) {
		save_index_free(ix);
		return -1;
	}
	qsort(ix->names, ix->n, sizeof(*ix->names), cmp_name);
	return 0;
}

int save_index_has(const struct save_index *ix, const char *name)
{
	return ix->n > 0 && bsearch(&name, ix->names, ix->n, sizeof(*ix->names), cmp_name) != NULL;
}

int save_write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Create the save folder when it is missing; the parent must exist. */
static int ensure_dir(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0700) == 0 || errno == EEXIST) {
		if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
			return 0;
		errno = ENOTDIR;
	}
	return -1;
}

/* Put tmp in place as path without replacing anything; 1 if path existed, 0, or -1. */
static int place(const char *tmp, const char *path)
{
	if (link(tmp, path) == 0)
		return 0;
	if (errno == EEXIST)
		return 1;
	/* A file system without hard links: rename, after checking (a race here only
	   replaces one copy of a message with an identical one). */
	if (access(path, F_OK) == 0)
		return 1;
	if (rename(tmp, path) == 0)
		return 0;
	return -1;
}

/* fsync the folder so the new name survives a crash. */
static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Write data to a new temporary file in dir, synced; its name in tmp.  0, or -1 with *what set. */
static int write_tmp(const char *dir, const char *name, const char *data, size_t len, char *tmp,
		     size_t size, const char **what)
{
	int fd;

	snprintf(tmp, size, "%s/.tmp.%ld.%s", dir, (long)getpid(), name);
	*what = "cannot create the save folder";
	if (ensure_dir(dir) < 0)
		return -1;
	*what = "cannot create a file";
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0)
		return -1;
	*what = "write failed";
	if (save_write_all(fd, data, len) < 0 || (*what = "fsync failed", fsync(fd) < 0)) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	*what = "close failed";
	return close(fd);
}

int save_message(const char *dir, const char *name, const char *data, size_t len, int *existed_r,
		 char *err, size_t errsize)
{
	char tmp[PATH_ROOM], path[PATH_ROOM];
	const char *what;
	int ret = -1, placed;

	*existed_r = 0;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (write_tmp(dir, name, data, len, tmp, sizeof(tmp), &what) < 0)
		goto out;
	what = "cannot put the file in place";
	placed = place(tmp, path);
	if (placed < 0)
		goto out;
	*existed_r = placed;
	sync_dir(dir);
	ret = 0;
out:
	if (ret < 0)
		snprintf(err, errsize, "%s: %s: %s", path, what, strerror(errno));
	/* The temporary name goes in every case: after link it is a second name, after a
	   failure a partial file. */
	unlink(tmp);
	return ret;
}

/* "name (k).ext": the number goes before the extension, when there is one after the first octet. */
static void numbered(const char *name, unsigned k, char *out, size_t size)
{
	const char *dot = strrchr(name, '.');

	if (k == 0)
		snprintf(out, size, "%s", name);
	else if (dot != NULL && dot != name)
		snprintf(out, size, "%.*s (%u)%s", (int)(dot - name), name, k, dot);
	else
		snprintf(out, size, "%s (%u)", name, k);
}

int save_unique(const char *dir, const char *name, const char *data, size_t len, char *final,
		size_t fsize, char *err, size_t errsize)
{
	char tmp[PATH_ROOM], path[PATH_ROOM];
	const char *what;
	int ret = -1, placed = 1;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (write_tmp(dir, "part", data, len, tmp, sizeof(tmp), &what) < 0)
		goto out;
	what = "cannot put the file in place";
	for (unsigned k = 0; k < SAVE_UNIQUE_MAX && placed == 1; k++) {
		numbered(name, k, final, fsize);
		snprintf(path, sizeof(path), "%s/%s", dir, final);
		placed = place(tmp, path);
	}
	if (placed != 0) {
		errno = placed == 1 ? EEXIST : errno;
		goto out;
	}
	sync_dir(dir);
	ret = 0;
out:
	if (ret < 0)
		snprintf(err, errsize, "%s: %s: %s", path, what, strerror(errno));
	unlink(tmp);
	return ret;
}
