#!/usr/bin/env bash
# test_ruff_config.sh — ruff's configuration as the fallback when no asyncscan configuration applies:
# [tool.ruff] / ruff.toml / .ruff.toml in ruff's order, each honoured key (lint.select, extend-select, ignore,
# per-file-ignores with `!` patterns, extend-per-file-ignores, exclude, extend-exclude, respect-gitignore,
# force-exclude, the deprecated top-level spellings), other linters' codes and keys ignored, ASC codes untouched
# unless named, nested projects, [tool.asyncscan] winning, `extend` chains (and a cycle), --show-settings naming
# the ruff file and line; and the parity items for asyncscan's own configuration (`!` patterns, unknown codes in
# per-file-ignores and ignore as errors with file:line).
# Usage: test_ruff_config.sh ASYNCSCAN REPO_ROOT
set -u
bin=$1
source "$(dirname "$0")/lib.sh"
cd "$tmp"
export HOME="$tmp/home"
mkdir -p "$HOME"
run() { "$bin" --no-cache --output-format concise "$@" 2>"$tmp/err"; }
codes() { run "$@" | awk '{ print $1 " " $2 }' | sort | tr '\n' ' '; }
expect() { local want=$1; shift; local got; got=$(codes "$@"); [ "$got" = "$want" ] && ok || ko "$*: got '$got', want '$want'"; }
src='import time, requests
async def f(p):
    time.sleep(1)
    open(p)
    requests.get(p)
    return [x async for x in p]
'
put() { for f in "$@"; do mkdir -p "$(dirname "$f")"; printf '%s' "$src" >"$f"; done; }

# --- [tool.ruff] in pyproject.toml: every key -------------------------------------------------------------
put p/m.py p/tests/t.py p/src/s.py p/generated/g.py p/vendor/v.py
cat >p/pyproject.toml <<'T'
[project]
name = "p"

[tool.ruff]
line-length = 100
extend-exclude = ["generated"]
target-version = "py311"

[tool.ruff.lint]
select = ["E", "F", "ASYNC", "A"]
ignore = ["ASYNC230", "E501"]

[tool.ruff.lint.per-file-ignores]
"tests/*" = ["ASYNC251", "S101"]
"!src/**" = ["ASYNC210"]

[tool.ruff.lint.isort]
known-first-party = ["p"]
T
expect "p/m.py:3:5: ASYNC251 p/src/s.py:3:5: ASYNC251 p/src/s.py:5:5: ASYNC210 p/vendor/v.py:3:5: ASYNC251 " p
check test "$(cat "$tmp/err")" = "Found 4 errors in 3 files."
"$bin" --no-cache --show-settings p/tests/t.py >"$tmp/show" 2>&1
check grep -q "config file        = $tmp/p/pyproject.toml" "$tmp/show"
check grep -q "select             = E,F,ASYNC,A   # $tmp/p/pyproject.toml:10" "$tmp/show"
check grep -q "ignore             = ASYNC230,E501   # $tmp/p/pyproject.toml:11" "$tmp/show"
check grep -q "extend-exclude     = generated   # $tmp/p/pyproject.toml:6" "$tmp/show"
check grep -q "per-file-ignores   = \"tests/\*\" = \[ASYNC251,S101\], \"!src/\*\*\" = \[ASYNC210\]   # $tmp/p/pyproject.toml:15" "$tmp/show"
check grep -q "(ruff's)" "$tmp/show"

# exclude replaces the defaults, force-exclude applies it to named files, respect-gitignore off
cat >p/ruff.toml <<'T'
exclude = ["vendor"]
force-exclude = true
respect-gitignore = false
[lint]
extend-per-file-ignores = {"m.py" = ["ASYNC2"]}
T
all3() { for f in "$@"; do printf '%s:3:5: ASYNC251 %s:4:5: ASYNC230 %s:5:5: ASYNC210 ' "$f" "$f" "$f"; done; }
expect "$(all3 p/generated/g.py p/src/s.py p/tests/t.py)" p
# force-exclude and respect-gitignore are run-wide: the configuration of the current directory decides
cd p
expect "" vendor/v.py
"$bin" --no-cache --show-settings m.py >"$tmp/show" 2>&1
check grep -q "config file        = $tmp/p/ruff.toml" "$tmp/show"
check grep -q "force-exclude      = true   # $tmp/p/ruff.toml:2" "$tmp/show"
check grep -q "respect-gitignore  = false   # $tmp/p/ruff.toml:3" "$tmp/show"
cd "$tmp"
# .ruff.toml comes before ruff.toml
printf '[lint]\nignore = ["ASYNC251"]\n' >p/.ruff.toml
got=$(codes p)
case "$got" in *ASYNC251*|"") ko ".ruff.toml did not win: $got" ;; *) ok ;; esac
rm p/.ruff.toml p/ruff.toml

# selectors are ruff's: `A` (flake8-builtins) names no ASYNC code, `ALL` names every code but asyncscan's ASC ones,
# a code asyncscan does not have is dropped without a word; an ASC code is affected when named
mkdir -p s && printf 'import os, time\nasync def f(p):\n    time.sleep(1)\n    os.stat(p)\n' >s/x.py
printf '[lint]\nignore = ["A", "B007", "PLR2004"]\n' >s/ruff.toml
expect "s/x.py:3:5: ASYNC251 s/x.py:4:5: ASC101 " s
check test "$(cat "$tmp/err")" = "Found 2 errors in 1 file."
printf '[lint]\nignore = ["ALL"]\n' >s/ruff.toml
expect "s/x.py:4:5: ASC101 " s
printf '[lint]\nignore = ["ASC1"]\n' >s/ruff.toml
expect "s/x.py:3:5: ASYNC251 " s
# `select` adds what it names to asyncscan's defaults (ASYNC115 is off by default), and never removes them
printf 'import os, time, trio\nasync def f(p):\n    os.stat(p)\n    await trio.sleep(0)\n' >s/x.py
printf '[lint]\nselect = ["F"]\n' >s/ruff.toml
expect "s/x.py:3:5: ASC101 " s
printf '[lint]\nselect = ["ASYNC1"]\n' >s/ruff.toml
expect "s/x.py:3:5: ASC101 s/x.py:4:11: ASYNC115 " s

# --- nested projects and precedence ----------------------------------------------------------------------
put n/a.py n/sub/b.py n/own/c.py n/both/d.py
printf '[tool.ruff.lint]\nignore = ["ASYNC251"]\n' >n/pyproject.toml
printf '[lint]\nignore = ["ASYNC210"]\n' >n/sub/ruff.toml
printf '[tool.asyncscan]\nignore = ["ASYNC230"]\n' >n/own/pyproject.toml
printf '[tool.asyncscan]\nignore = ["ASYNC210"]\n\n[tool.ruff.lint]\nignore = ["ASYNC251", "ASYNC210"]\n' >n/both/pyproject.toml
out=$(run n)
check grep -q "^n/a.py:5:5: ASYNC210" <<<"$out"
check grep -q "^n/sub/b.py:3:5: ASYNC251" <<<"$out"
check test "$(grep -c '^n/a.py' <<<"$out")" = 2
check test "$(grep -c '^n/sub/b.py' <<<"$out")" = 2
# an asyncscan configuration anywhere above wins over ruff's below it, and in the same file
check grep -q "^n/own/c.py:3:5: ASYNC251" <<<"$out"
check grep -q "^n/both/d.py:3:5: ASYNC251" <<<"$out"
check grep -q "^n/both/d.py:4:5: ASYNC230" <<<"$out"
mkdir -p top/r && put top/r/x.py
printf '[tool.asyncscan]\nignore = ["ASYNC230"]\n' >top/pyproject.toml
printf '[lint]\nignore = ["ASYNC251"]\n' >top/r/ruff.toml
expect "top/r/x.py:3:5: ASYNC251 top/r/x.py:5:5: ASYNC210 " top

# --- extend chains ----------------------------------------------------------------------------------------
put e/sub/t_a.py e/sub/m.py e/sub/gen/g.py
printf '[tool.ruff]\nextend-exclude = ["gen"]\n[tool.ruff.lint]\nignore = ["ASYNC230"]\n[tool.ruff.lint.per-file-ignores]\n"sub/t_*.py" = ["ASYNC251"]\n' >e/pyproject.toml
printf 'extend = "../pyproject.toml"\n[lint]\nignore = ["ASYNC210"]\n' >e/sub/ruff.toml
expect "e/sub/m.py:3:5: ASYNC251 " e
"$bin" --no-cache --show-settings e/sub/m.py >"$tmp/show" 2>&1
check grep -q "ignore             = ASYNC230,ASYNC210   # $tmp/e/sub/ruff.toml:3" "$tmp/show"
check grep -q "extend-exclude     = gen   # $tmp/e/sub/../pyproject.toml:2" "$tmp/show"
# a select in the extending file starts afresh: the base's ignore no longer applies
printf 'extend = "../pyproject.toml"\n[lint]\nselect = ["ASYNC2"]\n' >e/sub/ruff.toml
expect "$(all3 e/sub/m.py)e/sub/t_a.py:4:5: ASYNC230 e/sub/t_a.py:5:5: ASYNC210 " e
# a cycle is an error naming the file
printf 'extend = "ruff.toml"\n' >e/sub/.ruff.toml
printf 'extend = ".ruff.toml"\n' >e/sub/ruff.toml
run e >/dev/null
check grep -q "e/sub/ruff.toml: 'extend' chain is circular or deeper than 16 files" "$tmp/err"
rm e/sub/.ruff.toml
printf 'extend = "missing.toml"\n' >e/sub/ruff.toml
run e >/dev/null
check grep -q "ruff.toml: 'extend' names .*missing.toml, which cannot be read" "$tmp/err"

# --- include / extend-include (run-wide: the configuration of the current directory) ----------------------
mkdir -p inc/nb && put inc/a.py inc/b.pyw inc/nb/c.py
cp "$2/fixtures/notebooks/analysis.ipynb" inc/nb/
printf '[tool.ruff]\nextend-include = ["*.pyw"]\n' >inc/pyproject.toml
(cd inc && "$bin" --no-cache --show-files . >"$tmp/files" 2>&1)
check test "$(cat "$tmp/files")" = "$(printf './a.py\n./b.pyw\n./nb/analysis.ipynb\n./nb/c.py')"
printf '[tool.ruff]\ninclude = ["*.py", "**/pyproject.toml"]\n' >inc/pyproject.toml
(cd inc && "$bin" --no-cache --show-files . >"$tmp/files" 2>&1)
check test "$(cat "$tmp/files")" = "$(printf './a.py\n./nb/c.py')"
(cd inc && "$bin" --no-cache --show-settings a.py >"$tmp/show" 2>&1)
check grep -q "include            = \*.py, \*\*/pyproject.toml   # $tmp/inc/pyproject.toml:2" "$tmp/show"
printf '[tool.asyncscan]\ninclude = ["nb/*"]\n' >inc/pyproject.toml
(cd inc && "$bin" --no-cache --show-files . >"$tmp/files" 2>&1)
check test "$(cat "$tmp/files")" = "$(printf './nb/analysis.ipynb\n./nb/c.py')"

# --- a malformed ruff configuration is an error with file:line:col ---------------------------------------
mkdir -p bad && put bad/x.py
printf '[lint]\nignore = 5\n' >bad/ruff.toml
run bad >/dev/null
check grep -q "bad/ruff.toml:2:10: " "$tmp/err"
printf '[lint\n' >bad/ruff.toml
run bad >/dev/null
check grep -q "bad/ruff.toml:1:1: invalid TOML" "$tmp/err"

# --- parity for asyncscan's own configuration --------------------------------------------------------------
put q/src/a.py q/b.py
printf '[tool.asyncscan.per-file-ignores]\n"!src/*" = ["ASYNC251"]\n' >q/pyproject.toml
expect "q/b.py:4:5: ASYNC230 q/b.py:5:5: ASYNC210 $(all3 q/src/a.py)" q
printf '[tool.asyncscan]\nselect = ["ASYNC"]\n\n[tool.asyncscan.per-file-ignores]\n"x.py" = ["ASYNC251"]\n"y.py" = ["ASYNC9999"]\n' >q/pyproject.toml
run q >/dev/null
check test $? -eq 2
check grep -qx "asyncscan: error: $tmp/q/pyproject.toml:6: per-file-ignores: unknown rule selector 'ASYNC9999' (did you mean 'ASYNC109'?)" "$tmp/err"
printf '[tool.asyncscan]\nselect = ["ASYNC"]\nignore = [\n  "ASYNC251",\n  "ASYNC25X",\n]\n' >q/pyproject.toml
run q >/dev/null
check grep -qx "asyncscan: error: $tmp/q/pyproject.toml:3: ignore: unknown rule selector 'ASYNC25X' (did you mean 'ASYNC250'?)" "$tmp/err"
# the same in the configuration of the current directory (the root one, read before the others)
(cd q && run . >/dev/null)
check test $? -eq 2
check grep -qx "asyncscan: error: $tmp/q/pyproject.toml:3: ignore: unknown rule selector 'ASYNC25X' (did you mean 'ASYNC250'?)" "$tmp/err"
finish
