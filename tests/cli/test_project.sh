#!/usr/bin/env bash
# test_project.sh — the project-wide pass (ASC108 blocking call through a helper, ASC109 project coroutine
# never awaited) on the multi-file fixture projects in fixtures/project/<name>/: the findings must be exactly
# the `# expect: CODE` comments of their files (path:line:code), the same with -j1/-j2, cold and warm cache,
# with the skip on and off; plus the chain in JSON and SARIF, --max-chain, and stdin.
# Usage: test_project.sh ASYNCSCAN REPO_ROOT
set -u
bin=$1
root=$2
source "$(dirname "$0")/lib.sh"
cd "$root"

expected() {   # path:line:code for every `# expect:` in the project
  grep -rn --include='*.py' -o '# expect: [A-Z0-9, ]*' "$1" |
    awk -F: '{ split($4, codes, /[ ,]+/); for (i in codes) if (codes[i] ~ /^[A-Z]+[0-9]+$/) print $1 ":" $2 ":" codes[i] }' |
    sort
}
actual() {     # path:line:code of the ASC108/ASC109 findings
  "$bin" --output-format concise --select ASC108,ASC109 "$@" 2>/dev/null |
    awk -F: '/: ASC10[89] / { split($4, w, " "); print $1 ":" $2 ":" w[1] }' | sort
}

for dir in fixtures/project/*/; do
  dir=${dir%/}
  want=$(expected "$dir")
  [ -n "$want" ] || ko "$dir has no expectations"
  got=$(actual --no-cache "$dir")
  [ "$got" = "$want" ] && ok || ko "$dir: findings differ from the expectations:$(diff <(echo "$want") <(echo "$got"))"
  check test "$(actual --no-cache -j1 "$dir")" = "$want"
  check test "$(actual --no-cache --no-skip "$dir")" = "$want"
  actual --cache-dir "$tmp/cache" "$dir" >/dev/null
  check test "$(actual --cache-dir "$tmp/cache" "$dir")" = "$want"
  # byte-identical full output whatever the thread count
  a=$("$bin" --no-cache -j1 "$dir" 2>&1); b=$("$bin" --no-cache -j2 "$dir" 2>&1)
  check test "$a" = "$b"
done

# the chain: full text, JSON field, SARIF related locations
out=$("$bin" --no-cache --select ASC108 fixtures/project/helpers 2>/dev/null)
check grep -qF 'chain: fetch_json() (fixtures/project/helpers/app/util/net.py:6) -> _get() (fixtures/project/helpers/app/util/net.py:10) -> requests.get (fixtures/project/helpers/app/util/net.py:11)' <<<"$out"
check grep -qF 'chain: UserRepository.refresh() (fixtures/project/helpers/app/services/users.py:9) -> Repository.reconnect() (fixtures/project/helpers/app/services/base.py:8) -> time.sleep' <<<"$out"
json=$("$bin" --no-cache --select ASC108 --output-format json fixtures/project/helpers)
check python3 -c '
import json, sys
d = json.loads(sys.argv[1])
f = [x for x in d if x["location"]["row"] == 36][0]
assert f["code"] == "ASC108", f
assert [s["label"] for s in f["chain"]] == ["Connection()", "time.sleep"], f["chain"]
assert f["chain"][1]["filename"].endswith("base.py"), f["chain"]
' "$json"
sarif=$("$bin" --no-cache --select ASC108 --output-format sarif fixtures/project/helpers)
check python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
res = d["runs"][0]["results"]
assert len(res) == 6, len(res)
assert all(len(r["relatedLocations"]) >= 2 for r in res)
' <<<"$sarif"   # on stdin: the SARIF (every rule's help) outgrows one argument

# guards: ASC110 (opt-in) where a helper blocks only under a condition the callers cannot see or set
maybe_want=$(grep -rn --include='*.py' '# maybe: ASC110' fixtures/project/guards | awk -F: '{print $1 ":" $2}' | sort)
maybe_got=$("$bin" --no-cache --output-format concise --select ASC110 fixtures/project/guards 2>/dev/null |
  awk -F: '/ ASC110 / {print $1 ":" $2}' | sort)
check test -n "$maybe_want"
check test "$maybe_got" = "$maybe_want"
check test -z "$("$bin" --no-cache --output-format concise fixtures/project/guards 2>/dev/null | grep ASC110)"   # off by default

# thread boundaries from the configuration: a house decorator and a helper named in offload-functions
threads=$("$bin" --no-cache --output-format concise --config fixtures/project/threads/offload.toml \
  fixtures/project/threads 2>/dev/null | awk -F: '{print $2}' | tr '\n' ' ')
check test "$threads" = "50 61 "
check grep -qF 'offload-functions  = app.house.in_worker, *.house.scan_tree   # fixtures/project/threads/offload.toml:2' \
  <<<"$("$bin" --config fixtures/project/threads/offload.toml --show-settings fixtures/project/threads)"

# the root: one place to act for every finding through it (JSON `root` beside `chain`, SARIF properties, the
# full text, --statistics and the summary grouped by it)
check python3 -c '
import json, sys
d = json.loads(sys.argv[1])
for f in d:
    r = f["root"]
    assert list(r) == ["code", "filename", "location", "name"], r
    last = f["chain"][-1]
    assert (r["name"], r["filename"], r["location"]["row"], r["location"]["column"]) == (last["label"], last["filename"], last["row"], last["column"]), f
    keys = list(f)
    assert keys.index("noqa_row") + 1 == keys.index("root") and keys.index("root") + 1 == keys.index("severity"), keys
sleep = [f for f in d if f["root"]["name"] == "time.sleep" and f["root"]["location"]["row"] == 9]
assert len(sleep) == 2 and all(f["root"]["code"] == "ASYNC251" for f in sleep), sleep
' "$json"
check python3 -c '
import json, sys
res = json.loads(sys.stdin.read())["runs"][0]["results"]
assert all(r["properties"]["root"]["ruleId"].startswith("ASYNC") for r in res), res
' <<<"$sarif"
check grep -qF '= root: time.sleep (fixtures/project/helpers/app/services/base.py:9, ASYNC251): `# noqa: ASC108` on that line' <<<"$out"
stats=$("$bin" --no-cache --statistics fixtures/project/helpers)
check grep -qP '^    2\ttime.sleep\tfixtures/project/helpers/app/services/base.py:9 \(ASYNC251\)$' <<<"$stats"
check grep -qP '^    1\topen\tfixtures/project/helpers/app/util/files.py:24 \(ASYNC230\)$' <<<"$stats"
summary=$("$bin" --no-cache --output-format concise fixtures/project/helpers 2>&1 >/dev/null)
check grep -qxF '2 ASC108 findings come from `time.sleep` at fixtures/project/helpers/app/services/base.py:9 (ASYNC251): one `# noqa: ASC108` there, or running its helper in a thread, settles them.' <<<"$summary"
check test "$(grep -c 'findings come from' <<<"$summary")" = 1   # roots with one finding are not repeated
check test -z "$("$bin" --no-cache -q --output-format concise fixtures/project/helpers 2>&1 >/dev/null)"

# --max-chain: step1 -> step2 -> step3 -> step4 -> subprocess.run needs 4 hops
check test "$(actual --no-cache --max-chain 4 fixtures/project/srclayout | grep -c ':9:ASC108')" = 1
check test "$(actual --no-cache --max-chain 3 fixtures/project/srclayout | grep -c ':9:ASC108')" = 0
"$bin" --max-chain 0 fixtures/project/srclayout >/dev/null 2>"$tmp/err"
check test $? -eq 2
check grep -q "invalid value '0' for --max-chain" "$tmp/err"

# disabled rules: nothing from the pass
check test -z "$(actual --no-cache --ignore ASC108,ASC109 fixtures/project/helpers)"

# --show-parsed-files: the skip keeps the two async modules; the pass adds the helper modules it parses on demand
parsed=$("$bin" --show-parsed-files fixtures/project/helpers)
check grep -q 'app/util/net.py$' <<<"$parsed"
check test "$(wc -l <<<"$parsed")" = 9
parsed=$("$bin" --show-parsed-files --ignore ASC108,ASC109 fixtures/project/helpers)
check test "$parsed" = $'fixtures/project/helpers/app/services/uploads.py\nfixtures/project/helpers/app/services/users.py'

# stdin: helpers in the same buffer are seen
src=$'import time\n\ndef nap():\n    time.sleep(1)\n\nasync def main():\n    nap()\n'
out=$(printf '%s' "$src" | "$bin" --output-format concise --stdin-filename m.py - 2>/dev/null)
check grep -q '^m.py:7:5: ASC108' <<<"$out"

# an edited helper module changes the finding in the (unchanged) caller on a warm run
cp -r fixtures/project/helpers "$tmp/edit"
actual --cache-dir "$tmp/c2" "$tmp/edit" >/dev/null
sed -i 's/requests.get(url, timeout=5)/url/' "$tmp/edit/app/util/net.py"
check test "$(actual --cache-dir "$tmp/c2" "$tmp/edit" | grep -c ':15:ASC108')" = 0

# the pass's findings are reused while no file changed (same output), and worked out again after an edit
cp -r fixtures/project/helpers "$tmp/reuse"
reuse_run() { ASYNCSCAN_CACHE_STATS=1 "$bin" --output-format concise --cache-dir "$tmp/c3" "$tmp/reuse" >"$tmp/r$1" 2>"$tmp/r$1.err"; }
reuse_run 1
reuse_run 2
check grep -q 'project pass reused' "$tmp/r2.err"
check cmp -s "$tmp/r1" "$tmp/r2"
check test "$(grep -c ': ASC108 ' "$tmp/r2")" = 6
sed -i 's/requests.get(url, timeout=5)/url/' "$tmp/reuse/app/util/net.py"
reuse_run 3
check test "$(grep -c 'project pass reused' "$tmp/r3.err")" = 0
check test "$(grep -c 'users.py:15:16: ASC108' "$tmp/r3")" = 0
check test "$(grep -c ': ASC108 ' "$tmp/r3")" = 5

# the independent parts of a tree are joined one at a time (as_project_batches): fixtures/project/monorepo
# splits in two, and whatever the split, the output is that of one join of everything
stats=$(ASYNCSCAN_PROJECT_BATCH_FILES=1 ASYNCSCAN_PROJECT_STATS=1 "$bin" --no-cache fixtures/project/monorepo 2>&1 >/dev/null)
check grep -q ', 2 batches$' <<<"$stats"
stats=$(ASYNCSCAN_PROJECT_STATS=1 "$bin" --no-cache fixtures/project/monorepo 2>&1 >/dev/null)
check grep -q ', 1 batch$' <<<"$stats"   # by default a batch holds 8,192 files where the tree allows
for dir in fixtures/project fixtures; do
  one=$(ASYNCSCAN_PROJECT_BATCH_FILES=0 "$bin" --no-cache --select ALL -j2 "$dir" 2>&1)
  split=$(ASYNCSCAN_PROJECT_BATCH_FILES=1 "$bin" --no-cache --select ALL -j2 "$dir" 2>&1)
  check test "$one" = "$split"
  split=$(ASYNCSCAN_PROJECT_BATCH_FILES=1 "$bin" --no-cache --select ALL --no-skip -j1 "$dir" 2>&1)
  check test "$one" = "$split"
done
# with more than one worker, helper modules are analysed from the moment the search needs them (run.c, struct
# ahead): the output is the same whichever thread analysed them and when; "all" waits for every one of them,
# so that path is taken for each on-demand module
for dir in fixtures/project/helpers fixtures; do
  ref=$("$bin" --no-cache --select ALL -j1 "$dir" 2>&1)
  for mode in off on all; do
    check test "$(ASYNCSCAN_AHEAD=$mode "$bin" --no-cache --select ALL -j2 "$dir" 2>&1)" = "$ref"
  done
  stats=$(ASYNCSCAN_AHEAD=all ASYNCSCAN_PROJECT_STATS=1 "$bin" --no-cache -j2 "$dir" 2>&1 >/dev/null)
  demand=$(sed -n 's/.*(\([0-9]*\) parsed on demand).*/\1/p' <<<"$stats")
  check test "$demand" -gt 0
  check grep -q "($demand modules analysed ahead)" <<<"$stats"
  stats=$(ASYNCSCAN_AHEAD=off ASYNCSCAN_PROJECT_STATS=1 "$bin" --no-cache -j2 "$dir" 2>&1 >/dev/null)
  check grep -q "(0 modules analysed ahead)" <<<"$stats"
done

# each part's findings are reused from the cache while its files are as they were
cp -r fixtures/project/monorepo "$tmp/mono"
mono_run() { ASYNCSCAN_PROJECT_BATCH_FILES=1 ASYNCSCAN_CACHE_STATS=1 "$bin" --output-format concise --cache-dir "$tmp/c4" "$tmp/mono" >"$tmp/m$1" 2>"$tmp/m$1.err"; }
mono_run 1
sed -i 's/return 1/return 2/' "$tmp/mono/svc-b/app/util.py"
mono_run 2
check test "$(grep -c 'project pass reused' "$tmp/m2.err")" = 1   # svc-a's; svc-b changed
check cmp -s "$tmp/m1" "$tmp/m2"
check test "$(grep -c ': ASC108 ' "$tmp/m2")" = 2

finish
