#!/usr/bin/env bash
# test_cancellation.sh — the cancellation rules (ASYNC102/103/104/120) from the command line: the library a file is
# written for (inferred from its imports, or `async-library` in the configuration) decides which cancellation
# class the help names, and whether ASYNC102 applies; a bad `async-library` is a configuration error; handlers outside async functions are
# not reported; the cache keys on the library.
set -u
bin=$1
. "$2/tests/cli/lib.sh"
cd "$tmp" || exit 2

swallow='async def f():
    try:
        await g()
    except BaseException:
        pass
'
mkdir -p inferred configured bad
printf 'import anyio\n\n\n%s' "$swallow" >inferred/a.py
printf 'import asyncio\n\n\n%s' "$swallow" >inferred/b.py
printf '%s' "$swallow" >inferred/c.py
out=$("$bin" --isolated --no-cache --select ASYNC103 --output-format full inferred 2>&1)
check grep -q 'except anyio.get_cancelled_exc_class(): raise' <<<"$out"
check grep -q 'except asyncio.CancelledError: raise' <<<"$out"
check grep -q 'except trio.Cancelled: raise' <<<"$out"   # no library imported: trio, as flake8-async
check [ "$(grep -c ' ASYNC103 ' <<<"$out")" = 3 ]

# the configuration's library wins over the imports
printf 'async-library = "asyncio"\n' >configured/asyncscan.toml
printf 'import trio\n\n\n%s' "$swallow" >configured/a.py
out=$(cd configured && "$bin" --no-cache --select ASYNC103 --output-format full a.py 2>&1)
check grep -q 'except asyncio.CancelledError: raise' <<<"$out"
if grep -q 'trio.Cancelled' <<<"$out"; then ko "trio named under async-library = asyncio"; else ok; fi
# ... and the cache does not hand out the findings made under another library
printf 'async-library = "anyio"\n' >configured/asyncscan.toml
out=$(cd configured && "$bin" --select ASYNC103 --output-format full a.py 2>&1)
check grep -q 'except anyio.get_cancelled_exc_class(): raise' <<<"$out"
out=$(cd configured && "$bin" --show-settings a.py 2>&1)
check grep -q 'async-library *= anyio *# .*asyncscan.toml:1' <<<"$out"

printf 'async-library = "curio"\n' >bad/asyncscan.toml
printf '%s' "$swallow" >bad/a.py
out=$(cd bad && "$bin" --no-cache a.py 2>&1)
rc=$?
check [ "$rc" = 2 ]
check grep -q "asyncscan.toml:1:17: 'async-library' must be" <<<"$out"

# ASYNC102 follows the library: not for asyncio (a cancellation is delivered once there)
mkdir -p lib102
printf 'async def f(c):\n    try:\n        await c.run()\n    finally:\n        await c.close_gently()\n' >lib102/a.py
out=$("$bin" --isolated --no-cache --select ASYNC102 --output-format concise lib102/a.py 2>&1)
check grep -q 'a.py:5:9: ASYNC102' <<<"$out"
printf 'async-library = "asyncio"\n' >lib102/asyncscan.toml
out=$(cd lib102 && "$bin" --no-cache --select ASYNC102 a.py 2>&1)
check [ $? = 0 ]

# sync code too, as flake8-async: a plain function (a task's Cancelled unwinds through the sync frames it
# calls), a class body and the top level (where `raise ValueError` is an ASYNC104 exit, not an ASYNC103 end); the file has no `async` at all, so the pre-parse skip must keep it
printf 'import trio\n\n\ndef f():\n    try:\n        g()\n    except BaseException:\n        pass\n\n\nclass C:\n    try:\n        import x\n    except BaseException:\n        x = None\n\n\ntry:\n    g()\nexcept trio.Cancelled:\n    raise ValueError\n\n\ndef ok():\n    try:\n        g()\n    except BaseException:\n        raise\n' >sync.py
out=$("$bin" --isolated --no-cache --select ASYNC103,ASYNC104 --output-format concise sync.py 2>&1)
check [ $? = 1 ]
check [ "$(grep -c 'sync.py:' <<<"$out")" = 3 ]
check grep -q 'sync.py:7:12: ASYNC103' <<<"$out"
check grep -q 'sync.py:14:12: ASYNC103' <<<"$out"
check grep -q 'sync.py:21:5: ASYNC104' <<<"$out"
# a plain script (no async def, no library imported) is not async code: left alone, unless the configuration
# names the library, which says every file is (the pre-parse skip keeps it then)
mkdir -p plain && printf 'def f():\n    try:\n        g()\n    except BaseException:\n        pass\n' >plain/p.py
out=$(cd plain && "$bin" --isolated --no-cache --select ASYNC103 --output-format concise p.py 2>&1)
check [ $? = 0 ]
printf 'async-library = "trio"\n' >plain/asyncscan.toml
out=$(cd plain && "$bin" --no-cache --select ASYNC103 --output-format concise p.py 2>&1)
check grep -q 'p.py:4:12: ASYNC103' <<<"$out"
out=$("$bin" --isolated --no-cache --select ASYNC103,ASYNC104 --output-format concise sync.py 2>&1)
# the same through the cache (a second run) and at -j1
check [ "$("$bin" --isolated --select ASYNC103,ASYNC104 --output-format concise sync.py 2>&1)" = "$out" ]
check [ "$("$bin" --isolated --select ASYNC103,ASYNC104 --output-format concise sync.py 2>&1)" = "$out" ]

finish
