#!/usr/bin/env bash
# test_doc_links.sh — the README and docs/ stay true to the tree and to the binary:
# - every relative Markdown link in them resolves to a file of the repository, and a `#anchor` to one of its
#   headings (GitHub's slugs);
# - every repository path they write in backticks (src/..., tests/..., rules/..., a stage-relative
#   `analysis/facts.c` in docs/architecture.md) exists, except on lines that say the thing is still coming;
# - docs/architecture.md's folder table lists every folder of src/ (and only those, besides the coming ones), the
#   files it names in a folder's row are in that folder, and its dependency order names every folder;
# - the README's option table lists every option `asyncscan --help` prints, and nothing else; its output formats
#   are those of src/report/formats.def.
# Usage: test_doc_links.sh ASYNCSCAN REPO_ROOT
set -u
bin=$1
root=$2
source "$(dirname "$0")/lib.sh"
"$bin" --help >"$tmp/help.txt" 2>&1
python3 - "$root" "$tmp/help.txt" <<'PY'
import os, re, sys

sys.dont_write_bytecode = True   # nothing written into the source tree
sys.path.insert(0, os.path.join(sys.argv[1], "tests", "cli"))
from pycheck import result, finish

root, help_path = sys.argv[1], sys.argv[2]

def read(rel):
    with open(os.path.join(root, rel), encoding="utf-8") as f:
        return f.read()

def without_code_blocks(text):
    return re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)

def slug(heading):
    s = heading.strip().lower()
    s = re.sub(r"[^\w\- ]", "", s)
    return s.replace(" ", "-")

def anchors(rel):
    return {slug(h) for h in re.findall(r"^#+ (.*)$", without_code_blocks(read(rel)), re.M)}

DOCS = ["README.md", "docs/architecture.md", "docs/performance.md", "docs/ci.md", "docs/editors.md",
        "rules/README.md", "fixtures/README.md"]
STAGES = r"(?:util|input|analysis|checks|pipeline|project|fix|report|cli|server)"

# 1. links
for doc in DOCS:
    text = without_code_blocks(read(doc))
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue   # http:, https:, mailto:
        path, _, anchor = target.partition("#")
        rel = os.path.normpath(os.path.join(os.path.dirname(doc), path)) if path else doc
        exists = os.path.exists(os.path.join(root, rel))
        result(exists, f"{doc}: link to a missing file: {target}")
        if exists and anchor and rel.endswith(".md"):
            result(anchor in anchors(rel), f"{doc}: link to a missing heading: {target}")

# 2. paths in backticks
for doc in ["README.md", "docs/architecture.md", "docs/performance.md"]:
    for line in read(doc).splitlines():
        if "coming" in line:
            continue
        for code in re.findall(r"`([^`\s]+)`", line):
            code = code.rstrip(".,;:")
            if re.search(r"[*<>{}$%]", code):
                continue   # globs and placeholders
            if re.match(r"(src|queries|rules|scripts|tests|fixtures|docs|\.ci)/", code):
                result(os.path.exists(os.path.join(root, code)), f"{doc}: names a missing path: {code}")
            elif doc == "docs/architecture.md" and re.fullmatch(STAGES + r"/[\w./]+\.(c|h|def)", code):
                result(os.path.exists(os.path.join(root, "src", code)), f"{doc}: names a missing file: src/{code}")

# 3. the folder table and the dependency order
arch = read("docs/architecture.md")
actual = sorted(os.path.relpath(os.path.join(d), root) + "/"
                for d, _, _ in os.walk(os.path.join(root, "src")) if d != os.path.join(root, "src"))
rows = re.findall(r"^\| `(src/[^`]+/)` \| (.*)$", arch, re.M)
listed = {folder for folder, rest in rows}
coming = {folder for folder, rest in rows if "coming" in rest}
for folder in actual:
    result(folder in listed, f"docs/architecture.md: the folder table does not list {folder}")
for folder in listed - coming:
    result(folder in actual, f"docs/architecture.md: the folder table lists {folder}, which does not exist")
for folder, rest in rows:
    for name in re.findall(r"`([\w.]+\.(?:c|h|def))`", rest):
        result(os.path.exists(os.path.join(root, folder, name)), f"docs/architecture.md: {folder}{name} does not exist")
order = re.search(r"^util < .*$", arch, re.M)
result(order is not None, "docs/architecture.md: no dependency order line (util < ...)")
if order:
    for folder in actual:
        top = folder.split("/")[1]
        result(re.search(r"\b" + top + r"\b", order.group(0)) is not None,
               f"docs/architecture.md: the dependency order does not place {top}")

# 4. the README's option table against --help, its formats against formats.def
readme = read("README.md")
usage = readme[readme.index("## Usage"):readme.index("**Exit status**")]
table_options = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*|-[a-zA-Z])\b", "\n".join(
    l.split("|")[1] for l in usage.splitlines() if l.startswith("| `"))))
help_text = open(help_path).read()
help_options = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*|-[a-zA-Z])\b",
                              help_text[help_text.index("options:"):]))
result(len(help_options) > 20, f"--help lists options: {sorted(help_options)}")
for opt in sorted(help_options - table_options):
    result(False, f"README option table lacks {opt} (printed by --help)")
for opt in sorted(table_options - help_options):
    result(False, f"README option table has {opt}, which --help does not print")
formats = re.findall(r'^X\(\w+, "([\w-]+)"\)', read("src/report/formats.def"), re.M)
section = readme[readme.index("## Output formats"):readme.index("## Integrations")]
documented = re.findall(r"^- `([\w-]+)`", section, re.M)
result(len(formats) > 5 and sorted(formats) == sorted(documented),
       f"README output formats {documented} are not formats.def's {formats}")

finish()
PY
