# The tmux harness of the full-screen client's suites: source it after suite.sh and server.sh.
#
#   begin "case name" [CLIENT_ARGS...]   # server on $FIXTURE, tmux at ${TUI_COLS}x${TUI_ROWS}, the client
#   wait_for TEXT | wait_for -n TEXT      # poll the screen for fixed text (or its absence)
#   wait_re REGEX                         # poll the screen for an extended regex
#   expect "what" CMD...                  # a condition that must hold
#   keys KEY... / type_text TEXT          # tmux send-keys, by name or literally
#   end                                   # report the case, stop everything it started
#
# Each case has its own tmux server (-L), its own server process and folder; nothing sleeps a
# fixed time: every step polls the captured screen until the expected text shows or a deadline
# passes ($DEADLINE seconds).  $CLIENT_ENV goes before the client's command line.

DEADLINE=${TUI_DEADLINE:-10}
SOCK= WORK= CASE= CASE_OK=

cleanup() {
	[ -n "$SOCK" ] && tmux -L "$SOCK" kill-server 2>/dev/null
	[ -n "${SERVER_TMP:-}" ] && stop_server >/dev/null 2>&1
	[ -n "$WORK" ] && rm -rf "$WORK"
	SOCK= WORK= SERVER_PID=
}

screen() { tmux -L "$SOCK" capture-pane -p -J -t tui 2>/dev/null; }
keys() { tmux -L "$SOCK" send-keys -t tui "$@"; }
type_text() { tmux -L "$SOCK" send-keys -t tui -l "$1"; }

# A step failed: say which, show the screen, and skip the rest of the case.
step_failed() {
	[ -z "$CASE_OK" ] && return
	CASE_OK=
	echo "FAIL $CASE: $1"
	screen | sed 's/^/    | /'
}

# Poll until the screen matches: _poll DESCRIPTION GREP-ARGS...
_poll() {
	local what=$1
	shift
	[ -z "$CASE_OK" ] && return 1
	local deadline=$(($(date +%s%N) / 1000000 + DEADLINE * 1000))
	until screen | grep -q "$@"; do
		if [ "$(($(date +%s%N) / 1000000))" -ge "$deadline" ]; then
			step_failed "$what"
			return 1
		fi
		sleep 0.05
	done
}

wait_for() {
	if [ "$1" = -n ]; then
		_poll "still waiting for \"$2\" to go" -vzF -- "$2"
		return
	fi
	_poll "waiting for \"$1\"" -F -- "$1"
}

wait_re() { _poll "waiting for /$1/" -E -- "$1"; }

expect() {
	local what=$1
	shift
	[ -z "$CASE_OK" ] && return 1
	"$@" && return 0
	step_failed "$what"
	return 1
}

begin() {
	CASE=$1 CASE_OK=1
	shift
	WORK=$(mktemp -d /tmp/tui-test.XXXXXX)
	SOCK=tui-$$-$RANDOM
	if ! start_server "${FIXTURE:-$ROOT/mailbox}" 2>"$WORK/server-start.err"; then
		step_failed "server did not start: $(cat "$WORK/server-start.err")"
		return
	fi
	tmux -L "$SOCK" -f /dev/null new-session -d -s tui -x "${TUI_COLS:-100}" -y "${TUI_ROWS:-30}" -c "$WORK" \
		"env LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC XDG_STATE_HOME=$WORK/state XDG_CONFIG_HOME=$WORK/conf PS1='tui\$ ' bash --norc --noprofile"
	tmux -L "$SOCK" set-option -g status off >/dev/null
	wait_for 'tui$' || return
	# Always, as in run-tui: an ASan build run without ASAN_OPTIONS left clients spinning in
	# LeakSanitizer at exit once the case's tmux server was gone (leaks are checked by the unit
	# and line-mode runs instead).
	local lsan="ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
	type_text "POP3_PASSWORD=demo $lsan ${CLIENT_ENV:-} $CLIENT -o saved $* localhost $SERVER_PORT"
	keys Enter
	wait_for "${FIRST_SCREEN:-Welcome to the mailroom}"
}

end() {
	[ -n "$CASE_OK" ] && { echo "ok   $CASE"; pass=$((pass + 1)); } || fail=$((fail + 1))
	cleanup
}
