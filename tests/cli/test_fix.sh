#!/usr/bin/env bash
# test_fix.sh — fixes (--fix, --unsafe-fixes, --diff, --fix-only, --show-fixes, --exit-non-zero-on-fix, the
# fix/unsafe-fixes/fixable/unfixable keys): every fixtures/fix/NAME.py becomes NAME.py.fixed with
# `--fix --unsafe-fixes --select ALL` (fixtures/fix/checkpoints/: the checkpoint rules), still compiles with python3, and a second run changes nothing; --diff
# writes nothing and its diff, applied with patch, gives the same file; a fix that would add a finding is
# dropped and said; files are written in place.
# Usage: test_fix.sh ASYNCSCAN REPO_ROOT
set -u
bin=$1
root=$2
source "$(dirname "$0")/lib.sh"
cd "$tmp"
# the checkpoint rules' fixes would add a checkpoint to most fixtures: they have their own, fixtures/fix/checkpoints/
rules="ALL --ignore ASYNC91"
run() { "$bin" --no-cache --select $rules "$@"; }
# compiles FILE: python3 compiles it (without writing a __pycache__ beside the fixtures)
compiles() { python3 -c 'import sys; compile(open(sys.argv[1], "rb").read(), sys.argv[1], "exec")' "$1"; }

for src in "$root"/fixtures/fix/*.py "$root"/fixtures/fix/checkpoints/*.py; do
  case $src in */fixtures/fix/checkpoints/*) rules=ASYNC910,ASYNC911,ASYNC913 ;; *) rules="ALL --ignore ASYNC91" ;; esac
  name=$(basename "$src")
  want="$src.fixed"
  mkdir -p d && cp "$src" "d/$name" && cp "$src" "before.py"
  # --diff: exit 1, nothing written, the diff turns the file into the fixed one
  (cd d && run --unsafe-fixes --diff "$name" >"$tmp/diff" 2>"$tmp/err")
  check test $? -eq 1
  check cmp -s "d/$name" before.py
  check grep -q "^--- $name\$" "$tmp/diff"
  check grep -q "^Would fix [0-9]* error" "$tmp/err"
  # (the diff shows decoded text: a latin-1 file's is UTF-8)
  if ! grep -q "coding[:=]" before.py; then
    cp before.py patched.py && patch -s patched.py <"$tmp/diff" && check cmp -s patched.py "$want" || ko "$name: the diff does not apply"
  fi
  # --fix --unsafe-fixes: the expected text, compiling, byte for byte (BOM, CRLF, latin-1 kept)
  (cd d && run --unsafe-fixes --fix "$name" >/dev/null 2>"$tmp/err")
  cmp -s "d/$name" "$want" && ok || { ko "$name: fixed text differs"; diff "$want" "d/$name"; }
  compiles "d/$name" && ok || ko "$name: the fixed file does not compile"
  compiles "$want" && ok || ko "$name.fixed does not compile"
  # idempotent: a second run fixes nothing
  cp "d/$name" once.py
  (cd d && run --unsafe-fixes --fix "$name" >/dev/null 2>"$tmp/err")
  check cmp -s "d/$name" once.py
  grep -q "fixed" "$tmp/err" && ko "$name: the second run fixed something" || ok
  rm -rf d
done
rules="ALL --ignore ASYNC91"

f="$root/fixtures/fix"
# the summary: what --fix would fix, and what --unsafe-fixes would add
run --no-unsafe-fixes "$f/thread_asyncio.py" >/dev/null 2>"$tmp/err"
check grep -q "No fixes available (4 hidden fixes can be enabled with the \`--unsafe-fixes\` option)." "$tmp/err"
run --unsafe-fixes --output-format concise "$f/thread_asyncio.py" >"$tmp/out" 2>"$tmp/err"
check grep -q "\[\*\] 4 fixable with the \`--fix\` option." "$tmp/err"
check grep -q "thread_asyncio.py:8:5: ASYNC210 \[\*\] " "$tmp/out"
grep -q "thread_asyncio.py:15:10: ASYNC230 \[\*\]" "$tmp/out" && ko "a with item is marked fixable" || ok
run --no-unsafe-fixes --output-format concise "$f/sleep_trio.py" >"$tmp/out" 2>"$tmp/err"
check grep -q "\[\*\] 1 fixable with the \`--fix\` option (5 hidden fixes can be enabled" "$tmp/err"
check grep -q "sleep_trio.py:9:11: ASYNC115 \[\*\]" "$tmp/out"
# without a fix option or key, the text formats do not look for fixes (no file is parsed again for them)
run --output-format concise "$f/sleep_trio.py" >"$tmp/out" 2>"$tmp/err"
grep -q "\[\*\]\|fixable\|hidden" "$tmp/out" "$tmp/err" && ko "fix hints without a fix option" || ok

# --fix alone applies the safe fixes only (ASYNC115 without a comment); the summary counts fixed and remaining
cp "$f/sleep_trio.py" t.py
run --fix t.py >/dev/null 2>"$tmp/err"
check test $? -eq 1
check grep -q "Found 6 errors (1 fixed, 5 remaining)." "$tmp/err"
check test "$(grep -c 'lowlevel.checkpoint' t.py)" = 1
check grep -q "await trio.sleep(  # a comment" t.py

# --fix-only: no findings printed, exit 0; --show-fixes lists per file; --exit-non-zero-on-fix
cp "$f/thread_asyncio.py" a.py
run --fix-only --unsafe-fixes --show-fixes a.py >"$tmp/out" 2>"$tmp/err"
check test $? -eq 0
check test ! -s "$tmp/out"
check grep -q "Fixed 4 errors." "$tmp/err"
check grep -q "^- a.py:" "$tmp/err"
check grep -q "    2 × ASYNC210 (blocking-http-call-in-async-function)" "$tmp/err"
cp "$f/crlf_bom.py" c.py
run --fix --unsafe-fixes --exit-non-zero-on-fix c.py >/dev/null 2>&1
check test $? -eq 1
check cmp -s c.py "$f/crlf_bom.py.fixed"
# --diff exits 0 when there is nothing to fix
run --diff --unsafe-fixes c.py >"$tmp/out" 2>/dev/null
check test $? -eq 0
check test ! -s "$tmp/out"

# configuration: fix/unsafe-fixes turn fixing on; --no-fix overrides; unfixable/fixable choose rules
mkdir -p cfg && cp "$f/sleep_asyncio.py" cfg/m.py && cp "$f/thread_asyncio.py" cfg/n.py
printf '[tool.asyncscan]\nfix = true\nunsafe-fixes = true\nunfixable = ["ASYNC251"]\n' >cfg/pyproject.toml
(cd cfg && "$bin" --show-settings . >"$tmp/out")
check grep -q "^  unfixable          = ASYNC251   # .*pyproject.toml:4" "$tmp/out"
check grep -q "^  fix                = true   # .*pyproject.toml:2" "$tmp/out"
(cd cfg && "$bin" --show-settings --no-fix . >"$tmp/out")
check grep -q "^  fix                = false   # command line" "$tmp/out"
(cd cfg && "$bin" --no-cache --no-fix . >/dev/null 2>&1)
check cmp -s cfg/m.py "$f/sleep_asyncio.py"
(cd cfg && "$bin" --no-cache . >/dev/null 2>"$tmp/err")
check cmp -s cfg/m.py "$f/sleep_asyncio.py"
check cmp -s cfg/n.py "$f/thread_asyncio.py.fixed"
printf '[tool.asyncscan]\nfix = true\nunsafe-fixes = true\nfixable = ["ASYNC2"]\nunfixable = ["ASYNC210"]\n' >cfg/pyproject.toml
cp "$f/thread_asyncio.py" cfg/n.py
(cd cfg && "$bin" --no-cache . >/dev/null 2>"$tmp/err")
check grep -q "await asyncio.to_thread(subprocess.run" cfg/n.py
check grep -q "    requests.get(url)" cfg/n.py
check grep -q "await asyncio.sleep(1)" cfg/m.py

# --config 'KEY = VALUE' overrides count like the keys
cp "$f/coroutines.py" ov.py
run --isolated --config 'fix = true' --config 'unsafe-fixes = true' ov.py >/dev/null 2>&1
check cmp -s ov.py "$f/coroutines.py.fixed"

# JSON carries ruff's fix object; RUF006 is a display-only suggestion
run --output-format json "$f/coroutines.py" >"$tmp/out.json" 2>/dev/null
python3 - "$tmp/out.json" <<'PY' && ok || ko "json fix objects"
import json, sys
d = {x["code"]: x for x in json.load(open(sys.argv[1]))}
f = d["ASC107"]["fix"]
assert f["applicability"] == "unsafe" and f["message"] == "Add `await`", f
assert f["edits"] == [{"content": "await ", "end_location": {"column": 5, "row": 10}, "location": {"column": 5, "row": 10}}], f
assert d["RUF006"]["fix"]["applicability"] == "display-only" and d["RUF006"]["fix"]["edits"] == []
PY
run --output-format sarif --unsafe-fixes "$f/thread_asyncio.py" >"$tmp/out.sarif" 2>/dev/null
python3 - "$tmp/out.sarif" <<'PY' && ok || ko "sarif fixes"
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]["results"]
fixes = [x for x in r if "fixes" in x]
assert len(fixes) == 4, len(fixes)
rep = fixes[0]["fixes"][0]["artifactChanges"][0]["replacements"]
assert rep[0]["insertedContent"]["text"] == "import asyncio\n" and rep[0]["deletedRegion"]["startLine"] == 5, rep
PY

# a fix that would add another finding (ASYNC110: the loop now only awaits a sleep) is dropped and said
printf 'import time\n\n\nasync def poll(ready):\n    while not ready():\n        time.sleep(1)\n    time.sleep(2)\n' >loop.py
run --fix --unsafe-fixes loop.py >/dev/null 2>"$tmp/err"
check grep -q "loop.py:6:9: ASYNC251: the fix was not applied: it would leave or add a ASYNC110 finding" "$tmp/err"
check grep -q "^        time.sleep(1)" loop.py
# the same call elsewhere is tried (and said) on its own
printf 'import time\n\n\nasync def poll(ready):\n    while not ready():\n        time.sleep(1)\n    while ready():\n        time.sleep(1)\n' >loop2.py
run --fix --unsafe-fixes loop2.py >/dev/null 2>"$tmp/err"
check grep -q "loop2.py:6:9: ASYNC251: the fix was not applied" "$tmp/err"
check grep -q "loop2.py:8:9: ASYNC251: the fix was not applied" "$tmp/err"
# a fix that makes an enclosing finding go (ASYNC110 about the loop of `await trio.sleep(0)`) is fine
printf 'import trio\n\n\nasync def spin(ready):\n    while not ready():\n        await trio.sleep(0)\n' >spin.py
run --fix spin.py >/dev/null 2>"$tmp/err"
check grep -q "await trio.lowlevel.checkpoint()" spin.py
check grep -q "^    await asyncio.sleep(2)" loop.py
compiles loop.py && ok || ko "loop.py does not compile"

# inside trio's own package (relative imports only) the library is trio, not asyncio
mkdir -p trio/tests && touch trio/__init__.py trio/tests/__init__.py
printf 'import time\nfrom .. import _core\n\n\nasync def test_x():\n    time.sleep(1)\n' >trio/tests/test_a.py
run --fix --unsafe-fixes trio/tests/test_a.py >/dev/null 2>&1
check grep -q "^    await trio.sleep(1)" trio/tests/test_a.py
check grep -q "^import trio" trio/tests/test_a.py

# a file with a syntax error is not fixed, and says so
printf 'import time\n\n\nasync def f():\n    time.sleep(1)\n\n\nx = )\n' >broken.py
cp broken.py broken.orig
run --fix --unsafe-fixes broken.py >/dev/null 2>"$tmp/err"
check cmp -s broken.py broken.orig
check grep -q "broken.py: no fix applied: invalid syntax at line 8" "$tmp/err"

# written in place: a link stays a link; a read-only file is reported and left alone
mkdir -p w && cp "$f/coroutines.py" w/real.py && ln -s real.py w/link.py && chmod 640 w/real.py
ino=$(stat -c %i w/real.py)
run --fix --unsafe-fixes w/link.py >/dev/null 2>&1
check test -L w/link.py
check test "$(stat -c %i w/real.py)" = "$ino"
check test "$(stat -c %a w/real.py)" = 640
check cmp -s w/real.py "$f/coroutines.py.fixed"
cp "$f/coroutines.py" ro.py && chmod 444 ro.py
run --fix --unsafe-fixes ro.py >/dev/null 2>"$tmp/err"
check test $? -eq 2
check grep -q "ro.py: read-only" "$tmp/err"
check cmp -s ro.py "$f/coroutines.py"

# a read-only file with nothing to fix is no error
printf 'async def f(p):\n    with open(p) as g:\n        return g\n' >ro2.py && chmod 444 ro2.py
run --fix --unsafe-fixes ro2.py >/dev/null 2>"$tmp/err"
check test $? -eq 1
grep -q "read-only" "$tmp/err" && ko "ro2.py reported read-only with nothing to write" || ok

# standard input is not rewritten
printf 'x = 1\n' | "$bin" --fix --stdin-filename m.py - >/dev/null 2>"$tmp/err"
check test $? -eq 2
# `rule CODE` says what the fix does and how safe it is
"$bin" rule ASYNC251 >"$tmp/out"
check grep -q "^Fix (unsafe): " "$tmp/out"
"$bin" rule ASYNC115 >"$tmp/out"
check grep -q "^Fix (safe): " "$tmp/out"
"$bin" rule ASC106 >"$tmp/out"
check grep -q "^Fix: none." "$tmp/out"
finish
