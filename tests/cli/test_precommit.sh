#!/usr/bin/env bash
# test_precommit.sh — the hooks of .pre-commit-hooks.yaml run by the real pre-commit (Debian package) in a
# scratch git repository: `pre-commit validate-manifest`; the `asyncscan-system` hook (binary on PATH) through
# `pre-commit try-repo` fails on a file with a blocking call, passes on a clean one, and leaves out a file in an
# excluded directory (--force-exclude); the `asyncscan` hook (language: script) on a clean HOME with no asyncscan
# on PATH, in an installed configuration, builds asyncscan from a copy of this source tree in pre-commit's clone
# of it (once: the second run reuses it) and reports the same; then `asyncscan-system` installed with
# `pre-commit install` (HOME a scratch directory) refuses a commit that stages only an async caller whose
# blocking helper lives in another, already committed module (ASC108: the staged file is joined with its
# project). Usage: test_precommit.sh ASYNCSCAN REPO_ROOT
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

# the hook repository: a copy of the source tree (as it is, uncommitted changes too) in a git repo of its own
hooks="$tmp/hooks"
mkdir -p "$hooks"
(cd "$root" && git ls-files -z -co --exclude-standard | xargs -0 tar cf - 2>/dev/null) | tar xf - -C "$hooks"
git -C "$hooks" init -q && git -C "$hooks" add -f . && git -C "$hooks" commit -qm hooks

work="$tmp/work"
mkdir -p "$work/.venv"
printf 'import time\n\n\nasync def handler():\n    time.sleep(1)\n' >"$work/bad.py"
printf 'import asyncio\n\n\nasync def handler():\n    await asyncio.sleep(1)\n' >"$work/good.py"
cp "$work/bad.py" "$work/.venv/vendored.py"
printf 'notes\n' >"$work/notes.txt"
git -C "$work" init -q && git -C "$work" add -f . && git -C "$work" commit -qm work

(cd "$work" && pre-commit try-repo "$hooks" asyncscan-system --files bad.py notes.txt) >"$tmp/bad.log" 2>&1
[ $? -eq 1 ] && ok || ko "hook did not fail on bad.py: $(cat "$tmp/bad.log")"
grep -q "bad.py:5:5: ASYNC251" "$tmp/bad.log" && ok || ko "finding not shown: $(cat "$tmp/bad.log")"
grep -q "notes.txt" "$tmp/bad.log" && ko "types: [python] let notes.txt through" || ok
(cd "$work" && pre-commit try-repo "$hooks" asyncscan-system --files good.py) >"$tmp/good.log" 2>&1
[ $? -eq 0 ] && ok || ko "hook failed on good.py: $(cat "$tmp/good.log")"
(cd "$work" && pre-commit try-repo "$hooks" asyncscan-system --files .venv/vendored.py good.py) >"$tmp/venv.log" 2>&1
[ $? -eq 0 ] && ok || ko "--force-exclude did not skip .venv: $(cat "$tmp/venv.log")"

# the script hook on a fresh machine: a clean HOME (no pre-commit or npm cache) and no asyncscan on PATH
home="$tmp/home"
mkdir -p "$home"
cp "$tmp/gitconfig" "$home/.gitconfig"
fresh_path=$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF "$(dirname "$bin")" | paste -sd: -)
fresh() { env -u PRE_COMMIT_HOME -u XDG_CACHE_HOME -u GIT_CONFIG_GLOBAL HOME="$home" PATH="$fresh_path" "$@"; }
if fresh sh -c 'command -v asyncscan' >/dev/null; then ko "asyncscan still on PATH"; fi
# in an installed configuration: the first run builds in pre-commit's clone of the revision, the second reuses it
cat >"$work/.pre-commit-config.yaml" <<EOF
repos:
  - repo: $hooks
    rev: $(git -C "$hooks" rev-parse HEAD)
    hooks:
      - id: asyncscan
EOF
git -C "$work" add .pre-commit-config.yaml
(cd "$work" && fresh pre-commit run --files bad.py good.py .venv/vendored.py notes.txt) >"$tmp/run1.log" 2>&1
[ $? -eq 1 ] && grep -q "bad.py:5:5: ASYNC251" "$tmp/run1.log" && ok || ko "pre-commit run: $(tail -30 "$tmp/run1.log")"
grep -q "asyncscan: built " "$tmp/run1.log" && ok || ko "the script hook did not build: $(tail -30 "$tmp/run1.log")"
built=$(find "$home/.cache/pre-commit" -path '*/.asyncscan-build/asyncscan' -type f | head -1)
[ -n "$built" ] && ok || ko "no binary in pre-commit's cache"
grep -q "vendored" "$tmp/run1.log" && ko "--force-exclude did not skip .venv: $(tail -30 "$tmp/run1.log")" || ok
(cd "$work" && fresh pre-commit run --verbose --files good.py) >"$tmp/run2.log" 2>&1
[ $? -eq 0 ] && grep -q "^- hook id: asyncscan" "$tmp/run2.log" && ! grep -q "asyncscan: build" "$tmp/run2.log" && ok ||
  ko "second run failed or rebuilt: $(tail -30 "$tmp/run2.log")"

# installed as a git hook: only the async caller is staged; its helper (committed earlier) blocks
app="$tmp/app"
mkdir -p "$app/util" "$app/services" "$tmp/home2"
printf '[project]\nname = "app"\n' >"$app/pyproject.toml"
printf 'import time\n\n\ndef backoff(n):\n    time.sleep(n)\n' >"$app/util/retry.py"
printf 'repos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: asyncscan-system\n' "$hooks" \
  "$(git -C "$hooks" rev-parse HEAD)" >"$app/.pre-commit-config.yaml"
git -C "$app" init -q && git -C "$app" add . && git -C "$app" commit -qm helpers
in_app() { (cd "$app" && HOME="$tmp/home2" "$@"); }
in_app pre-commit install >"$tmp/install.log" 2>&1 && ok || ko "pre-commit install: $(cat "$tmp/install.log")"
printf 'from util.retry import backoff\n\n\nasync def fetch_user(uid):\n    backoff(1)\n    return uid\n' >"$app/services/users.py"
printf 'x = 1\n' >"$app/unstaged.py"
git -C "$app" add services/users.py
in_app git commit -m caller >"$tmp/commit.log" 2>&1
[ $? -ne 0 ] && ok || ko "the commit was not refused: $(cat "$tmp/commit.log")"
grep -q 'services/users.py:5:5: ASC108' "$tmp/commit.log" && ok || ko "no ASC108 finding: $(cat "$tmp/commit.log")"
git -C "$app" rev-parse -q --verify HEAD~1 >/dev/null && ko "the commit was made" || ok
# once the helper runs in a thread the staged caller is clean and the commit goes through
printf 'import asyncio\n\nfrom util.retry import backoff\n\n\nasync def fetch_user(uid):\n    await asyncio.to_thread(backoff, 1)\n    return uid\n' >"$app/services/users.py"
git -C "$app" add services/users.py
in_app git commit -m caller >"$tmp/commit2.log" 2>&1 && ok || ko "clean commit refused: $(cat "$tmp/commit2.log")"

finish
