#!/usr/bin/env bash
# test_notebook_fixes.sh — --fix, --unsafe-fixes, --diff, --fix-only and --show-fixes on Jupyter notebooks
# (fixtures/notebooks/fixes*.ipynb): the fixes that add a line (`import asyncio`, `import trio`) and those that
# rewrite a call, written back into the edited cells' `source` values only (tests/cli/nbcheck.py compares every
# other byte: outputs, metadata, ids, key order, indentation, line endings, escapes, the trailing newline), in
# the source's own form (an array of lines in its layout, or one string); ruff's per-cell --diff; a second run
# changing nothing; the import where ruff puts it; a call across two cells left alone with a note; a syntax
# error in one cell leaving the other cells fixed; CRLF, tab-indented and \u-escaped notebooks.
# Usage: test_notebook_fixes.sh ASYNCSCAN REPO_ROOT
set -u
bin=$1
root=$2
source "$(dirname "$0")/lib.sh"
nb="$root/fixtures/notebooks"
nbcheck="$(dirname "$0")/nbcheck.py"
cd "$tmp"

# --diff: ruff's per-cell diff (a header for every code cell, hunks under the changed ones, no "\ No newline"
# note for a cell's last line, a blank line after the notebook); nothing written; exit 1
cp "$nb/fixes.ipynb" a.ipynb
"$bin" --no-cache --diff --unsafe-fixes a.ipynb >diff.out 2>diff.err
check test $? -eq 1
check cmp -s a.ipynb "$nb/fixes.ipynb"
cat >diff.want <<'EOF'
--- a.ipynb:cell 2
+++ a.ipynb:cell 2
--- a.ipynb:cell 3
+++ a.ipynb:cell 3
@@ -1,5 +1,6 @@
+import asyncio
 async def fetch(url):
-    data = requests.get(url)
+    data = await asyncio.to_thread(requests.get, url)
     %time warm_up()
-    time.sleep(1)  # pause, café
+    await asyncio.sleep(1)  # pause, café
     return data
--- a.ipynb:cell 4
+++ a.ipynb:cell 4
@@ -1,2 +1,2 @@
-resp = requests.get('https://example.com')
+resp = await asyncio.to_thread(requests.get, 'https://example.com')
 await fetch('x')
--- a.ipynb:cell 5
+++ a.ipynb:cell 5

EOF
check cmp -s diff.out diff.want
check test "$(cat diff.err)" = "Would fix 3 errors."
# the fixes are unsafe: without --unsafe-fixes there is nothing to show
"$bin" --no-cache --diff a.ipynb >diff2.out 2>diff2.err
check test $? -eq 0
check test ! -s diff2.out
check grep -q "No errors would be fixed (3 fixes available with \`--unsafe-fixes\`)." diff2.err

# findings show their fixes: `[*]`, and in JSON the edits' rows within their own cell (ruff's convention; the
# import goes at the top of cell 3, after the last import before the use, which ends cell 2)
"$bin" --no-cache --unsafe-fixes --output-format concise a.ipynb >c.out 2>/dev/null
check test "$(grep -c '\[\*\]' c.out)" = 3
"$bin" --no-cache --output-format json a.ipynb >j.out 2>/dev/null
check python3 - j.out <<'PY'
import json, sys
d = {(x["cell"], x["location"]["row"], x["code"]): x["fix"] for x in json.load(open(sys.argv[1]))}
f = d[(3, 2, "ASYNC210")]
assert f["applicability"] == "unsafe"
assert [(e["content"], e["location"]["row"], e["location"]["column"]) for e in f["edits"]] == [
    ("import asyncio\n", 1, 1), ("await asyncio.to_thread(", 2, 12), (", ", 2, 24)], f
assert [(e["content"], e["location"]["row"]) for e in d[(4, 1, "ASYNC210")]["edits"]][1:] == [
    ("await asyncio.to_thread(", 1), (", ", 1)]
assert d[(5, 3, "ASYNC230")]["edits"] == []
PY

# --fix: the edited cells' sources only; an array stays one string per line in its layout, a string stays one
# string; outputs (with their non-ASCII text), metadata, ids and the trailing newline untouched
"$bin" --no-cache --fix --unsafe-fixes --show-fixes --output-format concise a.ipynb >fix.out 2>fix.err
check test $? -eq 1
check grep -q "Found 5 errors (3 fixed, 2 remaining)." fix.err
check grep -q "2 × ASYNC210 (blocking-http-call-in-async-function)" fix.err
check grep -q "1 × ASYNC251 (blocking-sleep-in-async-function)" fix.err
check test "$(cat fix.out)" = "a.ipynb:cell 5:3:5: ASYNC230 Async functions should not open files with blocking methods like \`open\`
a.ipynb:cell 5:3:5: ASYNC232 Async functions should not call blocking methods on file objects"
python3 "$nbcheck" "$nb/fixes.ipynb" a.ipynb >changed 2>&1
check test $? -eq 0
check python3 - changed <<'PY'
import json, sys
got = [json.loads(l) for l in open(sys.argv[1])]
want = [[3, '[\n    "import asyncio\\n",\n    "async def fetch(url):\\n",\n'
            '    "    data = await asyncio.to_thread(requests.get, url)\\n",\n    "    %time warm_up()\\n",\n'
            '    "    await asyncio.sleep(1)  # pause, café\\n",\n    "    return data"\n   ]'],
        [4, '"resp = await asyncio.to_thread(requests.get, \'https://example.com\')\\nawait fetch(\'x\')\\n"']]
assert got == want, got
PY
# the fixed notebook is what the diff said, and a second run changes nothing
cp a.ipynb once.ipynb
"$bin" --no-cache --fix --unsafe-fixes a.ipynb >/dev/null 2>fix2.err
check cmp -s a.ipynb once.ipynb
check grep -q "Found 2 errors in 1 file." fix2.err
"$bin" --no-cache --diff --unsafe-fixes a.ipynb >diff3.out 2>/dev/null
check test $? -eq 0
check test ! -s diff3.out

# --fix-only: nothing reported, exit 0; the cache does not change what is fixed
cp "$nb/fixes.ipynb" b.ipynb
"$bin" --fix-only --unsafe-fixes b.ipynb >fo.out 2>fo.err
check test $? -eq 0
check test ! -s fo.out
check test "$(cat fo.err)" = "Fixed 3 errors."
check cmp -s a.ipynb b.ipynb

# the same notebook indented with tabs and written with \u escapes (json.dumps' default): new strings are
# escaped alike, the tabs kept
python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])), indent="\t"))' "$nb/fixes.ipynb" >t.ipynb
cp t.ipynb t0.ipynb
check grep -q '\\u00e9' t.ipynb
"$bin" --no-cache --fix --unsafe-fixes t.ipynb >/dev/null 2>&1
python3 "$nbcheck" t0.ipynb t.ipynb >t.changed 2>&1
check test $? -eq 0
check python3 - t.changed t.ipynb <<'PY'
import json, sys
got = [json.loads(l) for l in open(sys.argv[1])]
assert [c for c, _ in got] == [3, 4], got
assert got[0][1].startswith('[\n\t\t\t\t"import asyncio\\n",\n\t\t\t\t"async def fetch(url):\\n",'), got[0][1]
raw = open(sys.argv[2], "rb").read()
assert raw.isascii() and b'await asyncio.sleep(1)  # pause, caf\\u00e9\\n' in raw, raw
PY

# trio: ASYNC115 and ASYNC116 add `import trio` (only `from trio import sleep` binds it) into the cell after the
# import, an empty `[]` cell here (laid out like the file: CRLF, two spaces); a call that spans two cells is
# left as it is, with a note naming its cell
cp "$nb/fixes_trio.ipynb" tr.ipynb
"$bin" --no-cache --fix --unsafe-fixes --select ASYNC115,ASYNC116 --output-format concise tr.ipynb >tr.out 2>tr.err
check test $? -eq 1
check grep -q "warning: tr.ipynb:cell 4:2:11: ASYNC115: the fix was not applied: its edit would cross the boundary of a notebook cell" tr.err
check test "$(cat tr.out)" = "tr.ipynb:cell 4:2:11: ASYNC115 Use \`trio.lowlevel.checkpoint()\` instead of \`trio.sleep(0)\`"
python3 "$nbcheck" "$nb/fixes_trio.ipynb" tr.ipynb >tr.changed 2>&1
check test $? -eq 0
check python3 - tr.changed tr.ipynb <<'PY'
import json, sys
got = [json.loads(l) for l in open(sys.argv[1])]
want = [[2, '[\r\n        "import trio\\n"\r\n      ]'],
        [3, '[\r\n        "async def a():\\n",\r\n        "    await trio.lowlevel.checkpoint()\\n",\r\n'
            '        "    await trio.sleep_forever()\\n"\r\n      ]']]
assert got == want, got
raw = open(sys.argv[2], "rb").read()
assert raw.count(b"\n") == raw.count(b"\r\n")
PY
cp tr.ipynb tr1.ipynb
"$bin" --no-cache --fix --unsafe-fixes --select ASYNC115,ASYNC116 tr.ipynb >/dev/null 2>&1
check cmp -s tr.ipynb tr1.ipynb

# a syntax error in cell 2: the other cells are fixed (the import after the first cell's), the broken cell 7's
# finding is left with a note; the docstring cell 6 gets no import of its own (one import, before every use)
cp "$nb/fixes_broken.ipynb" br.ipynb
"$bin" --no-cache --fix --unsafe-fixes --output-format concise br.ipynb >br.out 2>br.err
check test $? -eq 2
check grep -q "error: br.ipynb: invalid syntax in cell 2 at line 1, column 12" br.err
check grep -q "warning: br.ipynb:cell 7:2:5: ASYNC251: the fix was not applied: its cell has a syntax error" br.err
check test "$(cat br.out)" = "br.ipynb:cell 7:2:5: ASYNC251 Async functions should not call \`time.sleep\`"
python3 "$nbcheck" "$nb/fixes_broken.ipynb" br.ipynb >br.changed 2>&1
check test $? -eq 0
check python3 - br.changed <<'PY'
import json, sys
got = {c: json.loads(v) for c, v in (json.loads(l) for l in open(sys.argv[1]))}
assert sorted(got) == [1, 3, 4, 6], got
assert got[1] == ["import time\n", "import asyncio\n"], got[1]
assert got[6] == ['"""Docstring."""\n', "async def late():\n", "    await asyncio.sleep(3)\n"], got[6]
PY

# no import before the use: it goes at the top of the first code cell, after its docstring
python3 - late.ipynb <<'PY'
import json, sys
cell = lambda src: {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": src}
nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": ["notes"]},
                cell('"""Docstring."""\nasync def f():\n    time.sleep(1)\n'), cell(["import time\n"])],
      "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
open(sys.argv[1], "w").write(json.dumps(nb, indent=1))
PY
cp late.ipynb late0.ipynb
"$bin" --no-cache --fix --unsafe-fixes late.ipynb >/dev/null 2>&1
check test "$(python3 "$nbcheck" late0.ipynb late.ipynb)" = '[2, "\"\\\"\\\"\\\"Docstring.\\\"\\\"\\\"\\nimport asyncio\\nasync def f():\\n    await asyncio.sleep(1)\\n\""]'
check test "$(tail -c 1 late.ipynb)" = "}"

finish
