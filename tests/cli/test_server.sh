#!/usr/bin/env bash
# test_server.sh — `asyncscan server`: the scripted LSP client (lsp_client.py) over pipes, and a headless Neovim
# attaching the server, waiting for diagnostics, applying a code action and writing the file (nvim_e2e.lua).
set -u
bin=$1
src=$2
. "$src/tests/cli/lib.sh"

check "$bin" server --help >"$tmp/help" && check grep -q unsafeFixes "$tmp/help"
"$bin" server --bogus 2>/dev/null; check [ $? -eq 2 ]

# what the server relies on: a buffer joined with its project (stdin) shows and fixes the buffer's text, not the
# file on disk (before, the JSON's fix was null and `full` quoted the disk's line when they differed)
mkdir "$tmp/p" && touch "$tmp/p/pyproject.toml"
printf 'import time\n\ndef pause():\n    time.sleep(1)\n' >"$tmp/p/helpers.py"
printf '# stale\n' >"$tmp/p/app.py"
printf 'import time\nfrom helpers import pause\nasync def main():\n    time.sleep(1)\n    pause()\n' >"$tmp/buffer"
"$bin" check --no-cache --output-format json --stdin-filename "$tmp/p/app.py" - <"$tmp/buffer" >"$tmp/p.json"
check grep -q '"content": "await asyncio.sleep"' "$tmp/p.json"
check grep -q '"code": "ASC108"' "$tmp/p.json"
"$bin" check --no-cache --stdin-filename "$tmp/p/app.py" - <"$tmp/buffer" >"$tmp/p.txt"
check grep -q '^4 |     time.sleep(1)' "$tmp/p.txt"

mkdir "$tmp/w"
check python3 "$src/tests/cli/lsp_client.py" "$bin" "$tmp/w"

# docs/editors.md: every editor's snippet parses and starts `asyncscan server`
check python3 - "$src/docs/editors.md" <<'PY'
import json, re, sys, tomllib
text = open(sys.argv[1], encoding="utf-8").read()
blocks = dict(re.findall(r"<!-- server: (\w+) -->\n```\w*\n(.*?)```", text, re.S))
assert sorted(blocks) == ["eglot", "helix", "neovim", "sublime", "vscode", "zed"], sorted(blocks)
v = json.loads(blocks["vscode"])
assert v["glspc.server.command"] == "asyncscan" and v["glspc.server.commandArguments"] == ["server"]
h = tomllib.loads(blocks["helix"])
assert h["language-server"]["asyncscan"] == {"command": "asyncscan", "args": ["server"]}
assert "asyncscan" in h["language"][0]["language-servers"]
z = json.loads(blocks["zed"])
assert z["lsp"]["asyncscan"]["binary"] == {"path": "asyncscan", "arguments": ["server"]}
assert json.loads(blocks["sublime"])["clients"]["asyncscan"]["command"] == ["asyncscan", "server"]
assert 'cmd = { "asyncscan", "server" }' in blocks["neovim"]
assert '("asyncscan" "server"' in blocks["eglot"] and blocks["eglot"].count("(") == blocks["eglot"].count(")")
PY
if command -v nvim >/dev/null; then   # the Neovim snippet is valid Lua
  sed -n '/<!-- server: neovim -->/,/^```$/p' "$src/docs/editors.md" | sed '1,2d;$d' >"$tmp/snippet.lua"
  check nvim --headless --clean -c "lua if not loadfile('$tmp/snippet.lua') then vim.cmd('cquit 1') end" -c 'qall!'
fi

# headless Neovim: diagnostics, a code action applied through the LSP, the file written
if command -v nvim >/dev/null; then
  mkdir "$tmp/n" && touch "$tmp/n/pyproject.toml"
  printf 'import time\n\n\nasync def main():\n    time.sleep(1)\n' >"$tmp/n/app.py"
  printf 'import time\n\ndef pause():\n    time.sleep(1)\n' >"$tmp/n/helpers.py"
  printf 'from helpers import pause\n\nasync def main():\n    pause()\n' >"$tmp/n/caller.py"
  (cd "$tmp/n" && ASYNCSCAN_FILE="$tmp/n/app.py" ASYNCSCAN_BIN="$bin" ASYNCSCAN_REPORT="$tmp/n/report" HOME="$tmp/n" \
    ASYNCSCAN_CALLER="$tmp/n/caller.py" ASYNCSCAN_HELPER="$tmp/n/helpers.py" \
    timeout 120 nvim --headless --clean -u "$src/tests/cli/nvim_e2e.lua" </dev/null >"$tmp/n/out" 2>&1)
  check [ $? -eq 0 ]
  check grep -q '^before=1 after=0 code=ASYNC251 action=Replace with `await asyncio.sleep(...)`$' "$tmp/n/report"
  check grep -q "^resolved=true$" "$tmp/n/report"   # Neovim resolves the edit lazily (codeAction/resolve)
  check grep -q "^cross=ok$" "$tmp/n/report"        # an unsaved helper edit reached its caller
  check grep -q "time.sleep(1)" "$tmp/n/helpers.py"  # (unsaved: the file is as it was)
  check grep -q '^import asyncio$' "$tmp/n/app.py"
  check grep -q '^    await asyncio.sleep(1)$' "$tmp/n/app.py"
else
  ko "nvim is not installed (scripts/packages.txt lists neovim)"
fi

finish
