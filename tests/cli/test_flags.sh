#!/usr/bin/env bash
# test_flags.sh — the options with ruff's semantics: -o/--output-file, --extend-ignore, --per-file-ignores,
# --config 'KEY = VALUE' (and --config PATH), -v/--verbose, -s/--silent, --ignore-noqa, --extension, @argfile;
# "did you mean" for a mistyped option; ruff's warning on a tree without Python files; an unknown command;
# --statistics in JSON. Each run is in a scratch tree with the cache off. Usage: test_flags.sh ASYNCSCAN REPO_ROOT
set -u
bin=$1
root=$2
source "$root/tests/cli/lib.sh"

# run WANT_STATUS ARGS... : runs asyncscan in $tmp/t with stdout in $tmp/out and stderr in $tmp/err
run() {
  local want=$1; shift
  (cd "$tmp/t" && "$bin" "$@" --no-cache >"$tmp/out" 2>"$tmp/err" </dev/null)
  local got=$?
  if [ "$got" -eq "$want" ]; then ok; else ko "exit $got, want $want: $* ; stderr: $(head -c 300 "$tmp/err")"; fi
}
has() { if grep -qF -- "$2" "$1"; then ok; else ko "$1 lacks '$2': $(head -c 300 "$1")"; fi; }
lacks() { if grep -qF -- "$2" "$1"; then ko "$1 has '$2': $(head -c 300 "$1")"; else ok; fi; }
empty() { if [ ! -s "$1" ]; then ok; else ko "$1 is not empty: $(head -c 300 "$1")"; fi; }

mkdir -p "$tmp/t/pkg" "$tmp/t/tests" "$tmp/t/empty/sub"
printf 'import time\nasync def f():\n    time.sleep(1)\n    time.sleep(2)  # noqa: ASYNC251\n' >"$tmp/t/pkg/a.py"
printf 'import asyncio\nasync def g():\n    asyncio.create_task(g())\n    open("x")\n' >"$tmp/t/tests/test_b.py"
printf 'import time\nasync def h():\n    time.sleep(1)\n' >"$tmp/t/pkg/c.pyw"
printf 'not python\n' >"$tmp/t/empty/sub/readme.txt"

# -o/--output-file: the report goes to the file, stdout stays empty, the summary stays on stderr
run 1 --output-format concise -o report.txt pkg tests
empty "$tmp/out"
has "$tmp/t/report.txt" "pkg/a.py:3:5: ASYNC251"
has "$tmp/err" "Found 3 errors"
run 1 --output-file=report.json --output-format json pkg
check python3 -c 'import json,sys; assert len(json.load(open(sys.argv[1]))) == 1' "$tmp/t/report.json"
run 2 -o "$tmp/no/such/dir/r.txt" pkg
has "$tmp/err" "cannot write"

# --extend-ignore adds to --ignore (and to each other)
run 1 --output-format concise --ignore RUF006 --extend-ignore ASYNC230 pkg tests
has "$tmp/out" "ASYNC251"
lacks "$tmp/out" "RUF006"
lacks "$tmp/out" "ASYNC230"
run 0 --output-format concise --extend-ignore ASYNC251 --extend-ignore RUF006,ASYNC230 pkg tests

# --per-file-ignores GLOB:CODE pairs; a code without a glob continues the pair before it
run 1 --output-format concise --per-file-ignores 'tests/*:RUF006' pkg tests
lacks "$tmp/out" "RUF006"
has "$tmp/out" "tests/test_b.py:4:5: ASYNC230"
run 1 --output-format concise --per-file-ignores 'test_*.py:RUF006,ASYNC230' pkg tests
lacks "$tmp/out" "tests/test_b.py"
has "$tmp/out" "pkg/a.py"
run 0 --per-file-ignores 'tests/*:ALL,pkg/*.py:ASYNC2' pkg tests
run 0 --show-settings --per-file-ignores 'tests/*:RUF006' tests/test_b.py
has "$tmp/out" 'per-file-ignores   = "tests/*" = [RUF006]   # command line'
run 2 --per-file-ignores 'RUF006' pkg
has "$tmp/err" "invalid value 'RUF006' for --per-file-ignores"

# --config 'KEY = VALUE' overrides every configuration file; --config PATH still reads a file
printf '[tool.asyncscan]\nignore = ["ASYNC251"]\n' >"$tmp/t/pyproject.toml"
run 1 --output-format concise pkg tests
lacks "$tmp/out" "ASYNC251"
run 1 --output-format concise --config 'select = ["ASYNC251"]' pkg tests
has "$tmp/out" "pkg/a.py:3:5: ASYNC251"
lacks "$tmp/out" "RUF006"
run 2 --config 'selct = ["ASYNC251"]' pkg
has "$tmp/err" "--config:1:1: unknown key 'selct' (did you mean 'select'?)"
printf 'select = ["RUF006"]\n' >"$tmp/t/other.toml"
run 1 --output-format concise --config other.toml pkg tests
has "$tmp/out" "RUF006"
lacks "$tmp/out" "ASYNC230"
run 1 --output-format concise --config other.toml --config 'extend-select = ["ASYNC230"]' tests
has "$tmp/out" "ASYNC230"
run 2 --config other.toml --config pyproject.toml pkg
rm "$tmp/t/pyproject.toml" "$tmp/t/other.toml"
run 1 --config 'output-format = "concise"' --config 'per-file-ignores = {"tests/*" = ["ALL"]}' pkg tests
has "$tmp/out" "pkg/a.py:3:5: ASYNC251"
lacks "$tmp/out" "tests/"
lacks "$tmp/out" "  |"

# -s/--silent: nothing on stdout or stderr, the status still tells; -q keeps the findings
run 1 -s pkg
empty "$tmp/out"
empty "$tmp/err"
run 1 --silent --output-format json pkg
empty "$tmp/out"
run 1 -q --output-format concise pkg
has "$tmp/out" "ASYNC251"
empty "$tmp/err"

# -v/--verbose: the configuration, the files and the totals on stderr; stdout unchanged
run 1 --output-format concise pkg
cp "$tmp/out" "$tmp/plain"
run 1 -v --output-format concise pkg
has "$tmp/err" "asyncscan: verbose: configuration: none found"
has "$tmp/err" "asyncscan: verbose: file pkg/a.py"
has "$tmp/err" "asyncscan: verbose: 1 files analysed, 1 findings, 0 errors"
check cmp -s "$tmp/plain" "$tmp/out"

# --ignore-noqa: the suppressed finding on line 4 comes back
run 1 --output-format concise --ignore-noqa pkg
has "$tmp/out" "pkg/a.py:4:5: ASYNC251"
printf '# ruff: noqa\nimport time\nasync def f():\n    time.sleep(1)\n' >"$tmp/t/skipped.py"
run 0 skipped.py
run 1 --ignore-noqa skipped.py
rm "$tmp/t/skipped.py"

# --extension EXT:LANG walks *.EXT too
run 1 --output-format concise --extension pyw:python pkg
has "$tmp/out" "pkg/c.pyw:3:5: ASYNC251"
run 1 --output-format concise pkg
lacks "$tmp/out" "c.pyw"
run 2 --extension pyw:rust pkg
has "$tmp/err" "invalid value 'pyw:rust' for --extension"

# @argfile: one argument per line (CRLF too)
printf -- '--output-format\r\nconcise\r\n--select\r\nRUF006\r\n\r\ntests\r\n' >"$tmp/t/args.txt"
run 1 @args.txt
has "$tmp/out" "tests/test_b.py:3:5: RUF006"
lacks "$tmp/out" "ASYNC230"
run 2 @missing-args.txt
has "$tmp/err" "cannot read the argument file 'missing-args.txt'"
head -c 1100000 /dev/zero | tr '\0' 'x' >"$tmp/t/big-args.txt"
run 2 @big-args.txt
has "$tmp/err" "cannot read the argument file 'big-args.txt': larger than 1 MiB"
mkdir -p "$tmp/t/argdir"
run 2 @argdir
has "$tmp/err" "cannot read the argument file 'argdir'"

# a mistyped option gets a suggestion; a far-off one does not
run 2 --slect RUF006 pkg
has "$tmp/err" "unknown option '--slect' (did you mean '--select'?)"
run 2 --output-fromat json pkg
has "$tmp/err" "did you mean '--output-format'?"
run 2 --zzzzzzzz pkg
lacks "$tmp/err" "did you mean"

# ruff's warning and exit 0 when no Python file is found
run 0 empty
has "$tmp/err" "asyncscan: warning: No Python files found under the given path(s)"
run 0 -s empty
empty "$tmp/err"
run 0 -q empty
empty "$tmp/err"

# a command asyncscan does not have is a clear error, not an analysis; a directory of that name is a path
run 2 format pkg/a.py
has "$tmp/err" "unknown command 'format'"
lacks "$tmp/err" "pkg/a.py"
empty "$tmp/out"
mkdir -p "$tmp/t/format"
printf 'import time\nasync def f():\n    time.sleep(1)\n' >"$tmp/t/format/x.py"
run 1 --output-format concise format
has "$tmp/out" "format/x.py:3:5: ASYNC251"
run 0 version
has "$tmp/out" "asyncscan "
run 0 help
has "$tmp/out" "usage: asyncscan"

# --watch reads files, never standard input (the VS Code recipe in test_docs.sh runs it on a live tree)
run 2 --watch --stdin-filename pkg/a.py -
has "$tmp/err" "--watch checks files"
run 2 --watch --stdin-filename pkg/a.py
has "$tmp/err" "--watch checks files"
run 2 --watch --add-noqa pkg
has "$tmp/err" "--watch cannot be used with --add-noqa"

# --statistics with --output-format json: ruff's array, most frequent first
printf 'import time\nasync def f():\n    time.sleep(1)\n    time.sleep(2)\n    open("x")\n' >"$tmp/t/pkg/d.py"
run 1 --statistics --output-format json pkg
check python3 - "$tmp/out" <<'PY'
import json, sys
stats = json.load(open(sys.argv[1]))
assert stats == [
    {"code": "ASYNC251", "name": "blocking-sleep-in-async-function", "count": 3, "fixable": False, "fixable_count": 0},
    {"code": "ASYNC230", "name": "blocking-open-call-in-async-function", "count": 1, "fixable": False, "fixable_count": 0},
], stats
PY
run 0 --statistics --output-format json empty
check python3 -c 'import json,sys; assert json.load(open(sys.argv[1])) == []' "$tmp/out"
run 1 --statistics pkg
has "$tmp/out" "$(printf '    3\tASYNC251\tblocking-sleep-in-async-function')"
run 2 --statistics --output-format sarif pkg
has "$tmp/err" "--statistics prints a table or JSON"

# the README's option table names every option --help lists, and no other
"$bin" --help | sed -n '/^options:/,/^$/p' | grep -oE -- '^ +(-[a-zA-Z], )?--[a-z][a-z-]+' | grep -oE -- '--[a-z][a-z-]+' | sort -u >"$tmp/help-opts"
sed -n '/^| option | meaning |/,/^$/p' "$root/README.md" | cut -d'|' -f2 | grep -oE -- '--[a-z][a-z-]+' | sort -u >"$tmp/readme-opts"
if diff -u "$tmp/help-opts" "$tmp/readme-opts" >"$tmp/diff"; then ok; else ko "README option table and --help differ:"; cat "$tmp/diff"; fi

finish
