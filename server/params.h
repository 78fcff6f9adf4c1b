/* The server's limits, each with its reason; the protocol's own limits stay in common/pop3.h. */
#ifndef PARAMS_H
#define PARAMS_H

enum {
	/* RFC 1939 section 3: the autologout timer is at least 10 minutes. */
	POP3_IDLE_TIMEOUT = 600,
	/* Dovecot's figure: 20 bad commands in a row ends a session that is not a client. */
	POP3_MAX_BAD_COMMANDS = 20,
	/* Default cap on connections; past it a client gets -ERR [SYS/TEMP] at once. */
	POP3_MAX_CONNECTIONS = 1024,
	/* Stack of a session thread: sessions keep buffers on the heap, so 128 KiB is ample. */
	POP3_THREAD_STACK = 128 * 1024,
	/*
	 * Session threads that have served a connection wait for the next one instead of
	 * exiting (server/pool.c).  This many wait however long; those above exit after
	 * POP3_POOL_IDLE seconds without a connection, so a burst leaves no crowd behind.
	 */
	POP3_POOL_RESERVE = 16,
	POP3_POOL_IDLE = 30,
	/*
	 * Block size when streaming a message: one read and one send per block.  256 KiB
	 * halves the sends of 128 KiB (measured: 0.06 against 0.09 s of server CPU per
	 * 100 MB, bench/README.md); the two buffers stay well inside 1 MiB.
	 */
	POP3_STREAM_BLOCK = 256 * 1024,
	/* Seconds a shutting-down server waits for sessions to finish before it exits anyway. */
	POP3_SHUTDOWN_GRACE = 5,
	/*
	 * Seconds a balancer (--proxy-from) has to send its whole PROXY header: the PROXY
	 * protocol's section 2 says a few, at least 3 to cover a TCP retransmit.
	 */
	POP3_PROXY_TIMEOUT = 5,
	/* RFC 1939 section 8 suggests ending a session after a few failed logins: three here. */
	POP3_MAX_FAILED_LOGINS = 3,
	/* A SASL response line may be longer than a command (RFC 5034 section 4). */
	POP3_SASL_LINE_MAX = 1024,
	/* yescrypt takes ~16 MiB and ~20 ms a check: this many run at once, the rest queue. */
	POP3_AUTH_PARALLEL = 4,
	/* Addresses remembered for login penalties; the stalest is forgotten first. */
	POP3_PENALTY_SLOTS = 1024,
	/* Seconds after which a failed login no longer counts toward its address's penalty. */
	POP3_PENALTY_MEMORY = 900,
	/*
	 * Default cap on connections from one address that have not logged in: a guesser
	 * or a flood from one host cannot take every slot, and 16 still lets a household
	 * or an office behind one NAT address log in at once (after login they do not count).
	 */
	POP3_MAX_PER_IP = 16,
	/*
	 * Milliseconds a scan waits for another process's lock on a folder's unique-id
	 * list: a writer holds it a few ms, so this much means a stuck or hostile holder.
	 */
	POP3_UIDLIST_LOCK_WAIT_MS = 5000,
};

#endif
