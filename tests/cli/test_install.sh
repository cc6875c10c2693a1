#!/usr/bin/env bash
# test_install.sh — `cmake --install` of the build under test into a scratch prefix: bin/asyncscan runs, and
# share/man/man1/asyncscan.1 (generated at build time by scripts/make-man) names every option of --help and
# every rule, and renders with man without a warning. Usage: test_install.sh ASYNCSCAN REPO_ROOT
set -u
bin=$1
root=$2
source "$root/tests/cli/lib.sh"
build=$(dirname "$bin")
prefix="$tmp/prefix"

if cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1; then ok; else ko "cmake --install: $(cat "$tmp/install.log")"; fi
installed="$prefix/bin/asyncscan"
page="$prefix/share/man/man1/asyncscan.1"
[ -x "$installed" ] && ok || ko "no $installed"
[ -f "$page" ] && ok || ko "no $page"
check cmp -s "$bin" "$installed"
"$installed" --version >"$tmp/v" 2>&1 && grep -q '^asyncscan [0-9]' "$tmp/v" && ok || ko "installed --version: $(cat "$tmp/v")"
printf 'import time\nasync def f():\n    time.sleep(1)\n' >"$tmp/a.py"
"$installed" --no-cache --output-format concise "$tmp/a.py" >"$tmp/out" 2>/dev/null
[ $? -eq 1 ] && grep -q "ASYNC251" "$tmp/out" && ok || ko "installed binary: $(cat "$tmp/out")"

# the page says what the binary says: every long option, every rule code and name
"$bin" --help | sed -n '/^options:/,/^$/p' | grep -oE -- '^ +(-[a-zA-Z], )?--[a-z][a-z-]+' | grep -oE -- '--[a-z][a-z-]+' |
  sort -u >"$tmp/opts"
[ "$(wc -l <"$tmp/opts")" -gt 20 ] && ok || ko "too few options in --help"
missing=""
while read -r opt; do
  grep -qF -- "$(printf '%s' "$opt" | sed 's/-/\\-/g')" "$page" || missing="$missing $opt"
done <"$tmp/opts"
[ -z "$missing" ] && ok || ko "options missing from the man page:$missing"
"$bin" rule --all | sed 1d | while read -r code name _; do
  grep -qx "\\.SS $code $name" "$page" || echo "$code"
done >"$tmp/missing-rules"
[ ! -s "$tmp/missing-rules" ] && ok || ko "rules missing from the man page: $(tr '\n' ' ' <"$tmp/missing-rules")"
grep -q '^\.TH ASYNCSCAN 1 ' "$page" && ok || ko "no .TH line"
# rendered by man: no warning from groff, and the sections are there
LC_ALL=C MANWIDTH=100 man --warnings -l "$page" >"$tmp/rendered" 2>"$tmp/man.err"
[ $? -eq 0 ] && [ ! -s "$tmp/man.err" ] && ok || ko "man -l: $(head -5 "$tmp/man.err")"
for section in NAME SYNOPSIS OPTIONS "EXIT STATUS" RULES; do
  grep -qx "$section" "$tmp/rendered" && ok || ko "section $section not rendered"
done
grep -q -- "--output-format FORMAT" "$tmp/rendered" && ok || ko "options not rendered"

finish
