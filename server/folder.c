/* A folder's layout (files, or a Maildir's new/ and cur/) and the times that tell it changed. */
#include "folder.h"
#include "log.h"
#include "scan.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The mtimes that tell whether mail came or went: the folder's, and a Maildir's new/ and cur/. */
int folder_mtimes(struct maildrop *md, struct timespec t[3])
{
	struct stat st;

	memset(t, 0, 3 * sizeof(*t));
	if (fstat(md->fd, &st) < 0)
		return -1;
	t[0] = st.st_mtim;
	for (int i = 0; md->maildir && i < 2; i++) {
		if (fstat(md->sub[i], &st) < 0)
			return -1;
		t[i + 1] = st.st_mtim;
	}
	return 0;
}

/* The folder changed from files to a Maildir or back: every message it had is gone. */
static void layout_reset(struct maildrop *md, int maildir)
{
	log_msg("%s: the folder is now %s", md->path, maildir ? "a Maildir" : "a folder of files");
	for (size_t i = 0; i < md->count; i++) {
		md->msgs[i]->gone = 1;
		scan_msg_unref(md->msgs[i]);
	}
	md->count = 0;
	md->uids_dirty = 1;
}

/*
 * Decide again whether the folder is a Maildir (new/ and cur/ are folders, not
 * symlinks) and open them afresh: called whenever the folder itself changed, as
 * when a delivery agent makes them in a folder that had none.
 */
void folder_layout(struct maildrop *md)
{
	static const char *const names[2] = { "new", "cur" };
	int sub[2];

	for (int i = 0; i < 2; i++)
		sub[i] = openat(md->fd, names[i],
				O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	int maildir = sub[0] >= 0 && sub[1] >= 0;

	for (int i = 0; i < 2; i++) {
		if (!maildir && sub[i] >= 0)
			close(sub[i]);
		if (md->sub[i] >= 0)
			close(md->sub[i]);
		md->sub[i] = maildir ? sub[i] : -1;
	}
	if (md->scanned && maildir != md->maildir)
		layout_reset(md, maildir);
	md->maildir = maildir;
}

int folder_unchanged(const struct maildrop *md, const struct timespec t[3])
{
	for (int i = 0; i < 3; i++)
		if (!scan_same_time(&t[i], &md->dir_mtime[i]))
			return 0;
	return 1;
}
