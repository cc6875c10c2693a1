#!/usr/bin/env bash
# test_types_project.sh — types across modules (project/project.c, "types through annotated returns"): in
# fixtures/project/typed, async code calls Path methods on the results of functions, methods and properties
# annotated `-> Path` in other modules (and a boto3 client's on a function annotated `-> BaseClient`). The findings must be exactly the `# typed: CODE` and `# expect: CODE`
# comments (the look-alikes: `-> PurePath`, `-> str`, unannotated, a name shadowed locally, Path methods that do
# no I/O), the same in the whole-project run, -j1, cold and warm cache, for the file named alone and on stdin;
# `# noqa` and --ignore-noqa, --add-noqa's round trip (no RUF100 after), the chain in JSON, and an edit of the
# annotation seen by the next warm run.
# Usage: test_types_project.sh ASYNCSCAN REPO_ROOT
set -u
bin=$1
root=$2
source "$(dirname "$0")/lib.sh"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1

proj="$tmp/typed"
cp -r "$root/fixtures/project/typed" "$proj"
git -C "$proj" init -q
cd "$proj"

expected() {   # path:line:code of every `# typed:` / `# expect:` comment
  grep -rn --include='*.py' -oE '# (typed|expect): [A-Z0-9, ]*' app |
    awk -F: '{ split($4, codes, /[ ,]+/); for (i in codes) if (codes[i] ~ /^[A-Z]+[0-9]+$/) print $1 ":" $2 ":" codes[i] }' |
    sort
}
actual() {     # path:line:code of the findings (paths relative to the project)
  "$bin" --output-format concise "$@" 2>/dev/null |
    awk -F: '/^app\// && NF >= 4 { split($4, w, " "); print $1 ":" $2 ":" w[1] }' | sort
}

want=$(expected)
check test "$(grep -c ":ASYNC240$" <<<"$want")" = 9
got=$(actual --no-cache .)
[ "$got" = "$want" ] && ok || ko "whole project: findings differ from the expectations:$(diff <(echo "$want") <(echo "$got"))"
check test "$(actual --no-cache -j1 .)" = "$want"
check test "$(actual --no-cache --no-skip .)" = "$want"
# the summaries (returns, a property's flag, a site's noqa) and the joined findings through the cache
actual --cache-dir "$tmp/cache" . >/dev/null
check test "$(actual --cache-dir "$tmp/cache" .)" = "$want"
# the file named alone and the buffer on stdin are joined with the rest of the project
views=$(grep '^app/views.py:' <<<"$want")
check test "$(actual --no-cache app/views.py)" = "$views"
check test "$(actual --cache-dir "$tmp/cache" app/views.py)" = "$views"
check test "$(actual --no-cache - --stdin-filename app/views.py <app/views.py)" = "$views"
# every rule: nothing else (no RUF100 for the `# noqa: ASYNC240` the join uses)
check test "$(actual --no-cache --select ALL . | grep -v ':ASYNC124$')" = "$want"
# --ignore-noqa: the suppressed line is reported
check grep -qx "app/views.py:$(grep -n '# noqa: ASYNC240' app/views.py | cut -d: -f1):ASYNC240" \
  <<<"$(actual --no-cache --ignore-noqa .)"

# a rule's message says the call as written; a condition on the name (ASC104's unless-callee) holds across modules
check grep -qF 'ASC104 Async functions should not call `s3_client().put_object`: the client is synchronous' \
  <<<"$("$bin" --no-cache --output-format concise . 2>/dev/null)"
check test "$(grep -c ':ASC104$' <<<"$want")" = 1

# the chain names the annotated function
json=$("$bin" --no-cache --output-format json . 2>/dev/null)
mkdir_row=$(grep -n '    data_dir().mkdir()  # typed' app/views.py | cut -d: -f1)
cache_row=$(grep -n '    settings.cache_dir.exists()  # typed' app/views.py | cut -d: -f1)
check python3 -c '
import json, sys
d = {(x["location"]["row"], x["code"]): x for x in json.loads(sys.argv[1])}
f = d[(int(sys.argv[2]), "ASYNC240")]
assert [s["label"] for s in f["chain"]] == ["data_dir() -> pathlib.Path"], f["chain"]
assert f["chain"][0]["filename"].endswith("app/paths.py") and f["chain"][0]["row"] == 7, f["chain"]
f = d[(int(sys.argv[3]), "ASYNC240")]
assert [s["label"] for s in f["chain"]] == ["Settings.cache_dir -> pathlib.Path"], f["chain"]
' "$json" "$mkdir_row" "$cache_row"

# an edit of the annotation is seen by the next warm run, whole and single-file
sed -i 's/def data_dir() -> Path:/def data_dir() -> str:/' app/paths.py
check test "$(actual --cache-dir "$tmp/cache" . | grep -c ":$mkdir_row:ASYNC240$")" = 0
check test "$(actual --cache-dir "$tmp/cache" app/views.py | grep -c ":$mkdir_row:ASYNC240$")" = 0
check test "$(actual --cache-dir "$tmp/cache" . | grep -c ":$cache_row:ASYNC240$")" = 1
sed -i 's/def data_dir() -> str:/def data_dir() -> Path:/' app/paths.py
check test "$(actual --cache-dir "$tmp/cache" .)" = "$want"

# --add-noqa settles the typed findings: none left, and no RUF100 for the directives it wrote
"$bin" --no-cache --add-noqa . >/dev/null 2>&1
check grep -q 'data_dir().mkdir()  # typed: ASYNC240  # noqa: ASYNC240' app/views.py
check test -z "$(actual --no-cache --select ALL . | grep -v ':ASYNC124$')"

finish
