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

def run(args, stdin=None):
    return subprocess.run(args, input=stdin, capture_output=True, text=True)

ed = blocks("docs/editors.md")
# nvim-lint: the args list, the buffer name in place of the function
lua = ed["nvim-lint args"]
args_src = re.search(r"args = \{(.*?)\},\n", lua, re.S).group(1)
args = [a if a else "src/buffer.py" for a in re.findall(r'"([^"]*)"|function\(\).*?end', args_src)]
out = run(["asyncscan"] + args, BUFFER)
items = json.loads(out.stdout)
result(len(items) == 1 and items[0]["location"]["row"] == 5 and items[0]["code"] == "ASYNC251"
       and items[0]["end_location"]["column"] > items[0]["location"]["column"], "nvim-lint: " + out.stdout[:300])

# ALE: the 'command' with %e and %s, parsed with ale#handlers#unix's pattern
cmd = re.search(r"'command': '(.*?)'", ed["ale command"]).group(1)
cmd = cmd.replace("%e", "asyncscan").replace("%s", "src/buffer.py")
out = run(cmd.split(), BUFFER)
m = [re.match(r"^.*?:(\d+):(\d+)?:? ?(.+)$", l) for l in out.stdout.splitlines()]
result(len(m) == 1 and m[0] and m[0].group(1) == "5" and m[0].group(3).startswith("ASYNC251"), "ALE: " + out.stdout)

# flycheck: the :command list and the error pattern
el = ed["flycheck command"]
argv = re.findall(r'"([^"]*)"|(source-original)', re.search(r":command \((.*?)\)\n", el).group(1))
argv = [a or "src/buffer.py" for a, _ in [(x, y) for x, y in argv]]
argv = [("src/buffer.py" if a == "" else a) for a in argv]
out = run(argv, BUFFER)
m = [re.match(r"^(.+?):(\d+):(\d+): (\S+) (.*)$", l) for l in out.stdout.splitlines()]
result(len(m) == 1 and m[0] and m[0].group(1) == "src/buffer.py" and m[0].group(4) == "ASYNC251", "flycheck: " + out.stdout)

# VS Code: run the task's command in the project, match its problem matcher's regexp
task = json.loads(ed["vscode tasks.json"])["tasks"][0]
out = subprocess.run(task["command"], shell=True, capture_output=True, text=True)
pat = task["problemMatcher"]["pattern"]
m = [re.match(pat["regexp"], l) for l in out.stdout.splitlines()]
result(len(m) == 1 and m[0] and m[0].group(pat["file"]) == "src/app.py" and m[0].group(pat["line"]) == "5"
       and m[0].group(pat["code"]) == "ASYNC251", "VS Code: " + out.stdout)

# efm-langserver: lint-command with ${INPUT}, lint-formats %f:%l:%c: %m
efm = ed["efm config"]
cmd = re.search(r'lint-command: "(.*?)"', efm).group(1).replace("${INPUT}", "src/buffer.py")
fmt = re.search(r'- "(%f:%l:%c: %m)"', efm).group(1)
rx = "^" + re.escape(fmt).replace("%f", "(.*?)").replace("%l", r"(\d+)").replace("%c", r"(\d+)").replace("%m", "(.*)") + "$"
out = run(cmd.split(), BUFFER)
m = [re.match(rx, l) for l in out.stdout.splitlines()]
result(len(m) == 1 and m[0] and m[0].group(2) == "5", "efm: " + out.stdout)

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
