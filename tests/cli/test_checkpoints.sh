#!/usr/bin/env bash
# test_checkpoints.sh — the checkpoint rules (ASYNC910-913) from the command line: off by default; the library of
# the checkpoint the help names (imports, or `async-library`); flake8-async's options as configuration keys
# (`exception-suppress-context-managers`, `no-checkpoint-warning-decorators`), shown by --show-settings and part of
# the cache key.
set -u
bin=$1
. "$2/tests/cli/lib.sh"
cd "$tmp" || exit 2

mkdir -p p
cat >p/m.py <<'PY'
import trio


async def swallowed(x):
    with mine.suppress_all():
        await x


@house.no_checkpoints()
async def exempt(x):
    print(x)
PY
# off by default
out=$("$bin" --isolated --no-cache --output-format concise p 2>&1)
grep -q ASYNC91 <<<"$out" && ko "ASYNC91x on by default" || ok
# without the options: the decorated function is reported, the with is not taken as swallowing
out=$("$bin" --isolated --no-cache --select ASYNC910 --output-format concise p 2>&1)
check grep -q 'm.py:10:1: ASYNC910' <<<"$out"
grep -q 'm.py:4:1: ASYNC910' <<<"$out" && ko "a with reported as swallowing without the option" || ok
check grep -q 'trio.lowlevel.checkpoint()' <<<"$("$bin" --isolated --no-cache --select ASYNC910 p 2>&1)"
# with them (a warm cache from the run before must not hide the change)
printf 'exception-suppress-context-managers = ["mine.suppress_*"]\nno-checkpoint-warning-decorators = ["@house.*"]\n' >p/asyncscan.toml
"$bin" --select ASYNC910 --output-format concise p >/dev/null 2>&1
rm p/asyncscan.toml
"$bin" --select ASYNC910 --output-format concise p >/dev/null 2>&1   # cached without the options
printf 'exception-suppress-context-managers = ["mine.suppress_*"]\nno-checkpoint-warning-decorators = ["@house.*"]\n' >p/asyncscan.toml
out=$(cd p && "$bin" --select ASYNC910 --output-format concise . 2>&1)
check grep -q 'm.py:4:1: ASYNC910' <<<"$out"
grep -q 'm.py:10:1: ASYNC910' <<<"$out" && ko "the decorator option did not exempt" || ok
out=$(cd p && "$bin" --show-settings m.py 2>&1)
check grep -q 'no-checkpoint-warning-decorators = @house\.\*' <<<"$out"
check grep -q 'exception-suppress-context-managers = mine\.suppress_\*' <<<"$out"
# the library: asyncio by configuration
printf 'async-library = "asyncio"\n' >p/asyncscan.toml
out=$(cd p && "$bin" --no-cache --select ASYNC910 . 2>&1)
check grep -q 'await asyncio.sleep(0)' <<<"$out"
finish
