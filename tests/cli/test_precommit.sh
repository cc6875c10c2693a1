#!/usr/bin/env bash
# test_precommit.sh — the .pre-commit-hooks.yaml hook run by the real pre-commit (Debian package), offline, in
# a scratch git repository: `pre-commit validate-manifest`, then `pre-commit try-repo` fails on a file with a
# blocking call, passes on a clean one, and leaves out a file in an excluded directory (--force-exclude).
# Usage: test_precommit.sh ASYNCSCAN REPO_ROOT
set -u
bin=$1
root=$2
source "$(dirname "$0")/lib.sh"
if ! command -v pre-commit >/dev/null; then echo "FAIL: pre-commit is not installed (scripts/setup installs it)"; exit 1; fi
export PRE_COMMIT_HOME="$tmp/cache" PATH="$(dirname "$bin"):$PATH" GIT_CONFIG_GLOBAL="$tmp/gitconfig"
git config --file "$tmp/gitconfig" user.email t@example.org
git config --file "$tmp/gitconfig" user.name test
git config --file "$tmp/gitconfig" init.defaultBranch main

if pre-commit validate-manifest "$root/.pre-commit-hooks.yaml" >"$tmp/out" 2>&1; then ok; else ko "manifest: $(cat "$tmp/out")"; fi

# the hook repository: a copy of the manifest in a git repo of its own (try-repo needs a repository)
hooks="$tmp/hooks"
mkdir -p "$hooks"
cp "$root/.pre-commit-hooks.yaml" "$hooks/"
git -C "$hooks" init -q && git -C "$hooks" add . && git -C "$hooks" commit -qm hooks

work="$tmp/work"
mkdir -p "$work/.venv"
printf 'import time\n\n\nasync def handler():\n    time.sleep(1)\n' >"$work/bad.py"
printf 'import asyncio\n\n\nasync def handler():\n    await asyncio.sleep(1)\n' >"$work/good.py"
cp "$work/bad.py" "$work/.venv/vendored.py"
printf 'notes\n' >"$work/notes.txt"
git -C "$work" init -q && git -C "$work" add -f . && git -C "$work" commit -qm work

(cd "$work" && pre-commit try-repo "$hooks" asyncscan --files bad.py notes.txt) >"$tmp/bad.log" 2>&1
[ $? -eq 1 ] && ok || ko "hook did not fail on bad.py: $(cat "$tmp/bad.log")"
grep -q "bad.py:5:5: ASYNC251" "$tmp/bad.log" && ok || ko "finding not shown: $(cat "$tmp/bad.log")"
grep -q "notes.txt" "$tmp/bad.log" && ko "types: [python] let notes.txt through" || ok
(cd "$work" && pre-commit try-repo "$hooks" asyncscan --files good.py) >"$tmp/good.log" 2>&1
[ $? -eq 0 ] && ok || ko "hook failed on good.py: $(cat "$tmp/good.log")"
(cd "$work" && pre-commit try-repo "$hooks" asyncscan --files .venv/vendored.py good.py) >"$tmp/venv.log" 2>&1
[ $? -eq 0 ] && ok || ko "--force-exclude did not skip .venv: $(cat "$tmp/venv.log")"

finish
