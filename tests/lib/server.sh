# Bash helpers to run ./server for shell-based suites: source this file, then
#
#   start_server FIXTURE_DIR [SERVER_ARGS...]   # e.g. start_server "$ROOT/tests/protocol/mailboxes/basic"
#   ... use $SERVER_PORT, $SERVER_PID, $SERVER_DIR (the scratch mailbox), $SERVER_LOG ...
#   wait_server_log 'login as bob' [TIMEOUT_S]   # poll the log for an extended regex
#   stop_server                                  # SIGTERM by PID, wait, remove the scratch folder
#   stop_server --keep                           # the same, but keep $SERVER_TMP for inspection
#
# start_server copies FIXTURE_DIR into a fresh mktemp folder ($SERVER_TMP/mailbox), starts
# "$SERVER -p 0 -m $SERVER_DIR ARGS..." with stderr in $SERVER_LOG, and polls the log for
# "listening on 127.0.0.1 port P".  Call it from the main shell, not inside $( ), so that
# SERVER_PID is a child of this shell.  It returns non-zero (and says why on stderr) if the
# server does not come up within $SERVER_START_TIMEOUT seconds (default 15).  A fixture named
# without a slash is looked up in tests/protocol/mailboxes/.  Empty .keep files are dropped.

: "${ROOT:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${SERVER:=$ROOT/pop3d}"

SERVER_PID= SERVER_PORT= SERVER_DIR= SERVER_LOG= SERVER_TMP=

# Poll until a command succeeds or TIMEOUT seconds pass: server_poll TIMEOUT CMD [ARGS...]
server_poll() {
	local timeout=$1 deadline
	shift
	deadline=$(($(date +%s%N) / 1000000 + timeout * 1000))
	while ! "$@"; do
		if [ $(($(date +%s%N) / 1000000)) -ge "$deadline" ]; then
			return 1
		fi
		sleep 0.05
	done
}

_server_port_line() {
	SERVER_PORT=$(sed -n 's/^pop3d: listening on 127\.0\.0\.1 port \([0-9][0-9]*\)$/\1/p' \
		"$SERVER_LOG" 2>/dev/null | head -n 1)
	[ -n "$SERVER_PORT" ] && return 0
	if ! kill -0 "$SERVER_PID" 2>/dev/null; then
		return 0	# it died: stop polling, the caller notices the missing port
	fi
	return 1
}

start_server() {
	local fixture=$1
	shift
	case $fixture in
	*/*) ;;
	*) fixture=$ROOT/tests/protocol/mailboxes/$fixture ;;
	esac
	if [ ! -d "$fixture" ]; then
		echo "start_server: no fixture folder $fixture" >&2
		return 1
	fi
	SERVER_TMP=$(mktemp -d "${TMPDIR:-/tmp}/pop3srv.XXXXXX") || return 1
	SERVER_DIR=$SERVER_TMP/mailbox
	SERVER_LOG=$SERVER_TMP/server.log
	SERVER_PORT=
	cp -a "$fixture" "$SERVER_DIR" || return 1
	find "$SERVER_DIR" -name .keep -type f -delete
	"$SERVER" -p 0 -m "$SERVER_DIR" "$@" </dev/null >/dev/null 2>"$SERVER_LOG" &
	SERVER_PID=$!
	server_poll "${SERVER_START_TIMEOUT:-15}" _server_port_line
	if [ -z "$SERVER_PORT" ]; then
		echo "start_server: server did not start; its log:" >&2
		sed 's/^/  /' "$SERVER_LOG" >&2
		kill -KILL "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
		SERVER_PID=
		return 1
	fi
	return 0
}

# wait_server_log ERE [TIMEOUT_S]: succeed once a line of the log matches.
wait_server_log() {
	server_poll "${2:-10}" grep -qE -- "$1" "$SERVER_LOG"
}

_server_gone() {
	! kill -0 "$SERVER_PID" 2>/dev/null
}

# stop_server [--keep]: SIGTERM our server by PID, wait for it (SIGKILL after 15 s), and
# remove the scratch folder unless --keep.  SERVER_STATUS gets the exit status.
stop_server() {
	local keep=0
	[ "${1:-}" = --keep ] && keep=1
	SERVER_STATUS=
	if [ -n "$SERVER_PID" ]; then
		kill -TERM "$SERVER_PID" 2>/dev/null
		if ! server_poll 15 _server_gone; then
			echo "stop_server: pid $SERVER_PID ignored SIGTERM; killing it" >&2
			kill -KILL "$SERVER_PID" 2>/dev/null
		fi
		wait "$SERVER_PID" 2>/dev/null
		SERVER_STATUS=$?
		SERVER_PID=
	fi
	if [ $keep -eq 0 ] && [ -n "$SERVER_TMP" ]; then
		rm -rf "$SERVER_TMP"
		SERVER_TMP=
	fi
	return 0
}
