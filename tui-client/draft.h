/* Draft files: a private folder under $XDG_STATE_HOME, new files only, read back without following links. */
#ifndef DRAFT_H
#define DRAFT_H

#include <stddef.h>

/* A draft larger than this after editing is refused (a message of text, not an archive). */
#define DRAFT_MAX (8 * 1024 * 1024)

struct draft {
	int dirfd;		/* the drafts folder, or -1 */
	char name[80];		/* the file in it */
	char path[4200];	/* both, for the editor and for messages */
};

/*
 * The drafts folder: $XDG_STATE_HOME/mailroom/drafts (default ~/.local/state/...), made 0700
 * when missing; one that is a link, not ours or open to others is refused.  Into *dir (a path
 * of size octets) and *fd_r.  Returns 0, or -1 with a reason in err.
 */
int draft_dir_open(char *dir, size_t size, int *fd_r, char *err, size_t errsize);

/*
 * A new draft (mode 0600, never replacing a file) named after kind ("reply", "forward")
 * holding text.  Returns 0, or -1 with a reason in err and nothing left behind.
 */
int draft_create(struct draft *d, const char *kind, const char *text, size_t len, char *err,
		 size_t errsize);

/* The draft's content as it is now (malloc'd, NUL-terminated); 0, or -1 with a reason in err. */
int draft_read(const struct draft *d, char **text_r, size_t *len_r, char *err, size_t errsize);

/* Remove the draft file. */
void draft_remove(struct draft *d);

/* Close the folder (the file stays). */
void draft_close(struct draft *d);

#endif
