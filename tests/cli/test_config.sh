#!/usr/bin/env bash
# test_config.sh — configuration files: discovery (nearest .asyncscan.toml / asyncscan.toml / pyproject.toml
# with [tool.asyncscan], nested projects, --config, --isolated), every key, errors with file:line:col and
# "did you mean", the ASYNC200 blocking table, rules-dirs, --show-settings and --report-unused-noqa.
# Usage: test_config.sh ASYNCSCAN REPO_ROOT
set -u
bin=$1
root=$2
source "$(dirname "$0")/lib.sh"
cd "$tmp"
export HOME="$tmp/home"   # no global git excludes
mkdir -p "$HOME"
run() { "$bin" --no-cache --output-format concise "$@" 2>"$tmp/err"; }
codes() { run "$@" | awk '{ print $1 " " $2 }' | sort; }
has() { grep -qF -- "$1" <<<"$2" && ok || ko "expected '$1' in: $2"; }
hasnt() { grep -qF -- "$1" <<<"$2" && ko "did not expect '$1' in: $2" || ok; }

# --- a project with pyproject.toml ------------------------------------------------------------------------
mkdir -p p/src/app p/tests p/legacy p/sub
cat >p/pyproject.toml <<'T'
[project]
name = "app"

[tool.asyncscan]
extend-select = ["ASYNC110"]
ignore = ["ASYNC230"]
exclude = ["legacy"]

[tool.asyncscan.per-file-ignores]
"tests/*" = ["ASYNC251"]
"src/app/boot.py" = ["ASYNC2"]
T
blocking='import time\n\n\nasync def f(p):\n    time.sleep(1)\n    open(p)\n'
printf "$blocking" >p/src/app/main.py
printf "$blocking" >p/src/app/boot.py
printf "$blocking" >p/tests/test_main.py
printf "$blocking" >p/legacy/old.py
out=$(codes p)
has "p/src/app/main.py:5:5: ASYNC251" "$out"
hasnt "ASYNC230" "$out"                                   # ignore
hasnt "p/src/app/boot.py" "$out"                          # per-file-ignores with a prefix
hasnt "p/tests/test_main.py:5:5: ASYNC251" "$out"         # per-file-ignores with a glob
hasnt "p/legacy" "$out"                                   # exclude, relative to the config's directory
out=$(cd p && codes .)
has "src/app/main.py:5:5: ASYNC251" "$out"
hasnt "legacy" "$out"
# a file named explicitly is analysed even when excluded (unless --force-exclude)
has "p/legacy/old.py:5:5: ASYNC251" "$(codes p/legacy/old.py)"
check test -z "$(codes --force-exclude p/legacy/old.py)"
# a nested project governs its own files
printf '[tool.asyncscan]\nselect = ["ASYNC230"]\n' >p/sub/pyproject.toml
printf "$blocking" >p/sub/mod.py
out=$(codes p)
has "p/sub/mod.py:6:5: ASYNC230" "$out"
hasnt "p/sub/mod.py:5:5: ASYNC251" "$out"
has "p/src/app/main.py:5:5: ASYNC251" "$out"
# the same through a symbolic link to the project, with the root spelled with a trailing slash (settings use
# discovery's listing of each directory instead of stat'ing for configuration files: it must find the same ones)
ln -s p plink
out=$(codes plink/)
has "plink/sub/mod.py:6:5: ASYNC230" "$out"
hasnt "plink/sub/mod.py:5:5: ASYNC251" "$out"
has "plink/src/app/main.py:5:5: ASYNC251" "$out"
hasnt "plink/legacy" "$out"
mkdir -p deep/a/b && printf 'select = ["ASYNC230"]\n' >deep/a/.asyncscan.toml && printf "$blocking" >deep/a/b/m.py
out=$(codes deep/)
has "deep/a/b/m.py:6:5: ASYNC230" "$out"
hasnt "ASYNC251" "$out"
# a pyproject.toml without [tool.asyncscan] does not count: the search goes on upwards
mkdir -p p/other && printf '[project]\nname = "x"\n' >p/other/pyproject.toml && printf "$blocking" >p/other/m.py
hasnt "p/other/m.py:6:5: ASYNC230" "$(codes p)"
# the command line wins: --select replaces, --ignore adds
out=$(codes --select ASYNC230 p)
has "p/src/app/main.py:6:5: ASYNC230" "$out"
hasnt "ASYNC251" "$out"
# --isolated ignores every configuration; --config names one for every file
has "p/legacy/old.py:6:5: ASYNC230" "$(codes --isolated p)"
printf 'select = ["ASYNC251"]\n' >only251.toml
out=$(codes --config only251.toml p)
has "p/sub/mod.py:5:5: ASYNC251" "$out"
hasnt "ASYNC230" "$out"

# extend-select (ASYNC110 is off by default), extend-exclude, force-exclude and jobs from the file
printf 'import asyncio\n\n\nasync def f(ev):\n    while not ev.is_set():\n        await asyncio.sleep(1)\n' >p/src/app/poll.py
has "p/src/app/poll.py:5:5: ASYNC110" "$(codes p)"
check test -z "$(codes --isolated --select ASYNC110 p/src/app/main.py)"
mkdir -p x/gen x/keep
printf 'extend-exclude = ["gen"]\nforce-exclude = true\njobs = 1\n' >x/asyncscan.toml
printf "$blocking" >x/gen/g.py
printf "$blocking" >x/keep/k.py
out=$(cd x && codes .)
has "keep/k.py:5:5: ASYNC251" "$out"
hasnt "gen/g.py" "$out"
check test -z "$(cd x && codes gen/g.py)"                  # force-exclude from the file: even when named
has "jobs               = 1   # $(cd x && pwd -P)/asyncscan.toml:3" "$(cd x && "$bin" --show-settings .)"

# --- asyncscan.toml: keys at the top level, found before pyproject.toml ------------------------------------
mkdir -p q
printf '[tool.asyncscan]\nselect = ["ASYNC230"]\n' >q/pyproject.toml
printf 'select = ["ASYNC251"]\noutput-format = "json"\n' >q/asyncscan.toml
printf "$blocking" >q/m.py
json=$(cd q && "$bin" --no-cache m.py 2>/dev/null)
check python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert [x["code"] for x in d] == ["ASYNC251"], d' "$json"
printf 'select = ["ASYNC230"]\n' >q/.asyncscan.toml
json=$(cd q && "$bin" --no-cache --output-format json m.py 2>/dev/null)
check python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert [x["code"] for x in d] == ["ASYNC230"], d' "$json"

# --- the blocking table (ASYNC200) -----------------------------------------------------------------------
mkdir -p b/mycompany b/legacy
cat >b/asyncscan.toml <<'T'
[blocking]
"mycompany.db.query" = "use mycompany.aio.query"
"legacy.client.*" = "use the async client"
T
touch b/mycompany/__init__.py
printf 'def query(sql):\n    return sql\n' >b/mycompany/db.py
cat >b/svc.py <<'T'
from mycompany.db import query as q
import legacy.client


def helper():
    return q("select 1")


async def handler():
    q("select 1")
    legacy.client.fetch()
    helper()
T
out=$(cd b && "$bin" --no-cache svc.py 2>&1)
has "svc.py:10:5: ASYNC200 Async functions should not call \`mycompany.db.query\`" "$out"
has "help: use mycompany.aio.query" "$out"
has "svc.py:11:5: ASYNC200 Async functions should not call \`legacy.client.fetch\`" "$out"
has "svc.py:12:5: ASC108" "$out"                                    # and it blocks through helpers too
has "(\`mycompany.db.query\`)" "$out"

# --- rules-dirs: house rules with the built-in format and validation --------------------------------------
mkdir -p h/house
printf 'rules-dirs = ["house"]\n' >h/asyncscan.toml
cat >h/house/ACME001.rule <<'T'
code: ACME001
name: acme-sync-cache
kind: blocking-call
default: on
origin: acme
summary: The sync cache client blocks
message: Async functions should not call `{callee}`
help: Use acme.cache.aio
match: acme.cache.get
---
## What it does
Flags the sync cache client.

## Why is this bad?
It blocks.

## Example
```python
acme.cache.get("k")
```

## Use instead
```python
await acme.cache.aio.get("k")
```
T
printf 'import acme.cache\n\n\nasync def f():\n    acme.cache.get("k")\n' >h/m.py
# run-wide keys (rules-dirs, blocking, respect-gitignore, output-format, jobs) come from the configuration of
# the current directory (or --config)
has "m.py:5:5: ACME001" "$(cd h && codes .)"
has "h/m.py:5:5: ACME001" "$(codes --config h/asyncscan.toml h)"
printf 'code: ACME002\nname: x\n' >h/house/ACME002.rule
(cd h && run .) >/dev/null; check test $? -eq 2
has "ACME002.rule" "$(cat "$tmp/err")"
rm h/house/ACME002.rule

# --- errors ----------------------------------------------------------------------------------------------
mkdir -p e
printf 'select = ["ASYNC251"]\nrespect-gitingore = false\n' >e/asyncscan.toml
printf "$blocking" >e/m.py
run e >/dev/null; check test $? -eq 2
has "asyncscan.toml:2:1: unknown key 'respect-gitingore' (did you mean 'respect-gitignore'?)" "$(cat "$tmp/err")"
printf 'select = ["ASYNC251"\nignore = \n' >e/asyncscan.toml
run e >/dev/null; check test $? -eq 2
has "asyncscan.toml:" "$(cat "$tmp/err")"
has "invalid TOML" "$(cat "$tmp/err")"
# a broken nested configuration met after a file another configuration excludes: its error, exit 2, and
# nothing else (the file list used to keep the excluded path, already freed, and free it again)
mkdir -p e2/a e2/b
printf 'exclude = ["a"]\n' >e2/asyncscan.toml
printf "$blocking" >e2/a/x.py
printf 'select = [\n' >e2/b/asyncscan.toml
printf "$blocking" >e2/b/y.py
run e2 >/dev/null; check test $? -eq 2
check test "$(grep -c . "$tmp/err")" -eq 1
has "e2/b/asyncscan.toml:1:1: invalid TOML" "$(cat "$tmp/err")"
printf 'select = ["ASYNC2511"]\n' >e/asyncscan.toml
run e >/dev/null; check test $? -eq 2
has "ASYNC2511" "$(cat "$tmp/err")"
printf 'jobs = "two"\n' >e/asyncscan.toml
run e >/dev/null; check test $? -eq 2
has "asyncscan.toml:1:8: 'jobs' must be an integer" "$(cat "$tmp/err")"
head -c 5000000 /dev/zero | tr '\0' '#' >e/asyncscan.toml
run e >/dev/null; check test $? -eq 2
has "not a configuration file" "$(cat "$tmp/err")"
rm e/asyncscan.toml
run --config missing.toml e >/dev/null; check test $? -eq 2
has "missing.toml: cannot read" "$(cat "$tmp/err")"

# --- respect-gitignore and force-exclude from the configuration -------------------------------------------
mkdir -p g && (cd g && git init -q . && printf 'ignored.py\n' >.gitignore)
printf "$blocking" >g/ignored.py
check test -z "$(codes g)"
printf 'respect-gitignore = false\n' >g/asyncscan.toml
has "ignored.py:5:5: ASYNC251" "$(cd g && codes .)"
check test -z "$(cd g && codes --respect-gitignore .)"

# --- --show-settings ---------------------------------------------------------------------------------------
out=$("$bin" --show-settings p/tests/test_main.py)
has "config file        = $(cd p && pwd -P)/pyproject.toml" "$out"
has "extend-select      = ASYNC110   # $(cd p && pwd -P)/pyproject.toml:5" "$out"
has "per-file-ignores   = \"tests/*\" = [ASYNC251]" "$out"
has "respect-gitignore  = true   # default" "$out"
out=$("$bin" --show-settings --select ASYNC251 p/sub/mod.py)
has "select             = ASYNC251   # command line" "$out"
has "enabled rules      = ASYNC251" "$out"

# --- type-heuristics: each heuristic on by default, switched off by leaving it out of the list (a setting of
# the run, like rules-dirs: read from the configuration that governs the current directory) -----------------
mkdir -p h
printf 'async def test_x(tmp_path, root):\n    tmp_path.exists()\n    (root / "a").mkdir()\n' >h/test_h.py
cd h
out=$(codes .)
has "test_h.py:2:5: ASYNC240" "$out"
has "test_h.py:3:5: ASYNC240" "$out"
has "type-heuristics    = tmp-path, path-division   # default" "$("$bin" --show-settings test_h.py)"
printf 'type-heuristics = ["path-division"]\n' >asyncscan.toml
out=$(codes .)
hasnt "test_h.py:2:5" "$out"
has "test_h.py:3:5: ASYNC240" "$out"
has "type-heuristics    = path-division   # " "$("$bin" --show-settings test_h.py)"
printf 'type-heuristics = []\n' >asyncscan.toml
check test -z "$(codes .)"
has "type-heuristics    = (none)" "$("$bin" --show-settings test_h.py)"
printf 'type-heuristics = ["tmp-path", "tmp_path"]\n' >asyncscan.toml
run . >/dev/null
check test $? -eq 2
has "asyncscan.toml:1:19: unknown type heuristic 'tmp_path' (known: tmp-path, path-division)" "$(cat "$tmp/err")"
cd ..

# --- --report-unused-noqa (RUF100) -------------------------------------------------------------------------
mkdir -p n
printf 'import asyncio\nimport time\n\n\nasync def f():\n    await asyncio.sleep(1)  # noqa: ASYNC251, F401\n    time.sleep(1)  # noqa: ASYNC251\n    x = 1  # noqa: ASYNC109\n    return x  # noqa\n' >n/m.py
out=$(codes --report-unused-noqa n)
has "n/m.py:6:29: RUF100" "$out"
hasnt "n/m.py:7" "$out"
has "n/m.py:8:12: RUF100" "$out"
hasnt "n/m.py:9" "$out"
out=$(run --report-unused-noqa n)
has "Unused \`noqa\` directive (unused: \`ASYNC251\`)" "$out"
has "Unused \`noqa\` directive (non-enabled: \`ASYNC109\`)" "$out"
check test -z "$(codes n)"
has "n/m.py:6:29: RUF100" "$(codes --extend-select RUF100 n)"
# no limit on a directive's codes: the 40th suppresses, and RUF100 names exactly the unused ones
mkdir -p n40
many="ASYNC210$(for i in $(seq 1 38); do printf ', F%03d' "$i"; done)"
printf 'import time\n\n\nasync def f():\n    time.sleep(1)  # noqa: %s, ASYNC251\n    return 1  # noqa: %s, ASYNC251\n' \
    "$many" "$many" >n40/m.py
out=$(run --report-unused-noqa n40)
hasnt "ASYNC251 " "$out"
check test "$(grep -c RUF100 <<<"$out")" = 2
has "n40/m.py:5:20: RUF100 Unused \`noqa\` directive (unused: \`ASYNC210\`)" "$out"
has "n40/m.py:6:15: RUF100 Unused \`noqa\` directive (unused: \`ASYNC210\`, \`ASYNC251\`)" "$out"

finish
