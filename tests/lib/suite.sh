# The results of a shell test suite: one line a case, then the line tests/run reads.
# Source it, after setting SUITE_PREFIX when the case names want one ("dovecot: ").
pass=0 fail=0 skip=0
ok() { echo "ok   ${SUITE_PREFIX:-}$1"; pass=$((pass + 1)); }
bad() { echo "FAIL ${SUITE_PREFIX:-}$1${2:+: $2}"; fail=$((fail + 1)); }
skipped() { echo "skip ${SUITE_PREFIX:-}$1 ($2)"; skip=$((skip + 1)); }
summary() { echo "$pass passed, $fail failed, $skip skipped"; [ "$fail" -eq 0 ]; exit; }
