#!/usr/bin/env bash
# test_gitignore.sh — .gitignore parity with git itself: a generated repository (nested .gitignore files,
# negations, directory-only, ** and anchored patterns, .git/info/exclude, a global excludes file through HOME's
# git config, a directory named *.py) whose `asyncscan --show-files` list must equal the Python files
# `git ls-files --others --cached --exclude-standard` and `git check-ignore` call not ignored; then
# --no-respect-gitignore lists everything, a plain directory ignores nothing, explicit files are still analysed
# (unless --force-exclude), an ignored directory root yields nothing, --stdin-filename with --force-exclude.
# Usage: test_gitignore.sh ASYNCSCAN_BINARY REPO_ROOT
set -u
bin=$1
root=$2
cd "$root"
source tests/cli/lib.sh

# git must read only what this test writes: HOME (global config, ~/.config/git/ignore) is the temp dir
export HOME="$tmp/home"
mkdir -p "$HOME"
unset XDG_CONFIG_HOME GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_CEILING_DIRECTORIES
export GIT_CONFIG_NOSYSTEM=1 LC_ALL=C

same() { # same NAME WANT_FILE GOT_FILE
  if diff -u "$2" "$3" >"$tmp/diff"; then ok; else ko "$1: sets differ (- git, + asyncscan):"; cat "$tmp/diff"; fi
}
has() { if grep -qxF -- "$2" "$1"; then ok; else ko "$1 lacks '$2'"; fi; }
lacks() { if grep -qxF -- "$2" "$1"; then ko "$1 has '$2'"; else ok; fi; }

repo="$tmp/repo"
git init -q "$repo"
mkf() { for f in "$@"; do mkdir -p "$repo/$(dirname "$f")"; printf 'import asyncio\n' >"$repo/$f"; done; }

cat >"$repo/.gitignore" <<'EOF'
# generated code
*.gen.py
!keep.gen.py
build/
/top.py
**/fixtures/**/data_*.py
docs/**/*.py
logs
*.py[co]
# rules the discovery's screen must read right (gitignore.c): brackets, an escape, trailing blanks, a `**`
# inside, an anchored glob, a directory-only rule named like a file, a `*` in the middle, another case
gen[0-9].py
\#hash.py
trail.py   
sub2/**/deep.py
/rootonly*.py
cache.py/
mid/*/leaf.py
UPPER.PY
EOF
mkdir -p "$repo/pkg/sub" "$repo/app"
cat >"$repo/pkg/.gitignore" <<'EOF'
local_*.py
!local_keep.py
/only_here.py
vendor/
EOF
cat >"$repo/pkg/sub/.gitignore" <<'EOF'
!important*.gen.py
*.tmp.py
EOF
cat >"$repo/app/.gitignore" <<'EOF'
*.py
!keep.py
EOF
printf 'secret_*.py\n' >>"$repo/.git/info/exclude"
printf '*_scratch.py\n' >"$HOME/global-ignore"
git config --global core.excludesFile '~/global-ignore'   # the tilde is git's to expand (libgit2 too)

mkf top.py a.py b.pyi x.gen.py keep.gen.py stub.pyc my_scratch.py secret_key.py notes_scratch.txt.py \
  pkg/__init__.py pkg/top.py pkg/local_a.py pkg/local_keep.py pkg/only_here.py pkg/x.gen.py \
  pkg/build/out.py pkg/vendor/lib.py pkg/notbuild/ok.py pkg/deep/only_here.py pkg/deep/local_b.py \
  pkg/sub/important.gen.py pkg/sub/other.gen.py pkg/sub/t.tmp.py pkg/sub/fine.py pkg/sub/secret_sub.py \
  app/main.py app/keep.py app/sub/keep.py app/sub/other.py app/dir.py/inner.py \
  build/gen.py tests/fixtures/data_1.py tests/fixtures/x/y/data_2.py tests/fixtures/x/case.py \
  docs/conf.py docs/api/ref.py docs/readme.txt logs/today.py src/logs/inner.py src/logs.py src/main.py
mkf gen1.py genx.py '#hash.py' hash.py trail.py trail2.py sub2/a/b/deep.py sub2/deep.py deep.py rootonly_1.py \
  pkg/rootonly_2.py cache.py/inner.py pkg/cache.py mid/x/leaf.py mid/leaf.py upper.py
for i in $(seq 1 12); do mkf "src/mod_$i.py"; done
for i in 1 2 3 4; do mkf "src/gen/g_$i.gen.py" "src/gen/h_$i.py"; done
printf 'x\n' >"$repo/README.md"
n_py=$(cd "$repo" && find . -path ./.git -prune -o \( -name '*.py' -o -name '*.pyi' \) -type f -print | wc -l)
if [ "$n_py" -ge 50 ]; then ok; else ko "only $n_py Python files generated"; fi

# --- parity with git (discovery asks libgit2 only about names some rule in effect could match: see gitignore.c)
(cd "$repo" && git ls-files --others --cached --exclude-standard) | grep -E '\.pyi?$' | sort >"$tmp/want"
(cd "$repo" && find . -path ./.git -prune -o \( -name '*.py' -o -name '*.pyi' \) -type f -print) | sed 's#^\./##' |
  sort >"$tmp/all"
(cd "$repo" && git check-ignore --no-index --stdin <"$tmp/all") | sort >"$tmp/ignored"
comm -23 "$tmp/all" "$tmp/ignored" >"$tmp/want_check_ignore"
same "git ls-files vs git check-ignore" "$tmp/want" "$tmp/want_check_ignore"
# the oracle itself saw every kind of rule (a broken setup would make both sides trivially agree)
for f in a.py b.pyi keep.gen.py pkg/top.py pkg/local_keep.py pkg/notbuild/ok.py pkg/deep/only_here.py \
  pkg/sub/important.gen.py pkg/sub/fine.py app/keep.py app/sub/keep.py tests/fixtures/x/case.py src/main.py \
  genx.py hash.py trail2.py deep.py pkg/rootonly_2.py pkg/cache.py mid/leaf.py upper.py; do
  has "$tmp/want" "$f"
done
for f in top.py x.gen.py my_scratch.py secret_key.py pkg/local_a.py pkg/only_here.py pkg/build/out.py \
  pkg/vendor/lib.py pkg/sub/other.gen.py pkg/sub/t.tmp.py pkg/sub/secret_sub.py app/main.py app/sub/other.py \
  app/dir.py/inner.py build/gen.py tests/fixtures/data_1.py tests/fixtures/x/y/data_2.py docs/conf.py \
  docs/api/ref.py logs/today.py src/logs/inner.py src/gen/g_1.gen.py \
  gen1.py '#hash.py' trail.py sub2/a/b/deep.py sub2/deep.py rootonly_1.py cache.py/inner.py mid/x/leaf.py; do
  lacks "$tmp/want" "$f"
done

# --exclude .git replaces the default excludes (which skip build/ anyway), so only git's rules count
"$bin" --show-files --exclude .git "$repo" 2>"$tmp/err" | sed "s#^$repo/##" | sort >"$tmp/got"
same "asyncscan vs git (absolute root)" "$tmp/want" "$tmp/got"
if [ -s "$tmp/err" ]; then ko "stderr: $(head -c 400 "$tmp/err")"; else ok; fi
(cd "$repo" && "$bin" --show-files --exclude .git) | sed 's#^\./##' | sort >"$tmp/got_rel"
same "asyncscan vs git (run inside, root .)" "$tmp/want" "$tmp/got_rel"
(cd "$repo/pkg" && "$bin" --show-files --exclude .git . ../src) | sed -e 's#^\./#pkg/#' -e 's#^\.\./##' | sort >"$tmp/got_sub"
grep -E '^(pkg|src)/' "$tmp/want" >"$tmp/want_sub"
same "asyncscan vs git (subdirectory roots)" "$tmp/want_sub" "$tmp/got_sub"
# with the default excludes too: git's set minus the build directories
"$bin" --show-files "$repo" | sed "s#^$repo/##" | sort >"$tmp/got_default"
grep -vE '(^|/)build/' "$tmp/want" >"$tmp/want_default"
same "asyncscan (default excludes) vs git" "$tmp/want_default" "$tmp/got_default"
"$bin" --show-files --no-respect-gitignore --respect-gitignore --exclude .git "$repo" | sed "s#^$repo/##" | sort >"$tmp/got_last"
same "--respect-gitignore after --no-respect-gitignore" "$tmp/want" "$tmp/got_last"

# --- --no-respect-gitignore: every Python file ---------------------------------------------------------------
"$bin" --show-files --no-respect-gitignore --exclude .git "$repo" | sed "s#^$repo/##" | sort >"$tmp/got_all"
same "--no-respect-gitignore lists everything" "$tmp/all" "$tmp/got_all"

# --- not a git repository: nothing ignored (the .gitignore files are just files) ------------------------------
plain="$tmp/plain"
cp -r "$repo" "$plain"
rm -rf "$plain/.git"
"$bin" --show-files --exclude .git "$plain" | sed "s#^$plain/##" | sort >"$tmp/got_plain"
same "a directory that is not a repository" "$tmp/all" "$tmp/got_plain"

# --- explicit paths -----------------------------------------------------------------------------------------
"$bin" --show-files "$repo/top.py" "$repo/pkg/build/out.py" "$repo/a.py" | sed "s#^$repo/##" >"$tmp/got_explicit"
printf 'a.py\npkg/build/out.py\ntop.py\n' >"$tmp/want_explicit"
same "explicitly named ignored files are analysed" "$tmp/want_explicit" "$tmp/got_explicit"
"$bin" --show-files --force-exclude "$repo/top.py" "$repo/pkg/build/out.py" "$repo/a.py" | sed "s#^$repo/##" \
  >"$tmp/got_force"
printf 'a.py\n' >"$tmp/want_force"
same "--force-exclude drops ignored explicit files" "$tmp/want_force" "$tmp/got_force"
"$bin" --show-files --force-exclude --no-respect-gitignore "$repo/top.py" "$repo/a.py" | sed "s#^$repo/##" \
  >"$tmp/got_force_no"
printf 'a.py\ntop.py\n' >"$tmp/want_force_no"
same "--force-exclude --no-respect-gitignore" "$tmp/want_force_no" "$tmp/got_force_no"
# a directory root that git ignores is walked with git's rules: nothing in it
"$bin" --show-files --exclude .git "$repo/pkg/vendor" "$repo/pkg/notbuild" >"$tmp/got_dir" 2>"$tmp/err"
st=$?
printf '%s\n' "$repo/pkg/notbuild/ok.py" >"$tmp/want_dir"
same "an ignored directory root yields nothing" "$tmp/want_dir" "$tmp/got_dir"
if [ "$st" -eq 0 ]; then ok; else ko "exit $st for an ignored directory root: $(cat "$tmp/err")"; fi

# --- --stdin-filename: an ignored name is skipped only with --force-exclude ------------------------------------
(cd "$repo" && printf 'x = 1\n' | "$bin" --stdin-filename top.py --force-exclude - >"$tmp/out" 2>"$tmp/err")
st=$?
if [ "$st" -eq 0 ] && [ ! -s "$tmp/out" ] && [ ! -s "$tmp/err" ]; then ok; else ko "stdin top.py --force-exclude: exit $st, $(cat "$tmp/out" "$tmp/err")"; fi
(cd "$repo" && printf 'x = 1\n' | "$bin" --stdin-filename top.py - >"$tmp/out" 2>"$tmp/err")
if grep -q "All checks passed" "$tmp/err"; then ok; else ko "stdin top.py was not analysed: $(cat "$tmp/out" "$tmp/err")"; fi

# --- the global excludes file without core.excludesFile: $XDG_CONFIG_HOME/git/ignore, else ~/.config/git/ignore
xdg="$tmp/xdg"
git init -q "$xdg"
mkdir -p "$xdg/pkg" "$tmp/home2/.config/git" "$tmp/xdghome/git"
printf 'x\n' >"$xdg/pkg/xdg_a.py"
printf 'x\n' >"$xdg/pkg/cfg_b.py"
printf 'x\n' >"$xdg/pkg/plain.py"
printf 'xdg_*.py\n' >"$tmp/home2/.config/git/ignore"
printf 'cfg_*.py\n' >"$tmp/xdghome/git/ignore"
for env in "HOME=$tmp/home2" "HOME=$tmp/home2 XDG_CONFIG_HOME=$tmp/xdghome"; do
  (cd "$xdg" && env $env git ls-files --others --exclude-standard) | sort >"$tmp/want_xdg"
  env $env "$bin" --show-files "$xdg" | sed "s#^$xdg/##" | sort >"$tmp/got_xdg"
  same "global excludes file ($env)" "$tmp/want_xdg" "$tmp/got_xdg"
  if [ "$(wc -l <"$tmp/want_xdg")" -eq 2 ]; then ok; else ko "git ignored no file with $env"; fi
done

# --- bracket expressions (read as one character by the screen), a class, a byte order mark; each set of rules
# in a directory of its own, so that no rule there matches every name
br="$tmp/brackets"
git init -q "$br"
mkdir -p "$br/b" "$br/c" "$br/d"
printf '\xef\xbb\xbfbom_*.py\n' >"$br/.gitignore"
printf 'ex[!a].py\nrange[0-4].py\n[]]q.py\n' >"$br/b/.gitignore"
printf '*.py[cod]\n' >"$br/c/.gitignore"
printf '[[:digit:]]d.py\n' >"$br/d/.gitignore"
for f in bom_x.py plain.py b/exa.py b/exb.py b/range3.py b/range7.py 'b/]q.py' b/q.py c/x.py c/x.pyc d/1d.py d/xd.py; do
  printf 'x\n' >"$br/$f"
done
(cd "$br" && git ls-files --others --exclude-standard) | grep -E '\.py[c]?$' | sort >"$tmp/want_br"
"$bin" --show-files "$br" | sed "s#^$br/##" | sort >"$tmp/got_br"
grep -v '\.pyc$' "$tmp/want_br" >"$tmp/want_br_py"
same "bracket expressions" "$tmp/want_br_py" "$tmp/got_br"
for f in plain.py b/exa.py b/range7.py b/q.py c/x.py d/xd.py; do has "$tmp/want_br" "$f"; done
for f in bom_x.py b/exb.py b/range3.py 'b/]q.py' c/x.pyc d/1d.py; do lacks "$tmp/want_br" "$f"; done

# --- core.ignorecase: rules match names in any case (as on a case-insensitive filesystem)
icase="$tmp/icase"
git init -q "$icase"
git -C "$icase" config core.ignorecase true
printf 'UPPER.PY\nMixed_*.py\n' >"$icase/.gitignore"
for f in upper.py mixed_one.py other.py; do printf 'x\n' >"$icase/$f"; done
(cd "$icase" && git ls-files --others --exclude-standard) | grep '\.py$' | sort >"$tmp/want_icase"
"$bin" --show-files "$icase" | sed "s#^$icase/##" | sort >"$tmp/got_icase"
same "core.ignorecase" "$tmp/want_icase" "$tmp/got_icase"
if [ "$(cat "$tmp/want_icase")" = other.py ]; then ok; else ko "git with core.ignorecase kept: $(cat "$tmp/want_icase")"; fi

# --- known libgit2 divergence (reported, not failed) ---------------------------------------------------------
# libgit2 (1.5) drops a negation without wildcards that negates no rule of its own file, so a literal `!name`
# in a deeper .gitignore cannot re-include what a parent .gitignore ignores (git can; `!name*` works in both).
div="$tmp/div"
git init -q "$div"
mkdir -p "$div/sub"
printf '*.gen.py\n' >"$div/.gitignore"
printf '!keep.gen.py\n' >"$div/sub/.gitignore"
printf 'x\n' >"$div/sub/keep.gen.py"
if (cd "$div" && git check-ignore -q sub/keep.gen.py); then ko "git itself ignores sub/keep.gen.py"; else ok; fi
if [ -n "$("$bin" --show-files "$div")" ]; then
  echo "note: the libgit2 in use re-includes sub/keep.gen.py like git (cross-file literal negation fixed)"
else
  echo "note: known libgit2 divergence: a literal !pattern in a deeper .gitignore does not re-include (git's does)"
fi

# --- help ---------------------------------------------------------------------------------------------------
"$bin" --help >"$tmp/help"
if grep -q -- "--respect-gitignore" "$tmp/help" && grep -q -- "--no-respect-gitignore" "$tmp/help"; then ok; else ko "--help lacks the gitignore options"; fi

finish
