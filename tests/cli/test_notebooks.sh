#!/usr/bin/env bash
# test_notebooks.sh — Jupyter notebooks end to end (fixtures/notebooks/): discovery in directory walks (and
# .ipynb_checkpoints left out), positions in cell terms in every output format (JSON `cell`, rows within the
# cell, `noqa_row`; `path:cell N:L:C:` in the text formats; the file's first line plus the cell in the message
# where a format points into the file), magics neutralised, a cell's top-level await as async context,
# `# noqa`, `--add-noqa` editing only the source strings of the edited lines, a fix, invalid JSON, a broken cell, a
# notebook of another language, stdin with --stdin-filename, and the result cache.
# Usage: test_notebooks.sh ASYNCSCAN REPO_ROOT
set -u
bin=$1
root=$2
source "$(dirname "$0")/lib.sh"
nb="$root/fixtures/notebooks"
cd "$tmp"
mkdir -p p/.ipynb_checkpoints p/sub
cp "$nb/analysis.ipynb" p/sub/
cp "$nb/analysis.ipynb" p/.ipynb_checkpoints/analysis-checkpoint.ipynb

# discovery: the walk finds the notebook, not its checkpoint copy
"$bin" --no-cache --show-files p >"$tmp/files" 2>&1
check grep -qx "p/sub/analysis.ipynb" "$tmp/files"
check test "$(grep -c ipynb "$tmp/files")" = 1

# concise: ruff's `path:cell N:L:C:`; markdown, raw and %%bash cells are not code; cell 5 does not await
cd p
"$bin" --no-cache --output-format concise sub >"$tmp/concise" 2>"$tmp/err"
check test $? -eq 1
want='sub/analysis.ipynb:cell 3:3:12: ASYNC210 Async functions should not call blocking HTTP methods
sub/analysis.ipynb:cell 4:2:1: ASYNC251 Async functions should not call `time.sleep`
sub/analysis.ipynb:cell 4:4:6: ASYNC230 Async functions should not open files with blocking methods like `open`
sub/analysis.ipynb:cell 4:5:5: ASYNC232 Async functions should not call blocking methods on file objects
sub/analysis.ipynb:cell 8:2:5: ASYNC251 Async functions should not call `time.sleep`'
if [ "$(cat "$tmp/concise")" = "$want" ]; then ok; else ko "concise: $(cat "$tmp/concise")"; fi
check test "$(cat "$tmp/err")" = "Found 5 errors in 1 file."

# full: the header in cell terms and the source line of the cell, as written (the magic too)
"$bin" --no-cache sub >"$tmp/full" 2>&1
check grep -q '^sub/analysis.ipynb:cell 3:3:12: ASYNC210' "$tmp/full"
check grep -q '^3 |     return requests.get(url)  # café$' "$tmp/full"
check grep -q '^5 |     f.read()$' "$tmp/full"

# json and json-lines: cell, rows within the cell, noqa_row
"$bin" --no-cache --output-format json sub >"$tmp/json" 2>/dev/null
"$bin" --no-cache --output-format json-lines sub >"$tmp/jsonl" 2>/dev/null
check python3 - "$tmp/json" "$tmp/jsonl" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
b = [json.loads(l) for l in open(sys.argv[2])]
assert a == b, (a, b)
got = [(d["cell"], d["location"]["row"], d["location"]["column"], d["end_location"]["row"],
        d["end_location"]["column"], d["noqa_row"], d["code"]) for d in a]
want = [(3, 3, 12, 3, 24, 3, "ASYNC210"), (4, 2, 1, 2, 11, 2, "ASYNC251"), (4, 4, 6, 4, 10, 4, "ASYNC230"),
        (4, 5, 5, 5, 11, 5, "ASYNC232"), (8, 2, 5, 2, 15, 2, "ASYNC251")]
assert got == want, got
assert all(d["filename"].endswith("/p/sub/analysis.ipynb") for d in a)
PY

# the formats that point into the file: line 1 of the .ipynb, the cell's position in the text
"$bin" --no-cache --output-format pylint sub >"$tmp/pylint" 2>/dev/null
check grep -qx 'sub/analysis.ipynb:1: \[ASYNC210\] cell 3:3:12: Async functions should not call blocking HTTP methods' "$tmp/pylint"
"$bin" --no-cache --output-format github sub >"$tmp/github" 2>/dev/null
check grep -qx '::error title=asyncscan (ASYNC251),file=sub/analysis.ipynb,line=1,col=1,endLine=1,endColumn=1::sub/analysis.ipynb:cell 8:2:5: ASYNC251 Async functions should not call `time.sleep`' "$tmp/github"
"$bin" --no-cache --output-format gitlab sub >"$tmp/gitlab" 2>/dev/null
"$bin" --no-cache --output-format sarif sub >"$tmp/sarif" 2>/dev/null
"$bin" --no-cache --output-format junit sub >"$tmp/junit" 2>/dev/null
check python3 - "$tmp/gitlab" "$tmp/sarif" <<'PY'
import json, sys
gl = json.load(open(sys.argv[1]))
assert [g["location"]["lines"] for g in gl] == [{"begin": 1, "end": 1}] * 5, gl
assert gl[0]["description"] == "ASYNC210: cell 3:3:12: Async functions should not call blocking HTTP methods", gl[0]
assert len({g["fingerprint"] for g in gl}) == 5
sarif = json.load(open(sys.argv[2]))
res = sarif["runs"][0]["results"]
assert [r["message"]["text"].split(": ")[0] for r in res] == ["cell 3:3:12", "cell 4:2:1", "cell 4:4:6", "cell 4:5:5",
                                                              "cell 8:2:5"], res
assert all(r["locations"][0]["physicalLocation"]["region"]["startLine"] == 1 for r in res)
PY
if xmllint --noout --schema "$root/tests/validators/junit.xsd" "$tmp/junit" 2>"$tmp/xml.log"; then ok; else ko "junit: $(cat "$tmp/xml.log")"; fi
check grep -q '>sub/analysis.ipynb:cell 4:2:1: ASYNC251 ' "$tmp/junit"
check grep -q '<testcase name="asyncscan.ASYNC251" classname="sub/analysis" file="sub/analysis.ipynb">' "$tmp/junit"
"$bin" --no-cache --output-format grouped sub >"$tmp/grouped" 2>/dev/null
check grep -qx '  cell 3:3:12 ASYNC210 Async functions should not call blocking HTTP methods' "$tmp/grouped"
"$bin" --no-cache --output-format azure sub >"$tmp/azure" 2>/dev/null
check grep -q 'linenumber=1;columnnumber=1;code=ASYNC251;\]cell 8:2:5: Async functions' "$tmp/azure"
"$bin" --no-cache --output-format rdjson sub >"$tmp/rdjson" 2>/dev/null
check python3 -c 'import json,sys; d = json.load(open(sys.argv[1]))["diagnostics"]; assert [x["message"].split(": ")[0] for x in d] == ["cell 3:3:12", "cell 4:2:1", "cell 4:4:6", "cell 4:5:5", "cell 8:2:5"]; assert all(x["location"]["range"]["start"] == {"line": 1, "column": 1} for x in d), d' "$tmp/rdjson"
# fixes (test_notebook_fixes.sh has the rest): the two time.sleep calls in async code (a top-level await cell
# too) become `await asyncio.sleep`, on a copy; the magics stay as written
mkdir -p "$tmp/fixed" && cp sub/analysis.ipynb "$tmp/fixed/"
"$bin" --no-cache --fix --unsafe-fixes --output-format concise "$tmp/fixed" >/dev/null 2>"$tmp/err"
check test "$(cat "$tmp/err")" = "Found 5 errors (2 fixed, 3 remaining)."
check python3 - sub/analysis.ipynb "$tmp/fixed/analysis.ipynb" "$tmp/json" <<'PY'
import json, sys
old, new = (json.load(open(p))["cells"] for p in sys.argv[1:3])
changed = [(i + 1, "".join(b["source"])) for i, (a, b) in enumerate(zip(old, new)) if a != b]
assert [c for c, _ in changed] == [4, 8], changed
assert "await asyncio.sleep(1)\n" in changed[0][1] and "    await asyncio.sleep(5)\n" in changed[1][1]
assert "%matplotlib inline\n" in "".join(new[1]["source"])
fixes = {d["cell"]: d["fix"] for d in json.load(open(sys.argv[3])) if d["code"] == "ASYNC251"}
assert fixes[4]["edits"][0]["content"] == "await asyncio.sleep" and fixes[4]["edits"][0]["location"]["row"] == 2
PY
cd "$tmp"

# the cache gives the same positions
"$bin" --output-format concise p/sub >"$tmp/c1" 2>/dev/null
"$bin" --output-format concise p/sub >"$tmp/c2" 2>/dev/null
check cmp -s "$tmp/c1" "$tmp/c2"
check test "$(sed 's|^p/||' "$tmp/c1")" = "$want"

# --add-noqa: the directives go into the source strings; every other byte stays (outputs, metadata, the
# 1-space indentation, the escape-free UTF-8, the trailing newline)
cp p/sub/analysis.ipynb before.ipynb
"$bin" --no-cache --add-noqa p/sub 2>"$tmp/err"
check grep -q "Added 5 noqa directives." "$tmp/err"
check python3 - before.ipynb p/sub/analysis.ipynb <<'PY'
import difflib, json, sys
old, new = open(sys.argv[1], encoding="utf-8").read(), open(sys.argv[2], encoding="utf-8").read()
changed = [(a, b) for a, b in zip(old.splitlines(), new.splitlines()) if a != b]
assert len(old.splitlines()) == len(new.splitlines()) and new.endswith("}\n")
want = [('    "    return requests.get(url)  # café\\n"', '    "    return requests.get(url)  # café  # noqa: ASYNC210\\n"'),
        ('    "time.sleep(1)\\n",', '    "time.sleep(1)  # noqa: ASYNC251\\n",'),
        ('    "with open(\\"data.txt\\") as f:\\n",', '    "with open(\\"data.txt\\") as f:  # noqa: ASYNC230\\n",'),
        ('    "    f.read()"', '    "    f.read()  # noqa: ASYNC232"'),
        ('    "    time.sleep(5)\\n"', '    "    time.sleep(5)  # noqa: ASYNC251\\n"')]
assert changed == want, changed
o, n = json.loads(old), json.loads(new)
for a, b in zip(o["cells"], n["cells"]):
    assert {k: v for k, v in a.items() if k != "source"} == {k: v for k, v in b.items() if k != "source"}
assert o["metadata"] == n["metadata"]
PY
"$bin" --no-cache p/sub >/dev/null 2>&1
check test $? -eq 0
cp p/sub/analysis.ipynb once.ipynb
"$bin" --no-cache --add-noqa p/sub 2>"$tmp/err"
check grep -q "Added 0 noqa directives." "$tmp/err"
check cmp -s once.ipynb p/sub/analysis.ipynb

# invalid JSON: one line naming the file, the other files still reported
mkdir -p q
printf '{\n "cells": [\n  {"cell_type": "code", "source": ["x = 1\\n"],}\n ]\n}\n' >q/invalid_json.ipynb
python3 - "$nb/analysis.ipynb" q/broken_cell.ipynb <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
broken = {"cell_type": "code", "execution_count": None, "id": "b2", "metadata": {}, "outputs": [],
          "source": ["def broken(:\n", "    pass\n"]}
d["cells"] = [d["cells"][1], broken, d["cells"][7]]
json.dump(d, open(sys.argv[2], "w"), indent=1)
PY
printf 'import time\nasync def f():\n    time.sleep(1)\n' >q/m.py
"$bin" --no-cache --output-format concise q >"$tmp/out" 2>"$tmp/err"
check test $? -eq 2
check grep -qx 'asyncscan: error: q/invalid_json.ipynb: invalid notebook JSON at line 3, column 47: string or .}. expected near .}.' "$tmp/err"
# a syntax error in one cell: the error names the cell, the other cells are reported
check grep -qx 'asyncscan: error: q/broken_cell.ipynb: invalid syntax in cell 2 at line 1, column 12 (the intact parts were analysed)' "$tmp/err"
check grep -qx 'q/broken_cell.ipynb:cell 3:2:5: ASYNC251 Async functions should not call `time.sleep`' "$tmp/out"
check grep -qx 'q/m.py:3:5: ASYNC251 Async functions should not call `time.sleep`' "$tmp/out"
# the same from the cache (a result with an error keeps its cell positions)
"$bin" --output-format concise q >/dev/null 2>&1
"$bin" --output-format concise q >"$tmp/out2" 2>/dev/null
check cmp -s "$tmp/out" "$tmp/out2"

# hostile notebooks: one error line each, the normal file still reported, nothing hangs
mkdir -p h
printf 'import time\nasync def f():\n    time.sleep(1)\n' >h/ok.py
python3 -c 'print("[" * 100000 + "]" * 100000)' >h/deep.ipynb
printf '{"cells": [{"cell_type": "code", "source": ["x = \xff\xfe"]}], "nbformat": 4}' >h/utf8.ipynb
printf '{"cells": [{"cell_type": "code", "source": ["x = \\u0000"]}], "nbformat": 4}' >h/nul.ipynb
printf '{"cells": [], "cells": [], "nbformat": 4}' >h/dup.ipynb
python3 -c 'import json; print(json.dumps({"cells": [{"cell_type": "code", "source": ["x = 1\n"] * 3000}] * 300, "nbformat": 4}))' >h/big.ipynb
mkfifo h/fifo.ipynb
timeout 60 "$bin" --no-cache --max-file-size 4000000 --output-format concise h >"$tmp/out" 2>"$tmp/err"
check test $? -eq 2
check grep -qx 'h/ok.py:3:5: ASYNC251 Async functions should not call `time.sleep`' "$tmp/out"
for f in deep utf8 nul dup big fifo; do
  check test "$(grep -c "^asyncscan: error: h/$f.ipynb: " "$tmp/err")" = 1
done
check grep -q "h/big.ipynb: file is larger than the size limit" "$tmp/err"
check grep -q "h/fifo.ipynb: not a regular file" "$tmp/err"
check grep -q "h/dup.ipynb: invalid notebook JSON at line 1, column .*duplicate" "$tmp/err"

# another kernel's notebook: nothing to analyse
python3 - "$nb/analysis.ipynb" r.ipynb <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["metadata"]["language_info"]["name"] = "R"
json.dump(d, open(sys.argv[2], "w"))
PY
"$bin" --no-cache r.ipynb >"$tmp/out" 2>&1
check test $? -eq 0

# stdin named as a notebook
"$bin" --no-cache --output-format concise --stdin-filename x/analysis.ipynb - <"$nb/analysis.ipynb" >"$tmp/out" 2>&1
check grep -qx 'x/analysis.ipynb:cell 8:2:5: ASYNC251 Async functions should not call `time.sleep`' "$tmp/out"

# a top-level await only makes its own cell async: the same call in a cell without one is not reported
printf '{"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": ["import time, asyncio\\n", "time.sleep(1)"]}, {"cell_type": "code", "metadata": {}, "outputs": [], "source": ["async with asyncio.timeout(1):\\n", "    pass\\n", "def g():\\n", "    time.sleep(2)\\n", "time.sleep(3)\\n"]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}' >aw.ipynb
"$bin" --no-cache --output-format concise aw.ipynb >"$tmp/out" 2>&1
check test "$(cat "$tmp/out" | grep -c ASYNC251)" = 1
check grep -qx 'aw.ipynb:cell 2:5:1: ASYNC251 Async functions should not call `time.sleep`' "$tmp/out"
# a chain through the notebook's own functions names their cells
printf '{"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": ["import time\\n", "def g():\\n", "    time.sleep(1)\\n"]}, {"cell_type": "code", "metadata": {}, "outputs": [], "source": ["async def f():\\n", "    g()\\n"]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}' >ch.ipynb
"$bin" --no-cache ch.ipynb >"$tmp/out" 2>&1
check grep -q '^  = chain: g() (ch.ipynb:cell 1:2) -> time.sleep (ch.ipynb:cell 1:3)$' "$tmp/out"
"$bin" --no-cache --output-format json ch.ipynb >"$tmp/out" 2>/dev/null
check python3 -c 'import json,sys; d = json.load(open(sys.argv[1]))[0]; assert (d["cell"], d["location"]["row"]) == (2, 2); assert [(s["cell"], s["row"]) for s in d["chain"]] == [(1, 2), (1, 3)], d' "$tmp/out"
finish
