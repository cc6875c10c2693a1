#!/usr/bin/env bash
# test_single_file.sh — a file named alone and a buffer on stdin are joined with the rest of their project
# (project/scope.h): for every file of every fixture project (fixtures/project/<name>, copied into a scratch
# git repository so that its root is found), `asyncscan FILE`, `asyncscan - --stdin-filename FILE` and
# `asyncscan .` give FILE the same findings (with their chains), cold and warm, -j1 and -j2, from the root,
# from a subdirectory and by absolute path from outside; --project-root, --isolated; editing a helper changes the single-file result on the next
# run; the stdin text replaces the file on disk; a broken module or an unreadable directory elsewhere in the
# project is a one-line note, never a failure of the named file; a slow join says so once; the project listing
# kept in the cache is reused while nothing it depends on changed, and a rename or an edited .gitignore is seen.
# A directory named inside its project is joined with it the same way (each directory of each fixture project).
# Usage: test_single_file.sh ASYNCSCAN REPO_ROOT
set -u
bin=$1
root=$2
source "$(dirname "$0")/lib.sh"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1

# the findings of one file, whole lines of json-lines (absolute paths, chains included): its top-level
# "filename" is followed by "fix" (keys are sorted), a chain's step by "label" or "row"
of_file() { grep -F "\"filename\":\"$1\",\"fix\"" || true; }   # ABSOLUTE-PATH < json-lines
scan() { "$bin" --output-format json-lines "$@" 2>/dev/null; }

for src in "$root"/fixtures/project/*/; do
  name=$(basename "$src")
  proj="$tmp/$name"
  cp -r "$src" "$proj"
  git -C "$proj" init -q
  files=$(cd "$proj" && find . -name '*.py' | sed 's|^\./||' | sort)
  for jobs in 1 2; do
    whole=$(cd "$proj" && scan --no-cache -j$jobs .)
    attributed=0
    for f in $files; do
      want=$(of_file "$proj/$f" <<<"$whole")
      cache="$tmp/cache-$name-$jobs-${f//\//_}"   # cold: a cache of its own for each file
      [ -n "$want" ] && attributed=$((attributed + $(wc -l <<<"$want")))
      for run in cold warm; do
        got=$(cd "$proj" && scan --cache-dir "$cache" -j$jobs "$f" | of_file "$proj/$f")
        [ "$got" = "$want" ] && ok || ko "$name/$f -j$jobs $run: named alone differs:$(diff <(echo "$want") <(echo "$got"))"
        got=$(cd "$proj" && scan --cache-dir "$cache" -j$jobs - --stdin-filename "$f" <"$proj/$f" | of_file "$proj/$f")
        [ "$got" = "$want" ] && ok || ko "$name/$f -j$jobs $run: stdin differs:$(diff <(echo "$want") <(echo "$got"))"
      done
      # from the file's own directory, however it is spelled there
      dir=$(dirname "$f")
      got=$(cd "$proj/$dir" && scan --no-cache -j$jobs "./$(basename "$f")" | of_file "$proj/$f")
      [ "$got" = "$want" ] && ok || ko "$name/$f -j$jobs from $dir: differs:$(diff <(echo "$want") <(echo "$got"))"
      # by its absolute path, from outside the project
      got=$(cd / && scan --no-cache -j$jobs "$proj/$f" | of_file "$proj/$f")
      [ "$got" = "$want" ] && ok || ko "$name/$f -j$jobs by absolute path: differs:$(diff <(echo "$want") <(echo "$got"))"
    done
    # a directory named is joined with its project too: its files get their findings of the whole run (helpers
    # outside it included), and nothing else is reported
    for d in $(cd "$proj" && find . -mindepth 1 -type d ! -path './.git' ! -path './.git/*' | sed 's|^\./||' | sort); do
      want=$(grep -E "\"filename\":\"$proj/$d/[^\"]*\",\"fix\"" <<<"$whole" || true)
      cache="$tmp/cache-$name-$jobs-dir-${d//\//_}"
      for run in cold warm; do
        got=$(cd "$proj" && scan --cache-dir "$cache" -j$jobs "$d/")
        [ "$got" = "$want" ] && ok || ko "$name/$d/ -j$jobs $run: named directory differs:$(diff <(echo "$want") <(echo "$got"))"
      done
    done
    # every finding of the whole run was compared under its file (the filter misses none)
    check test "$attributed" = "$(grep -c . <<<"$whole")"
    check test "$attributed" -gt 0
  done
done

# the issue's example: services/users.py calls blocking helpers in util/disk.py and util/net.py
proj="$tmp/entrypoints"
cd "$proj"
count() { grep -c ': ASC10[89] ' || true; }
check test "$("$bin" --no-cache --output-format concise services/users.py 2>/dev/null | count)" = 7
check test "$("$bin" --no-cache --output-format concise - --stdin-filename services/users.py <services/users.py 2>/dev/null | count)" = 7
# --isolated keeps to the named file: no other module is seen
check test "$("$bin" --no-cache --isolated --output-format concise services/users.py 2>/dev/null | count)" = 0
# --project-root: from outside the project, with the project named as the root
got=$(cd "$tmp" && "$bin" --no-cache --output-format concise --project-root entrypoints entrypoints/services/users.py 2>/dev/null | count)
check test "$got" = 7
# a subdirectory named as the root: util/ lies outside it, so its helpers are not found; audit.py is in it
got=$("$bin" --no-cache --output-format concise --project-root services services/users.py 2>/dev/null | count)
check test "$got" = 1

# a directory named is joined with its project (users.py's 7 and reports.py's 1); one that is its project's root,
# or that the project's walk leaves out (git ignores it: a build tree, a project kept inside another's work
# tree), is a project of its own, while a file named there is joined all the same
check test "$("$bin" --no-cache --output-format concise services/ 2>/dev/null | count)" = 8
check test "$("$bin" --no-cache --output-format concise --project-root services services/ 2>/dev/null | count)" = 1
mkdir -p vendored/lib && printf 'vendored/\n' >.gitignore
printf 'from util.disk import copy\n\n\nasync def f():\n    copy(1, 2)\n' >vendored/lib/use.py
check test "$("$bin" --no-cache --output-format concise vendored/ 2>/dev/null | count)" = 0
check test "$("$bin" --no-cache --output-format concise vendored/lib/use.py 2>/dev/null | count)" = 1
rm -r vendored .gitignore

# editing a helper changes the single-file result on the next (warm) run
cache="$tmp/cache-edit"
"$bin" --cache-dir "$cache" --output-format concise services/users.py >/dev/null 2>&1
check test "$("$bin" --cache-dir "$cache" --output-format concise services/users.py 2>/dev/null | count)" = 7
sed -i 's/    with open(path) as f:/    with memoryview(path) as f:/; s/json.load(f)/json.loads(f)/' util/disk.py   # read_json (and log_line through it) no longer block (json.load of a file is ASC111)
check test "$("$bin" --cache-dir "$cache" --output-format concise services/users.py 2>/dev/null | count)" = 5
cp "$root/fixtures/project/entrypoints/util/disk.py" util/disk.py
check test "$("$bin" --cache-dir "$cache" --output-format concise services/users.py 2>/dev/null | count)" = 7

# a removed, renamed, then re-added helper module: each seen on the next warm run
reports() { "$bin" --cache-dir "$cache" --output-format concise services/reports.py 2>/dev/null | count; }
check test "$(reports)" = 1
mv plugins/render.py plugins/drawing.py
check test "$(reports)" = 0
rm plugins/drawing.py
check test "$(reports)" = 0
cp "$root/fixtures/project/entrypoints/plugins/render.py" plugins/render.py
check test "$(reports)" = 1

# the project listing kept in the cache (pipeline/listing.h): a warm run does not walk the project while
# nothing it depends on changed; a module renamed, a .gitignore edited in place (its directory's status stays)
# and a module added in a new package are each seen on the next run
settled="$tmp/settled"
cp -r "$root/fixtures/project/entrypoints" "$settled"
printf '# nothing yet\n' >"$settled/plugins/.gitignore"
git -C "$settled" init -q
sleep 3   # a listing is stored only when nothing it depends on changed in the last 2 s
cache="$tmp/cache-listing"
listed() {   # listed FILE: FILE's ASC108/ASC109 count; $tmp/listed.err says whether the listing was reused
  (cd "$settled" && ASYNCSCAN_CACHE_STATS=1 "$bin" --cache-dir "$cache" --output-format concise "$1" 2>"$tmp/listed.err" | count)
}
reused() { grep -q '^asyncscan: cache: project listing reused$' "$tmp/listed.err"; }
check test "$(listed services/reports.py)" = 1
reused && ko "a cold run reused a listing" || ok
check test "$(listed services/reports.py)" = 1
reused && ok || ko "a warm run walked the project again: $(cat "$tmp/listed.err")"
check test "$(listed services/users.py)" = 7   # one listing for every file of the project
reused && ok || ko "another file of the project walked it again"
printf 'render.py\n' >>"$settled/plugins/.gitignore"   # written in place: its directory's status is unchanged
check test "$(listed services/reports.py)" = 0
reused && ko "an edited .gitignore went unseen" || ok
: >"$settled/plugins/.gitignore"
check test "$(listed services/reports.py)" = 1
mv "$settled/plugins/render.py" "$settled/plugins/drawing.py"
check test "$(listed services/reports.py)" = 0
reused && ko "a renamed module went unseen" || ok
mv "$settled/plugins/drawing.py" "$settled/plugins/render.py"
sleep 3
check test "$(listed services/reports.py)" = 1
check test "$(listed services/reports.py)" = 1
reused && ok || ko "the listing was not stored again: $(cat "$tmp/listed.err")"
mkdir -p "$settled/util/extra"   # a new package two levels down: its parent's status changes
printf 'def fetch(url):\n    return url\n' >"$settled/util/extra/__init__.py"
printf 'from util.extra import fetch\n\n\nasync def f():\n    fetch(1)\n' >"$settled/services/late.py"
check test "$(listed services/late.py)" = 0
printf 'import time\n\n\ndef fetch(url):\n    time.sleep(url)\n' >"$settled/util/extra/__init__.py"
check test "$(listed services/late.py)" = 1

# the stdin text replaces the file on disk, also for the modules that import it back
printf 'from util.disk import copy\n\n\nasync def f():\n    copy(1, 2)\n' >"$tmp/buffer.py"
out=$("$bin" --no-cache --output-format concise - --stdin-filename services/users.py <"$tmp/buffer.py" 2>/dev/null)
check test "$out" = "services/users.py:5:5: ASC108 Async function \`f\` calls \`copy\`, which blocks the event loop (\`shutil.copyfile\`)"
# a buffer not saved yet (no file on disk) is joined too
out=$("$bin" --no-cache --output-format concise - --stdin-filename services/new.py <"$tmp/buffer.py" 2>/dev/null)
check test "$out" = "services/new.py:5:5: ASC108 Async function \`f\` calls \`copy\`, which blocks the event loop (\`shutil.copyfile\`)"

# a broken module elsewhere (a NUL byte: not text) and an unreadable entry: notes, the named file is reported
printf 'def fetch(url):\n    return 1\x00\n' >util/net.py
ln -s nowhere util/dangling.py
"$bin" --no-cache --output-format concise services/users.py >"$tmp/out" 2>"$tmp/err"
rc=$?
check test "$rc" = 1
check test "$(count <"$tmp/out")" = 5   # all but the two helpers of util/net.py
check grep -q '^asyncscan: note: util/net.py: ' "$tmp/err"
check grep -q '^asyncscan: note: util/dangling.py' "$tmp/err"
grep -q 'asyncscan: error' "$tmp/err" && ko "an error for a module elsewhere: $(cat "$tmp/err")" || ok
check test "$(grep -c 'util/net.py' "$tmp/err")" = 1
# -q: the findings and nothing else (no note either)
"$bin" --no-cache -q --output-format concise services/users.py >"$tmp/out" 2>"$tmp/err"
check test "$(count <"$tmp/out")" = 5
check test ! -s "$tmp/err"
# a join slower than the threshold (1 s; ASYNCSCAN_SLOW_JOIN_MS for this test) says so once, on stderr
ASYNCSCAN_SLOW_JOIN_MS=0 "$bin" --no-cache services/reports.py >"$tmp/out" 2>"$tmp/err"
check test "$(grep -c '^asyncscan: note: joining the named files with their project' "$tmp/err")" = 1
"$bin" --no-cache services/reports.py >"$tmp/out" 2>"$tmp/err"
check test "$(grep -c 'joining the named files' "$tmp/err")" = 0
# the same module named itself is an error of the run, as always
"$bin" --no-cache util/net.py >/dev/null 2>&1
check test $? = 2

finish
