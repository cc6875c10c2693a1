#!/usr/bin/env bash
# test_formats.sh — every output format checked by the consumer-side validators and against golden files:
# SARIF with ajv against the official 2.1.0 schema (+ GitHub's required fields), JUnit with xmllint against
# tests/validators/junit.xsd, JSON / JSON lines / GitLab with python3's json parser (+ GitLab's fields and
# unique fingerprints), GitHub workflow commands decoded with the toolkit's escaping, pylint lines by regex.
# Hostile paths and messages (quotes, commas, colons, newlines, %, <, &, non-ASCII) must survive every format;
# fingerprints must not change when unrelated lines move. Usage: test_formats.sh ASYNCSCAN REPO_ROOT
set -u
bin=$1
root=$2
cd "$root"
source "$(dirname "$0")/lib.sh"

build_dir=$(dirname "$bin")
modules=$(tests/validators/install "${ASYNCSCAN_VALIDATORS:-$build_dir/validators}") || { echo "FAIL: validators could not be installed"; exit 1; }
schema="$modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json"
ajv() { "$modules/.bin/ajv" validate --spec=draft2020 -c ajv-formats --strict=false --all-errors -s "$schema" -d "$1" >"$tmp/ajv.log" 2>&1; }
# reviewdog's Diagnostic Format as a JSON schema (draft 7), as @umbrelladocs/rdformat-validator ships it (from
# reviewdog's protobuf definition)
node -e 'process.stdout.write(JSON.stringify(require(require("path").resolve(process.argv[1])).rdformatSchema))' \
  "$modules/@umbrelladocs/rdformat-validator/dist/types/schema.js" >"$tmp/rdjson.schema.json" || ko "rdjson schema"
ajv_rdjson() { "$modules/.bin/ajv" validate --spec=draft7 --strict=false --all-errors -s "$tmp/rdjson.schema.json" -d "$1" >"$tmp/ajv.log" 2>&1; }

# A tree with hostile names and a message with every special character: the message comes from the rule
# ASC101 with the callee name, so the path carries the characters.
hostile="$tmp/proj"
mkdir -p "$hostile/we\"ird, pa:th %<&> ü"
printf 'import time\nasync def f():\n    time.sleep(1)\n' >"$hostile/we\"ird, pa:th %<&> ü/a b.py"
printf 'import time\nasync def g():\n    time.sleep(1)\n' >"$hostile/new
line.py"

for target in demo hostile; do
  if [ $target = demo ]; then cd "$root"; paths=(fixtures/demo); else cd "$hostile"; paths=(.); fi
  for fmt in json json-lines sarif github gitlab junit pylint grouped rdjson azure; do
    "$bin" --output-format $fmt "${paths[@]}" >"$tmp/$target.$fmt" 2>"$tmp/err"
    [ $? -eq 1 ] && ok || ko "$target $fmt exit status"
  done
  cd "$root"
  cp "$tmp/$target.sarif" "$tmp/$target.sarif.json"
  if ajv "$tmp/$target.sarif.json"; then ok; else ko "$target SARIF fails the 2.1.0 schema: $(cat "$tmp/ajv.log")"; fi
  check python3 - "$tmp/$target.sarif.json" <<'PY'
import json, sys, re
d = json.load(open(sys.argv[1]))
run = d["runs"][0]
rules = run["tool"]["driver"]["rules"]
assert d["version"] == "2.1.0" and run["tool"]["driver"]["name"] == "asyncscan"
for r in rules:  # GitHub's required rule fields
    assert r["id"] and r["shortDescription"]["text"] and r["fullDescription"]["text"] and r["help"]["text"], r
for res in run["results"]:
    assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
    loc = res["locations"][0]["physicalLocation"]
    uri = loc["artifactLocation"]["uri"]
    assert uri and not re.search(r"[ \"<>%\n]", re.sub(r"%[0-9A-F]{2}", "", uri)), uri
    assert loc["region"]["startLine"] >= 1 and loc["region"]["startColumn"] >= 1
    assert re.fullmatch(r"[0-9a-f]{16}:\d+", res["partialFingerprints"]["primaryLocationLineHash"])
assert run["results"], "no results"
PY
  if xmllint --noout --schema tests/validators/junit.xsd "$tmp/$target.junit" 2>"$tmp/xml.log"; then ok; else ko "$target JUnit invalid: $(cat "$tmp/xml.log")"; fi
  check python3 - "$tmp/$target.json" "$tmp/$target.json-lines" "$tmp/$target.gitlab" <<'PY'
import json, sys
arr = json.load(open(sys.argv[1]))
lines = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
assert arr == lines, "json and json-lines differ"
gl = json.load(open(sys.argv[3]))
assert len(gl) == len(arr)
fps = [g["fingerprint"] for g in gl]
assert len(set(fps)) == len(fps), "duplicate GitLab fingerprints"
for g in gl:
    assert g["check_name"] and g["description"].startswith(g["check_name"] + ": ")
    assert g["severity"] in ("info", "minor", "major", "critical", "blocker")
    assert g["location"]["path"] and g["location"]["lines"]["begin"] >= 1
PY
  check python3 - "$tmp/$target.github" "$tmp/$target.pylint" "$tmp/$target.json" <<'PY'
import json, re, sys
def unescape(s):
    return s.replace("%0A", "\n").replace("%0D", "\r").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")
objs = json.load(open(sys.argv[3]))
gh = [l for l in open(sys.argv[1], encoding="utf-8").read().split("\n") if l]
assert len(gh) == len(objs)
for line, o in zip(gh, objs):
    m = re.fullmatch(r"::error (.*?)::(.*)", line)
    props = dict(p.split("=", 1) for p in m.group(1).split(","))
    assert set(props) == {"title", "file", "line", "col", "endLine", "endColumn"}
    assert o["filename"].endswith(unescape(props["file"]).lstrip("./")), (props["file"], o["filename"])
    assert int(props["line"]) == o["location"]["row"] and int(props["col"]) == o["location"]["column"]
    assert unescape(m.group(2)).endswith(o["code"] + " " + o["message"])
pl = open(sys.argv[2], encoding="utf-8").read()
assert len(re.findall(r":(\d+): \[([A-Z]+\d+)\] ", pl)) == len(objs)
PY
  # rdjson: reviewdog's schema, then every field against the JSON report (columns in UTF-8 bytes)
  cp "$tmp/$target.rdjson" "$tmp/$target.rdjson.json"
  if ajv_rdjson "$tmp/$target.rdjson.json"; then ok; else ko "$target rdjson fails reviewdog's schema: $(cat "$tmp/ajv.log")"; fi
  check python3 - "$tmp/$target.rdjson" "$tmp/$target.json" <<'PY'
import json, sys
rd = json.load(open(sys.argv[1], encoding="utf-8"))
objs = json.load(open(sys.argv[2], encoding="utf-8"))
assert rd["source"]["name"] == "asyncscan" and rd["source"]["url"].startswith("http")
assert rd["severity"] in ("UNKNOWN_SEVERITY", "ERROR", "WARNING", "INFO")
diags = rd["diagnostics"]
assert len(diags) == len(objs) and diags
def byte_col(path, row, col):
    line = open(path, encoding="utf-8").read().split("\n")[row - 1]
    return len(line[: col - 1].encode("utf-8")) + 1
for d, o in zip(diags, objs):
    assert set(d) <= {"message", "location", "severity", "source", "code", "suggestions", "original_output", "related_locations"}
    assert d["message"] == o["message"] and d["code"]["value"] == o["code"] and d["code"]["url"] == o["url"]
    assert d["severity"] in ("ERROR", "WARNING", "INFO")
    loc = d["location"]
    assert o["filename"].endswith(loc["path"].lstrip("./")), (loc["path"], o["filename"])
    start, end = loc["range"]["start"], loc["range"]["end"]
    assert start["line"] == o["location"]["row"] and end["line"] == o["end_location"]["row"]
    assert start["column"] == byte_col(o["filename"], o["location"]["row"], o["location"]["column"]), (start, o)
    assert end["column"] == byte_col(o["filename"], o["end_location"]["row"], o["end_location"]["column"]), (end, o)
PY
  # azure: Azure Pipelines logging commands, decoded as azure-pipelines-task-lib does
  check python3 - "$tmp/$target.azure" "$tmp/$target.json" <<'PY'
import json, re, sys
objs = json.load(open(sys.argv[2], encoding="utf-8"))
lines = [l for l in open(sys.argv[1], encoding="utf-8", newline="\n").read().split("\n") if l]
assert len(lines) == len(objs)
def unescape(s):
    return s.replace("%0D", "\r").replace("%0A", "\n").replace("%5D", "]").replace("%3B", ";").replace("%AZP25", "%")
for line, o in zip(lines, objs):
    m = re.fullmatch(r"##vso\[task\.logissue ([^\]]*)\](.*)", line)
    assert m, line
    props = dict(p.split("=", 1) for p in m.group(1).split(";") if p)
    assert set(props) == {"type", "sourcepath", "linenumber", "columnnumber", "code"}, props
    assert props["type"] == "error" and unescape(props["sourcepath"]) == o["filename"], (props, o["filename"])
    assert int(props["linenumber"]) == o["location"]["row"] and int(props["columnnumber"]) == o["location"]["column"]
    assert props["code"] == o["code"] and unescape(m.group(2)) == o["message"]
PY
  # grouped: each file's path, its findings as LINE:COL CODE message (aligned), then a blank line (the hostile
  # tree's paths hold newlines, which text formats may show escaped: there only the findings are counted)
  check python3 - "$tmp/$target.grouped" "$tmp/$target.json" "$target" <<'PY'
import json, re, sys
objs = json.load(open(sys.argv[2], encoding="utf-8"))
text = open(sys.argv[1], encoding="utf-8", newline="\n").read()
if sys.argv[3] == "hostile":
    assert len(re.findall(r"(?m)^  +\d+:\d+ +[A-Z]+\d+ ", text)) == len(objs)
    sys.exit(0)
assert text.endswith(":\n") is False and text.endswith("\n\n")
got = []
for block in text[:-2].split("\n\n"):
    head, *rows = block.split("\n")
    assert head.endswith(":") and rows, block
    widths = set()
    for r in rows:
        m = re.fullmatch(r"  ( *)(\d+):(\d+)( *) ([A-Z]+\d+) (.*)", r)
        assert m, r
        widths.add((len(m.group(1) + m.group(2)), len(m.group(3) + m.group(4))))
        got.append((head[:-1], int(m.group(2)), int(m.group(3)), m.group(5), m.group(6)))
    assert len(widths) == 1, widths   # aligned within the file
want = [(o["filename"], o["location"]["row"], o["location"]["column"], o["code"], o["message"]) for o in objs]
assert len(got) == len(want)
for g, w in zip(got, want):
    assert w[0].endswith(g[0].lstrip("./")) and g[1:] == w[1:], (g, w)
PY
done

# golden files of every format on the demo (paths normalised)
for fmt in json-lines sarif github gitlab junit pylint grouped rdjson azure; do
  sed "s#$root/##g; s#file://$root/#file:///ROOT/#g" "$tmp/demo.$fmt" >"$tmp/norm"
  if [ "${ASYNCSCAN_UPDATE_GOLDEN:-0}" = 1 ]; then cp "$tmp/norm" "fixtures/golden/demo.$fmt"; ok
  elif diff -u "fixtures/golden/demo.$fmt" "$tmp/norm" >"$tmp/diff"; then ok; else ko "golden demo.$fmt differs"; cat "$tmp/diff"; fi
done

# a clean run is valid too: empty SARIF results, JUnit with zero failures
"$bin" --output-format sarif fixtures/clean >"$tmp/clean.sarif.json"
if ajv "$tmp/clean.sarif.json"; then ok; else ko "clean SARIF invalid"; fi
"$bin" --output-format junit fixtures/clean >"$tmp/clean.junit"
if xmllint --noout --schema tests/validators/junit.xsd "$tmp/clean.junit" 2>/dev/null && grep -q 'failures="0"' "$tmp/clean.junit"; then ok; else ko "clean JUnit"; fi
"$bin" --output-format gitlab fixtures/clean >"$tmp/clean.gitlab"
check python3 -c 'import json,sys; assert json.load(open(sys.argv[1])) == []' "$tmp/clean.gitlab"

# fingerprints do not move when unrelated lines are added above a finding
mkdir -p "$tmp/fp"
cp fixtures/demo/app/server.py "$tmp/fp/server.py"
(cd "$tmp/fp" && "$bin" --output-format sarif server.py >"$tmp/fp1.json"; "$bin" --output-format gitlab server.py >"$tmp/gl1.json")
{ printf '# a new header comment\n\n"""A docstring."""\n'; cat fixtures/demo/app/server.py; } >"$tmp/fp/server.py"
(cd "$tmp/fp" && "$bin" --output-format sarif server.py >"$tmp/fp2.json"; "$bin" --output-format gitlab server.py >"$tmp/gl2.json")
check python3 - "$tmp/fp1.json" "$tmp/fp2.json" "$tmp/gl1.json" "$tmp/gl2.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
fa = [r["partialFingerprints"]["primaryLocationLineHash"] for r in a["runs"][0]["results"]]
fb = [r["partialFingerprints"]["primaryLocationLineHash"] for r in b["runs"][0]["results"]]
la = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in a["runs"][0]["results"]]
lb = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in b["runs"][0]["results"]]
assert fa == fb and fa and [x + 3 for x in la] == lb, (fa, fb, la, lb)
ga, gb = (json.load(open(p)) for p in sys.argv[3:5])
assert [g["fingerprint"] for g in ga] == [g["fingerprint"] for g in gb]
PY

# rdjson columns count UTF-8 bytes: "ü" and "€" before the call move its start by 1 and 2 bytes more than characters
mkdir -p "$tmp/utf"
printf 'import time\nasync def f():\n    s = "ü€"; time.sleep(1)\n' >"$tmp/utf/u.py"
(cd "$tmp/utf" && "$bin" --output-format rdjson u.py >"$tmp/u.rdjson"; "$bin" --output-format json u.py >"$tmp/u.json")
check python3 - "$tmp/u.rdjson" "$tmp/u.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["diagnostics"][0]["location"]["range"]
j = json.load(open(sys.argv[2]))[0]
assert (j["location"]["column"], j["end_location"]["column"]) == (15, 25), j
assert (r["start"]["column"], r["end"]["column"]) == (18, 28), r
PY

# identical lines: each finding's fingerprint counts the earlier ones with the same hash (1, 2, 3 in SARIF;
# distinct GitLab fingerprints), in a file of several hundred such findings
mkdir -p "$tmp/rep"
{ printf 'import time\nasync def f():\n'; for _ in $(seq 300); do printf '    time.sleep(1)\n'; done; } >"$tmp/rep/rep.py"
(cd "$tmp/rep" && "$bin" --output-format sarif rep.py >"$tmp/rep.sarif"; "$bin" --output-format gitlab rep.py >"$tmp/rep.gitlab")
check python3 - "$tmp/rep.sarif" "$tmp/rep.gitlab" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))["runs"][0]["results"]
fps = [r["partialFingerprints"]["primaryLocationLineHash"] for r in res]
assert len(fps) == 300 and len({f.split(":")[0] for f in fps}) == 1, fps[:3]
assert [int(f.split(":")[1]) for f in fps] == list(range(1, 301)), fps[:5]
gl = json.load(open(sys.argv[2]))
assert len({g["fingerprint"] for g in gl}) == 300
PY

# GitLab paths are relative to CI_PROJECT_DIR when it is set (from a subdirectory, and given absolute paths)
mkdir -p "$tmp/glproj/sub/pkg"
cp fixtures/demo/app/server.py "$tmp/glproj/sub/pkg/server.py"
(cd "$tmp/glproj/sub" && CI_PROJECT_DIR="$tmp/glproj/" "$bin" --output-format gitlab pkg >"$tmp/glp1.json")
(cd / && CI_PROJECT_DIR="$tmp/glproj" "$bin" --output-format gitlab "$tmp/glproj/sub/pkg" >"$tmp/glp2.json")
(cd "$tmp/glproj/sub" && CI_PROJECT_DIR=/nonexistent "$bin" --output-format gitlab pkg >"$tmp/glp3.json")
check python3 - "$tmp/glp1.json" "$tmp/glp2.json" "$tmp/glp3.json" <<'PY'
import json, sys
a, b, c = (json.load(open(p)) for p in sys.argv[1:4])
assert a and {g["location"]["path"] for g in a} == {"sub/pkg/server.py"}, a[0]["location"]
assert {g["location"]["path"] for g in b} == {"sub/pkg/server.py"}, b[0]["location"]
assert {g["location"]["path"] for g in c} == {"pkg/server.py"}, c[0]["location"]
PY

# paths: relative under the current directory, absolute outside it
"$bin" --output-format concise "$hostile/new
line.py" >"$tmp/abs" 2>/dev/null
if grep -q "^$hostile/new" "$tmp/abs"; then ok; else ko "absolute path outside the current directory"; fi

finish
