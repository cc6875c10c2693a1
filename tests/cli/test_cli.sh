#!/usr/bin/env bash
# test_cli.sh — end-to-end tests of the asyncscan binary: exit codes, golden output of every format on the
# bundled demo, -j1 vs -j4 byte-identical output, stdin mode, errors that name the file while other files are
# still analysed, the rule command. Usage: test_cli.sh ASYNCSCAN_BINARY REPO_ROOT
# ASYNCSCAN_UPDATE_GOLDEN=1 rewrites fixtures/golden/* (review the diff).
set -u
bin=$1
root=$2
cd "$root"
source tests/cli/lib.sh

# expect_status WANT CMD... : runs CMD with stdout/stderr captured in $tmp/out, $tmp/err
expect_status() {
  local want=$1; shift
  "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
  local got=$?
  if [ "$got" -eq "$want" ]; then ok; else ko "exit $got, want $want: $* ; stderr: $(head -c 400 "$tmp/err")"; fi
}

contains() { # contains FILE TEXT
  if grep -qF -- "$2" "$1"; then ok; else ko "$1 lacks '$2': $(head -c 400 "$1")"; fi
}

golden() { # golden NAME FILE
  local want="fixtures/golden/$1"
  if [ "${ASYNCSCAN_UPDATE_GOLDEN:-0}" = 1 ]; then cp "$2" "$want"; ok; return; fi
  if diff -u "$want" "$2" >"$tmp/diff"; then ok; else ko "golden $1 differs:"; cat "$tmp/diff"; fi
}

# --- the demo: findings, exit 1, golden output in every format ----------------------------------------------
for fmt in full concise json; do
  expect_status 1 "$bin" --output-format "$fmt" -j1 fixtures/demo
  sed "s#$root/##g" "$tmp/out" >"$tmp/normalised"
  golden "demo.$fmt" "$tmp/normalised"
done
expect_status 1 "$bin" fixtures/demo
contains "$tmp/out" "fixtures/demo/app/server.py"
contains "$tmp/out" "ASYNC251"
contains "$tmp/out" "ASYNC210"
contains "$tmp/out" "RUF006"
contains "$tmp/err" "Found"
# JSON parses with a real parser and has ruff's keys
"$bin" --output-format json fixtures/demo >"$tmp/demo.json" 2>/dev/null
if python3 -c '
import json, sys
data = json.load(open(sys.argv[1]))
keys = {"cell", "code", "end_location", "filename", "fix", "location", "message", "name", "noqa_row", "severity", "url"}
assert data and all(keys <= set(d) for d in data), "missing keys"
assert all(d["filename"].startswith("/") for d in data), "filename must be absolute"
' "$tmp/demo.json"; then ok; else ko "demo JSON invalid"; fi

# --- clean code, bad options ---------------------------------------------------------------------------------
expect_status 0 "$bin" fixtures/clean
contains "$tmp/err" "All checks passed!"
expect_status 2 "$bin" --no-such-flag fixtures/clean
contains "$tmp/err" "unknown option '--no-such-flag'"
expect_status 2 "$bin" --output-format nope fixtures/clean
contains "$tmp/err" "unknown output format 'nope'"
expect_status 2 "$bin" --select ASYNC999 fixtures/clean
contains "$tmp/err" "unknown rule selector 'ASYNC999'"
expect_status 2 "$bin" --jobs 0 fixtures/clean
expect_status 0 "$bin" --exit-zero fixtures/demo
expect_status 0 "$bin" --version
contains "$tmp/out" "asyncscan "
expect_status 0 "$bin" --help
contains "$tmp/out" "--output-format"
expect_status 0 "$bin" check --select RUF006 fixtures/clean

# --- colour: never into a pipe by default; FORCE_COLOR forces it, NO_COLOR and --color never win over auto ----
"$bin" --output-format concise fixtures/demo >"$tmp/plain" 2>/dev/null
if grep -q $'\x1b\[' "$tmp/plain"; then ko "colour written to a pipe"; else ok; fi
FORCE_COLOR=1 "$bin" --output-format concise fixtures/demo >"$tmp/forced" 2>/dev/null
if grep -q $'\x1b\[1;31mASYNC251' "$tmp/forced"; then ok; else ko "FORCE_COLOR ignored"; fi
FORCE_COLOR=1 "$bin" --color never --output-format concise fixtures/demo >"$tmp/never" 2>/dev/null
if grep -q $'\x1b\[' "$tmp/never"; then ko "--color never ignored"; else ok; fi
FORCE_COLOR=1 "$bin" --output-format json fixtures/demo >"$tmp/jsoncolour" 2>/dev/null
if grep -q $'\x1b\[' "$tmp/jsoncolour"; then ko "colour in JSON"; else ok; fi

# --- --statistics, --show-files ----------------------------------------------------------------------------------
expect_status 1 "$bin" --statistics fixtures/demo
if [ "$(cat "$tmp/out")" = "$(printf '    1\tASYNC210\tblocking-http-call-in-async-function\n    1\tASYNC230\tblocking-open-call-in-async-function\n    1\tASYNC232\tblocking-file-call\n    1\tASYNC251\tblocking-sleep-in-async-function\n    1\tRUF006\tasyncio-dangling-task')" ]; then ok; else ko "statistics: $(cat "$tmp/out")"; fi
expect_status 0 "$bin" --show-files fixtures/demo
if [ "$(cat "$tmp/out")" = "$(printf 'fixtures/demo/app/__init__.py\nfixtures/demo/app/notify.py\nfixtures/demo/app/server.py\nfixtures/demo/app/storage.py')" ]; then ok; else ko "show-files: $(cat "$tmp/out")"; fi

# --- selection ------------------------------------------------------------------------------------------------
expect_status 1 "$bin" --output-format concise --select RUF006 fixtures/demo
if grep -qv "RUF006" "$tmp/out"; then ko "--select RUF006 printed other codes"; else ok; fi
expect_status 1 "$bin" --output-format concise --ignore ASYNC210,RUF006 fixtures/demo
if grep -qE "ASYNC210|RUF006" "$tmp/out"; then ko "--ignore did not ignore"; else ok; fi

# --- determinism: -j1 and -j4 give the same bytes -------------------------------------------------------------
"$bin" --output-format concise -j1 fixtures >"$tmp/j1" 2>"$tmp/j1.err"
"$bin" --output-format concise -j4 fixtures >"$tmp/j4" 2>"$tmp/j4.err"
if cmp -s "$tmp/j1" "$tmp/j4" && cmp -s "$tmp/j1.err" "$tmp/j4.err" && [ -s "$tmp/j1" ]; then ok; else ko "-j1 and -j4 differ"; fi
"$bin" --output-format json -j3 fixtures >"$tmp/j3json" 2>/dev/null
"$bin" --output-format json -j1 fixtures >"$tmp/j1json" 2>/dev/null
if cmp -s "$tmp/j1json" "$tmp/j3json"; then ok; else ko "-j1 and -j3 JSON differ"; fi

# --- the pre-parse skip changes no finding -----------------------------------------------------------------------
"$bin" --output-format concise --select ALL fixtures >"$tmp/skip" 2>/dev/null
"$bin" --output-format concise --select ALL --no-skip fixtures >"$tmp/noskip" 2>/dev/null
if cmp -s "$tmp/skip" "$tmp/noskip" && [ -s "$tmp/skip" ]; then ok; else ko "--no-skip changes the findings"; fi
# without the project pass an async file needs a rule's words too: the peer's rules, and each rule on its own
for sel in "--select ASYNC,RUF006" "--select ALL --ignore ASC108,ASC109" \
           $(for r in rules/*.rule; do c=${r#rules/}; echo "--select=${c%.rule}"; done); do
  "$bin" --output-format concise $sel fixtures >"$tmp/skip" 2>/dev/null
  "$bin" --output-format concise $sel --no-skip fixtures >"$tmp/noskip" 2>/dev/null
  if cmp -s "$tmp/skip" "$tmp/noskip" && [ -s "$tmp/skip" ]; then ok; else ko "--no-skip changes the findings of $sel (or none)"; fi
done

# --- the result cache: same output warm, only the edited file re-analysed, corrupt entries ignored ----------------
mkdir -p "$tmp/cached"
cp -r fixtures/demo "$tmp/cached/demo"
(cd "$tmp/cached" && ASYNCSCAN_CACHE_STATS=1 "$bin" --output-format concise demo >"$tmp/cold" 2>"$tmp/cold.err")
(cd "$tmp/cached" && ASYNCSCAN_CACHE_STATS=1 "$bin" --output-format concise demo >"$tmp/warm" 2>"$tmp/warm.err")
if cmp -s "$tmp/cold" "$tmp/warm" && [ -s "$tmp/cold" ]; then ok; else ko "warm cache output differs"; fi
# the demo's app/__init__.py is left out by the skip: it gets no entry (just written, the stat index does not
# vouch for it yet either, so each run scans it again)
contains "$tmp/cold.err" "cache: 0 hits, 4 misses, 3 writes"
contains "$tmp/warm.err" "cache: 3 hits, 1 misses, 0 writes"
printf '\n# edited\n' >>"$tmp/cached/demo/app/notify.py"
(cd "$tmp/cached" && ASYNCSCAN_CACHE_STATS=1 "$bin" --output-format concise demo >"$tmp/edit" 2>"$tmp/edit.err")
contains "$tmp/edit.err" "cache: 2 hits, 2 misses, 1 writes"
find "$tmp/cached/.asyncscan_cache" -type f -not -name .gitignore -exec sh -c 'printf garbage > "$1"' _ {} \;
(cd "$tmp/cached" && "$bin" --output-format concise demo >"$tmp/corrupt" 2>/dev/null)
if cmp -s "$tmp/cold" "$tmp/corrupt"; then ok; else ko "a corrupt cache changed the results"; fi
(cd "$tmp/cached" && rm -rf .asyncscan_cache && "$bin" --no-cache demo >/dev/null 2>&1)
[ ! -e "$tmp/cached/.asyncscan_cache" ] && ok || ko "--no-cache wrote a cache"
printf 'x' >"$tmp/cached/notadir"
(cd "$tmp/cached" && "$bin" --output-format concise --cache-dir notadir demo >"$tmp/nd" 2>"$tmp/nd.err")
contains "$tmp/nd.err" "warning: cache disabled"
if cmp -s "$tmp/cold" "$tmp/nd"; then ok; else ko "an unusable cache changed the results"; fi

# --- the cache's stat index: an unchanged file that had nothing to show is not read again; any edit is seen ----
mkdir -p "$tmp/idx/pkg"
printf 'import asyncio\n\ndef f():\n    asyncio.create_tasx(g())\n' >"$tmp/idx/pkg/quiet.py"   # left out by the skip
printf 'import time\n\nasync def f():\n    time.sleep(1)\n' >"$tmp/idx/pkg/loud.py"
touch -d '2020-01-01 00:00:00' "$tmp/idx/pkg/quiet.py" "$tmp/idx/pkg/loud.py"
sleep 3   # files changed in the last 2 s are not indexed (their ctime is now)
idx_run() { (cd "$tmp/idx" && ASYNCSCAN_CACHE_STATS=1 "$bin" --output-format concise pkg >"$tmp/idx.$1" 2>"$tmp/idx.$1.err"); }
idx_run 1
contains "$tmp/idx.1.err" "0 unchanged"
idx_run 2
contains "$tmp/idx.2.err" "1 hits, 0 misses, 0 writes, 1 unchanged"
if cmp -s "$tmp/idx.1" "$tmp/idx.2" && grep -q 'loud.py:4:5: ASYNC251' "$tmp/idx.2"; then ok; else ko "indexed run differs"; fi
# the same size, the old mtime put back: the ctime still tells
sed -i 's/create_tasx/create_task/' "$tmp/idx/pkg/quiet.py"
touch -d '2020-01-01 00:00:00' "$tmp/idx/pkg/quiet.py"
idx_run 3
contains "$tmp/idx.3.err" "0 unchanged"
contains "$tmp/idx.3" "quiet.py:4:5: RUF006"
# a corrupt index is ignored (and replaced)
for f in "$tmp"/idx/.asyncscan_cache/stat-index-*; do printf 'garbage' >"$f"; done
idx_run 4
if cmp -s "$tmp/idx.3" "$tmp/idx.4"; then ok; else ko "a corrupt stat index changed the results"; fi
head -n 1 "$tmp"/idx/.asyncscan_cache/stat-index-* | grep -q '^asyncscan-stat-index 1$' && ok || ko "stat index not rewritten"

# --- stdin ------------------------------------------------------------------------------------------------------
printf 'import time\nasync def f():\n    time.sleep(1)\n' >"$tmp/in.py"
"$bin" --output-format concise - --stdin-filename pkg/handler.py <"$tmp/in.py" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] && ok || ko "stdin exit status"
contains "$tmp/out" "pkg/handler.py:3:5: ASYNC251"
"$bin" --output-format concise --stdin-filename other.py <"$tmp/in.py" >"$tmp/out" 2>&1
contains "$tmp/out" "other.py:3:5: ASYNC251"

# --- per-file errors name the file; the other files are still analysed ------------------------------------------
mkdir -p "$tmp/tree"
printf 'import time\nasync def f():\n    time.sleep(1)\n' >"$tmp/tree/a.py"
printf 'x = 1\n\x00\x01binary\n' >"$tmp/tree/b.py"
printf 'import time\nasync def g():\n    time.sleep(2)\n' >"$tmp/tree/c.py"
expect_status 2 "$bin" --output-format concise "$tmp/tree" "$tmp/missing.py"
contains "$tmp/err" "b.py"
contains "$tmp/err" "missing.py"
contains "$tmp/out" "a.py:3:5: ASYNC251"
contains "$tmp/out" "c.py:3:5: ASYNC251"

# --- the rule command ----------------------------------------------------------------------------------------------
expect_status 0 "$bin" rule ASYNC251
contains "$tmp/out" "## Use instead"
expect_status 0 "$bin" rule --all
contains "$tmp/out" "RUF006"
expect_status 2 "$bin" rule NOPE1
# a rule is found by its name and by its old name (ruff's names replaced ours for shared codes)
for name in blocking-sleep-in-async-function blocking-sleep; do
  "$bin" rule "$name" >"$tmp/rule.out" 2>&1
  if head -1 "$tmp/rule.out" | grep -qx '# ASYNC251 blocking-sleep-in-async-function'; then ok; else ko "rule $name: $(head -1 "$tmp/rule.out")"; fi
done
# the README's rule table is exactly what `rule --all --markdown` prints from the rule files
"$bin" rule --all --markdown >"$tmp/table.md"
sed -n '/<!-- rules:begin -->/,/<!-- rules:end -->/p' README.md | sed '1d;$d' >"$tmp/readme-table.md"
if diff -u "$tmp/table.md" "$tmp/readme-table.md" >"$tmp/diff"; then ok; else ko "README rule table is stale (asyncscan rule --all --markdown):"; cat "$tmp/diff"; fi

# --- closed stdout: quiet, no crash -----------------------------------------------------------------------------------
"$bin" --output-format concise fixtures >/dev/null 2>&1
( "$bin" --output-format concise fixtures 2>"$tmp/pipe.err" | head -1 >/dev/null )
if [ ! -s "$tmp/pipe.err" ] || ! grep -q "Sanitizer\|Segmentation" "$tmp/pipe.err"; then ok; else ko "closed pipe: $(cat "$tmp/pipe.err")"; fi

finish
