# lib.sh — what the CLI test scripts share: a temporary directory removed on exit, pass/fail counters and
# the closing "N passed, N failed" line (read by CI). Source it after `set -u`.
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { if "$@"; then ok; else ko "$*"; fi; }
finish() {
  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}
