/* Threads of messages from Message-ID, In-Reply-To and References, built the JWZ way in essence. */
#ifndef THREAD_H
#define THREAD_H

#include <stddef.h>

/* A message index that stands for "none": the parent of a root. */
#define THREAD_NONE ((size_t)-1)

/* One message as the builder sees it; the strings are header values, NULL or "" when absent. */
struct thread_msg {
	const char *id;		/* Message-ID */
	const char *in_reply_to;
	const char *references;
	long long date;		/* orders the replies to one message (seconds; any key that sorts) */
};

/*
 * The parent of each of the n messages in parent_r (THREAD_NONE for a root): the message
 * In-Reply-To names when it is here, else the nearest ancestor References names that is here;
 * a message with no such header gets the parent that another message's References gives it.
 * A Message-ID seen twice belongs to the first message (the second is unique, with no id); a
 * message never is its own parent, and a loop of parents is cut so that every message has a
 * root.  Linear in the total length of the headers.  Returns 0, or -1 when out of memory.
 */
int thread_parents(const struct thread_msg *v, size_t n, size_t *parent_r);

/*
 * The thread view of n messages given in the current sort order: order_r[k] is the index of
 * the k-th row, depth_r[k] its depth (0 for a root).  Threads follow their roots' order;
 * each message is followed by its replies, oldest first (equal dates: in the given order).
 * Returns 0, or -1 when out of memory.
 */
int thread_build(const struct thread_msg *v, size_t n, size_t *order_r, int *depth_r);

#endif
