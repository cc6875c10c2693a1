#!/usr/bin/env bash
# test_docs.sh — the snippets of docs/editors.md and docs/ci.md are exercised: each block marked
# `<!-- test: NAME -->` is read, the asyncscan command it configures is run on a buffer or a small project, and
# the output is parsed the way the snippet tells the editor to (nvim-lint's JSON fields, ALE's and flycheck's
# line patterns, the VS Code problem matcher's regexp, efm's errorformat), or validated like the CI consumers
# do (SARIF 2.1.0 schema with ajv, GitLab Code Quality fields). Usage: test_docs.sh ASYNCSCAN REPO_ROOT
set -u
bin=$1
root=$2
source "$(dirname "$0")/lib.sh"
modules=$(cd "$root" && tests/validators/install "${ASYNCSCAN_VALIDATORS:-$(dirname "$bin")/validators}") || { echo "FAIL: validators"; exit 1; }
export PATH="$(cd "$(dirname "$bin")" && pwd):$PATH"
mkdir -p "$tmp/proj/src"
printf 'import time\n\n\nasync def handler():\n    time.sleep(1)\n' >"$tmp/proj/src/app.py"
cd "$tmp/proj"
python3 - "$root" "$modules" <<'PY'
import json, os, re, subprocess, sys

sys.dont_write_bytecode = True   # nothing written into the source tree
sys.path.insert(0, os.path.join(sys.argv[1], "tests", "cli"))
from pycheck import result, finish

root, modules = sys.argv[1], sys.argv[2]

def blocks(path):
    text = open(os.path.join(root, path), encoding="utf-8").read()
    return {m.group(1): m.group(2) for m in re.finditer(r"<!-- test: (.+?) -->\n```\w*\n(.*?)```", text, re.S)}

BUFFER = "import time\n\n\nasync def handler():\n    time.sleep(1)\n"
CLEAN = "import asyncio\n\n\nasync def handler():\n    await asyncio.sleep(1)\n"
BROKEN = "import time\n\n\nasync def handler(:\n    pass\n"   # a syntax error, no finding
# (buffer name, text, exit status): the cases of the table in docs/editors.md; .venv is excluded by default
CASES = [("src/buffer.py", BUFFER, 1), ("src/buffer.py", CLEAN, 0), (".venv/lib/buffer.py", BUFFER, 0),
         ("src/buffer.py", BROKEN, 2)]

def run(args, stdin=None):
    return subprocess.run(args, input=stdin, capture_output=True, text=True)

ed = blocks("docs/editors.md")
# nvim-lint: the args list, the buffer name in place of the function
lua = ed["nvim-lint args"]
args_src = re.search(r"args = \{(.*?)\},\n", lua, re.S).group(1)
for name, text, status in CASES:
    args = [a if a else name for a in re.findall(r'"([^"]*)"|function\(\).*?end', args_src)]
    out = run(["asyncscan"] + args, text)
    items = json.loads(out.stdout) if out.stdout != "" else []   # the parser's guard, then vim.json.decode
    want = 1 if text is BUFFER and status == 1 else 0
    result(out.returncode == status and len(items) == want and out.stdout.strip().startswith("["),
           "nvim-lint %s (exit %d): %r" % (name, out.returncode, out.stdout[:300]))
    if want:
        result(items[0]["location"]["row"] == 5 and items[0]["code"] == "ASYNC251"
               and items[0]["end_location"]["column"] > items[0]["location"]["column"], "nvim-lint: " + out.stdout[:300])

# ALE: the 'command' with %e and %s, parsed with ale#handlers#unix's pattern
cmd = re.search(r"'command': '(.*?)'", ed["ale command"]).group(1)
for name, text, status in CASES:
    out = run(cmd.replace("%e", "asyncscan").replace("%s", name).split(), text)
    m = [re.match(r"^.*?:(\d+):(\d+)?:? ?(.+)$", l) for l in out.stdout.splitlines()]
    if text is BUFFER and status == 1:
        result(len(m) == 1 and m[0] and m[0].group(1) == "5" and m[0].group(3).startswith("ASYNC251"), "ALE: " + out.stdout)
    else:
        result(out.returncode == status and out.stdout == "", "ALE %s: %r" % (name, out.stdout))

# flycheck: the :command list and the error pattern
el = ed["flycheck command"]
argv = re.findall(r'"([^"]*)"|(source-original)', re.search(r":command \((.*?)\)\n", el, re.S).group(1))
# the two patterns, as regexps (flycheck reads stdout and stderr together)
assert '(error line-start "asyncscan: error: " (file-name) ": " (message "invalid syntax") " at line " line' in el
assert '", column " column))' in el
warning_rx = r"^(.+?):(\d+):(\d+): (\S+) (.*)$"
error_rx = r"^asyncscan: error: (.+?): (invalid syntax) at line (\d+), column (\d+)"
for name, text, status in CASES:
    args = [("src/buffer.py" if a == "" else a) for a, _ in argv]
    args = [name if a == "src/buffer.py" else a for a in args]
    out = run(args, text)
    merged = (out.stdout + out.stderr).splitlines()
    warnings = [m for m in (re.match(warning_rx, l) for l in merged) if m]
    errors = [m for m in (re.match(error_rx, l) for l in merged) if m]
    # flycheck calls a non-zero exit with nothing parsed "suspicious": that must never happen
    result(out.returncode == status and (status == 0 or warnings or errors), "flycheck %s: %r" % (name, merged))
    if text is BUFFER and status == 1:
        result(len(warnings) == 1 and warnings[0].group(1) == name and warnings[0].group(4) == "ASYNC251", "flycheck: %r" % merged)
    if text is BROKEN:
        result(len(errors) == 1 and errors[0].group(1) == name and errors[0].group(3) == "4", "flycheck syntax: %r" % merged)

# VS Code: the background task runs as the terminal would (stdout and stderr together); each check between the
# matchers' begin and end markers is matched; a save (a change of the file) brings a new check
task = json.loads(ed["vscode tasks.json"])["tasks"][0]
assert task["isBackground"] and task["runOptions"]["runOn"] == "folderOpen"
import time as _time
proc = subprocess.Popen(task["command"], shell=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                        env=dict(os.environ, ASYNCSCAN_WATCH_INTERVAL_MS="50"), start_new_session=True)
def next_check():
    """The lines of the next check, between the begin and end markers (or None at end of output)."""
    bg = task["problemMatcher"][0]["background"]
    lines, inside = [], False
    for line in proc.stdout:
        line = line.rstrip("\n")
        if re.search(bg["beginsPattern"], line):
            inside, lines = True, []
        elif inside and re.search(bg["endsPattern"], line):
            return lines
        elif inside:
            lines.append(line)
    return None
def problems(lines):
    found = []
    for pm in task["problemMatcher"]:
        p = pm["pattern"]
        for l in lines:
            m = re.match(p["regexp"], l)
            if m:
                found.append((pm["severity"], m.group(p["file"]), m.group(p["line"]), m.group(p.get("code", p["message"]))))
    return found
try:
    first = next_check()
    result(problems(first or []) == [("warning", "src/app.py", "5", "ASYNC251")], "VS Code first check: %r" % first)
    _time.sleep(0.1)
    open("src/app.py", "w").write(BROKEN)   # the user saves a half-typed edit
    second = next_check()
    result(problems(second or []) == [("error", "src/app.py", "4", "invalid syntax")], "VS Code after a save: %r" % second)
    open("src/app.py", "w").write(BUFFER)
    third = next_check()
    result(problems(third or []) == [("warning", "src/app.py", "5", "ASYNC251")], "VS Code after a fix: %r" % third)
finally:
    os.killpg(proc.pid, 15)
    proc.wait(timeout=10)

# efm-langserver: lint-command with ${INPUT}, lint-formats %f:%l:%c: %m
efm = ed["efm config"]
cmd = re.search(r'lint-command: "(.*?)"', efm).group(1).replace("${INPUT}", "src/buffer.py")
fmt = re.search(r'- "(%f:%l:%c: %m)"', efm).group(1)
rx = "^" + re.escape(fmt).replace("%f", "(.*?)").replace("%l", r"(\d+)").replace("%c", r"(\d+)").replace("%m", "(.*)") + "$"
for name, text, status in CASES:
    out = run(cmd.replace("src/buffer.py", name).split(), text)
    m = [re.match(rx, l) for l in out.stdout.splitlines()]
    if text is BUFFER and status == 1:
        result(len(m) == 1 and m[0] and m[0].group(2) == "5", "efm: " + out.stdout)
    else:
        result(out.returncode == status and not out.stdout, "efm %s: %r" % (name, out.stdout))

ci = blocks("docs/ci.md")
schema = os.path.join(modules, "@microsoft/sarif-multitool-linux/sarif-2.1.0.json")
# GitHub Actions: every `run: asyncscan ...` line
for line in re.findall(r"- run: (asyncscan .*)", ci["github workflow"]):
    out = subprocess.run(line, shell=True, capture_output=True, text=True)
    if "--output-format github" in line:
        result(out.returncode == 1 and out.stdout.startswith("::error title=asyncscan (ASYNC251),file=src/app.py,line=5"),
               "GitHub annotations: " + out.stdout)
    if "sarif" in line:
        result(out.returncode == 0, "SARIF step exit status")
        os.replace("asyncscan.sarif", "asyncscan.sarif.json")
        v = subprocess.run([os.path.join(modules, ".bin/ajv"), "validate", "--spec=draft2020", "-c", "ajv-formats",
                            "--strict=false", "-s", schema, "-d", "asyncscan.sarif.json"], capture_output=True, text=True)
        result(v.returncode == 0, "SARIF from the workflow: " + v.stdout + v.stderr)
# GitLab CI: the script lines that run asyncscan
for line in re.findall(r"- (asyncscan .*)", ci["gitlab job"]):
    out = subprocess.run(line, shell=True, capture_output=True, text=True)
    if "gitlab" in line:
        rep = json.load(open("gl-code-quality-report.json"))
        result(out.returncode == 0 and len(rep) == 1 and rep[0]["check_name"] == "ASYNC251"
               and rep[0]["location"] == {"path": "src/app.py", "lines": {"begin": 5, "end": 5}}
               and re.fullmatch(r"[0-9a-f]{24}", rep[0]["fingerprint"]), "GitLab report: %r" % rep)
    else:
        result(out.returncode == 1, "GitLab gate exit status")
finish()
PY
