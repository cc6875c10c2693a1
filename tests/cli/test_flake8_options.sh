#!/usr/bin/env bash
# test_flake8_options.sh — flake8-async's options that change rules, as configuration keys of the same name:
# startable-in-context-manager (ASYNC114 accepts the functions it lists, ASYNC113 knows them as startable) and
# transform-async-generator-decorators (ASYNC900, ASYNC101 and ASYNC119 accept generators they decorate); both in
# --show-settings; the cache keys on them; the pre-parse skip keeps `except *` (a blank before the star) for
# ASYNC400.
set -u
bin=$1
. "$2/tests/cli/lib.sh"
cd "$tmp" || exit 2

mkdir -p startable generators star
cat >startable/app.py <<'PY'
from contextlib import asynccontextmanager

import trio


async def serve_metrics(port, *, task_status=trio.TASK_STATUS_IGNORED):
    task_status.started()
    await trio.sleep(port)


@asynccontextmanager
async def running(port):
    async with trio.open_nursery() as nursery:
        nursery.start_soon(serve_metrics, port)
        yield
PY
out=$(cd startable && "$bin" --no-cache --select ASYNC113,ASYNC114 --output-format concise app.py 2>&1)
check grep -q 'app.py:6:1: ASYNC114 `serve_metrics` takes `task_status`' <<<"$out"
if grep -q ': ASYNC113 ' <<<"$out"; then ko "ASYNC113 without the function listed"; else ok; fi
printf 'startable-in-context-manager = ["serve_metrics"]\n' >startable/asyncscan.toml
out=$(cd startable && "$bin" --select ASYNC113,ASYNC114 --output-format concise app.py 2>&1)   # the cache, warm
check grep -q 'app.py:14:9: ASYNC113' <<<"$out"
if grep -q ASYNC114 <<<"$out"; then ko "ASYNC114 for a listed function"; else ok; fi
out=$(cd startable && "$bin" --show-settings app.py 2>&1)
check grep -q 'startable-in-context-manager = serve_metrics *# .*asyncscan.toml:1' <<<"$out"

cat >generators/app.py <<'PY'
import trio
from trio_util import trio_async_generator


@trio_async_generator
async def ticks():
    with trio.move_on_after(1):
        yield 1


async def plain():
    yield 2
PY
out=$(cd generators && "$bin" --no-cache --select ASYNC900,ASYNC101,ASYNC119 --output-format concise app.py 2>&1)
check [ "$(grep -c 'ASYNC900' <<<"$out")" = 2 ]
check grep -q 'app.py:8:9: ASYNC101' <<<"$out"
check grep -q 'app.py:8:9: ASYNC119' <<<"$out"
printf 'transform-async-generator-decorators = ["trio_util.trio_async_generator"]\n' >generators/asyncscan.toml
out=$(cd generators && "$bin" --select ASYNC900,ASYNC101,ASYNC119 --output-format concise app.py 2>&1)
check grep -q 'app.py:11:1: ASYNC900 `plain`' <<<"$out"
check [ "$(grep -c 'ASYNC' <<<"$out")" = 1 ]
printf 'transform-async-generator-decorators = ["*_async_generator"]\n' >generators/asyncscan.toml
out=$(cd generators && "$bin" --no-cache --select ASYNC900 --output-format concise app.py 2>&1)
check [ "$(grep -c 'ASYNC900' <<<"$out")" = 1 ]
out=$(cd generators && "$bin" --show-settings app.py 2>&1)
check grep -q 'transform-async-generator-decorators = \*_async_generator' <<<"$out"
printf 'transform-async-generator-decorators = [1]\n' >generators/asyncscan.toml
out=$(cd generators && "$bin" --no-cache app.py 2>&1)
check [ $? = 2 ]
check grep -q 'asyncscan.toml:1:41: expected a string' <<<"$out"

# `except *E` (a blank before the star) is an except* clause: the skip keeps the file, ASYNC400 reports it
printf 'def f(work):\n    try:\n        work()\n    except *OSError as group:\n        print(group.errno)\n' >star/a.py
printf 'def f(work):\n    try:\n        work()\n    except OSError as error:\n        print(error.errno)\n' >star/b.py
out=$("$bin" --isolated --no-cache --select ASYNC400 --output-format concise star 2>&1)
check grep -q 'a.py:5:15: ASYNC400' <<<"$out"
check [ "$("$bin" --isolated --show-parsed-files --select ASYNC400 star | wc -l)" = 1 ]

finish
