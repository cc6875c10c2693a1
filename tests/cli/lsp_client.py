"""lsp_client.py — a small scripted LSP client for test_server.sh: drives `asyncscan server` over pipes and
asserts on what it answers. Usage: lsp_client.py ASYNCSCAN WORKDIR; prints one line per failure, exits 1 on any."""
import json
import os
import subprocess
import sys

exe, work = sys.argv[1], sys.argv[2]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


class Client:
    def __init__(self, *extra):
        self.p = subprocess.Popen([exe, "server", *extra], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  cwd=work)
        self.next_id = 0
        self.notes = []

    def raw(self, data):
        self.p.stdin.write(data)
        self.p.stdin.flush()

    def send(self, msg):
        body = json.dumps(msg).encode()
        self.raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def read(self):
        length = None
        while True:
            line = self.p.stdout.readline()
            if not line:
                return None
            line = line.strip()
            if not line:
                break
            k, _, v = line.partition(b":")
            if k.lower() == b"content-length":
                length = int(v)
        return json.loads(self.p.stdout.read(length))

    def request(self, method, params=None):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params or {}})
        while True:
            m = self.read()
            if m is None or m.get("id") == self.next_id and "method" not in m:
                return m
            self.notes.append(m)

    def notify(self, method, params=None):
        self.send({"jsonrpc": "2.0", "method": method, "params": params or {}})

    def diagnostics(self, uri):
        """Waits for the next publishDiagnostics of uri (those already received first)."""
        while True:
            for i, m in enumerate(self.notes):
                if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri:
                    return self.notes.pop(i)["params"]
            m = self.read()
            if m is None:
                return None
            self.notes.append(m)

    def close(self):
        self.p.stdin.close()
        return self.p.wait(timeout=30)


def offset(text, pos):
    """Index in text of an LSP position (UTF-16 code units)."""
    lines = text.split("\n")
    start = sum(len(l) + 1 for l in lines[:pos["line"]])
    line, units, i = lines[pos["line"]] if pos["line"] < len(lines) else "", 0, 0
    while i < len(line) and units < pos["character"]:
        units += 2 if ord(line[i]) > 0xFFFF else 1
        i += 1
    return start + i


def apply(text, edits):
    for e in sorted(edits, key=lambda e: (e["range"]["start"]["line"], e["range"]["start"]["character"]),
                    reverse=True):
        text = text[:offset(text, e["range"]["start"])] + e["newText"] + text[offset(text, e["range"]["end"]):]
    return text


def uri(path):
    return "file://" + path


open(os.path.join(work, "pyproject.toml"), "w").close()
helper = os.path.join(work, "helpers.py")
app = os.path.join(work, "app.py")
with open(helper, "w") as f:
    f.write("import time\n\ndef pause():\n    time.sleep(1)\n")
app_text = "import time\nfrom helpers import pause\n\nasync def main():\n    time.sleep(1)  # é\n    pause()\n"
with open(app, "w") as f:
    f.write(app_text)

# 1. lifecycle, documents, diagnostics, code actions
c = Client()
r = c.request("textDocument/hover", {})
check(r["error"]["code"] == -32002, "a request before initialize is ServerNotInitialized")
r = c.request("initialize", {"processId": None, "rootUri": uri(work), "capabilities": {},
                             "workspaceFolders": [{"uri": uri(work), "name": "w"}],
                             "initializationOptions": {"unsafeFixes": True}})
caps = r["result"]["capabilities"]
check(caps["positionEncoding"] == "utf-16", "utf-16 by default")
check(caps["textDocumentSync"]["change"] == 2, "incremental sync")
c.notify("initialized")
c.notify("$/setTrace", {"value": "verbose"})
c.notify("$/cancelRequest", {"id": 99})
# a request whose $/cancelRequest is already there when it is read: RequestCancelled, without its work; the
# messages read ahead meanwhile are handled in order
frames = b""
for m in ({"jsonrpc": "2.0", "id": 990, "method": "workspace/diagnostic", "params": {"previousResultIds": []}},
          {"jsonrpc": "2.0", "id": 991, "method": "no/suchMethod"},
          {"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 990}}):
    body = json.dumps(m).encode()
    frames += b"Content-Length: %d\r\n\r\n" % len(body) + body
c.raw(frames)
first, second = c.read(), c.read()
check(first.get("id") == 990 and first.get("error", {}).get("code") == -32800, "cancelled ahead: %s" % first)
check(second.get("id") == 991 and second.get("error", {}).get("code") == -32601, "then the next: %s" % second)
r = c.request("no/suchMethod")
check(r["error"]["code"] == -32601, "unknown method is MethodNotFound")
c.notify("textDocument/didOpen", {"textDocument": {"uri": uri(app), "languageId": "python", "version": 1,
                                                    "text": app_text}})
d = c.diagnostics(uri(app))
codes = sorted(x["code"] for x in d["diagnostics"])
check(d["version"] == 1, "diagnostics carry the version")
check(codes == ["ASC108", "ASYNC251"], "the buffer's findings, joined with its project: %s" % codes)
sleep = [x for x in d["diagnostics"] if x["code"] == "ASYNC251"][0]
check(sleep["source"] == "asyncscan" and sleep["codeDescription"]["href"].startswith("https://"), "source, href")
check(sleep["range"]["start"] == {"line": 4, "character": 4}, "range: %s" % sleep["range"])
chain = [x for x in d["diagnostics"] if x["code"] == "ASC108"]
check(chain and any(r["location"]["uri"] == uri(helper) for r in chain[0].get("relatedInformation", [])),
      "ASC108 relatedInformation points into the helper")
# incremental edit: insert a line above, the finding moves down
c.notify("textDocument/didChange", {"textDocument": {"uri": uri(app), "version": 2}, "contentChanges": [
    {"range": {"start": {"line": 3, "character": 0}, "end": {"line": 3, "character": 0}}, "text": "# x\n"}]})
d = c.diagnostics(uri(app))
sleep = [x for x in d["diagnostics"] if x["code"] == "ASYNC251"][0]
check(d["version"] == 2 and sleep["range"]["start"]["line"] == 5, "incremental change applied")
# utf-16 columns after a non-ASCII character: replace "é" (col 19 on line 5) by "€€"
c.notify("textDocument/didChange", {"textDocument": {"uri": uri(app), "version": 3}, "contentChanges": [
    {"range": {"start": {"line": 5, "character": 20}, "end": {"line": 5, "character": 21}}, "text": "€€"}]})
c.diagnostics(uri(app))
r = c.request("textDocument/diagnostic", {"textDocument": {"uri": uri(app)}})
check(r["result"]["kind"] == "full" and len(r["result"]["items"]) == 2, "pull diagnostics")
actions = c.request("textDocument/codeAction", {"textDocument": {"uri": uri(app)}, "range": sleep["range"],
                                                "context": {"diagnostics": [sleep]}})["result"]
titles = [a["title"] for a in actions]
check("Disable ASYNC251 for this line" in titles, "noqa action: %s" % titles)
check(any("asyncio.sleep" in t for t in titles), "quick fix (unsafe allowed by the setting): %s" % titles)
noqa = [a for a in actions if a["title"].startswith("Disable")][0]
edit = noqa["edit"]["changes"][uri(app)][0]
check(edit["newText"].endswith("# noqa: ASYNC251") or "noqa: ASYNC251" in edit["newText"], "noqa edit: %s" % edit)
# a client that drops `data`: the finding is found again by code and range
bare = {k: v for k, v in sleep.items() if k != "data"}
bare_actions = c.request("textDocument/codeAction", {"textDocument": {"uri": uri(app)}, "range": sleep["range"],
                                                     "context": {"diagnostics": [bare]}})["result"]
check([a["title"] for a in bare_actions] == titles, "actions without data: %s" % bare_actions)
fa = c.request("textDocument/codeAction", {"textDocument": {"uri": uri(app)}, "range": sleep["range"],
                                           "context": {"diagnostics": [], "only": ["source.fixAll"]}})["result"]
current = app_text.replace("\nasync", "\n# x\nasync").replace("é", "€€")
fixed = apply(current, fa[0]["edit"]["changes"][uri(app)]) if len(fa) == 1 else ""
check("import asyncio\n" in fixed and "    await asyncio.sleep(1)  # €€\n" in fixed, "fix all: %r" % fixed)
noqa_fixed = apply(current, noqa["edit"]["changes"][uri(app)])
check("    time.sleep(1)  # €€  # noqa: ASYNC251\n" in noqa_fixed, "noqa edit: %r" % noqa_fixed)
# hover on a noqa code
c.notify("textDocument/didChange", {"textDocument": {"uri": uri(app), "version": 4}, "contentChanges": [
    {"text": "import time\nasync def f():\n    time.sleep(1)  # noqa: ASYNC251\n"}]})
d = c.diagnostics(uri(app))
check(d["diagnostics"] == [], "noqa honoured after a full change")
h = c.request("textDocument/hover", {"textDocument": {"uri": uri(app)}, "position": {"line": 2, "character": 30}})
check(h["result"] and "time.sleep" in h["result"]["contents"]["value"], "hover on # noqa: ASYNC251")
# a notebook opened as a text document: its findings' rows are its cells', not the JSON text's, so no fix
nb = os.path.join(work, "nb.ipynb")
nb_text = json.dumps({"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                                 "source": ["import time\n", "async def f():\n", "    time.sleep(1)\n"]}],
                      "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)
c.notify("textDocument/didOpen", {"textDocument": {"uri": uri(nb), "languageId": "json", "version": 1, "text": nb_text}})
d = c.diagnostics(uri(nb))
check([x["code"] for x in d["diagnostics"]] == ["ASYNC251"], "notebook diagnostics: %s" % d["diagnostics"])
fa = c.request("textDocument/codeAction", {"textDocument": {"uri": uri(nb)}, "range": d["diagnostics"][0]["range"],
                                           "context": {"diagnostics": d["diagnostics"]}})["result"] if d["diagnostics"] else []
check(not any("asyncio.sleep" in a["title"] for a in fa or []), "no quick fix in a notebook's JSON: %s" % fa)
c.notify("textDocument/didClose", {"textDocument": {"uri": uri(nb)}})
# settings
c.notify("workspace/didChangeConfiguration", {"settings": {"asyncscan": {"ignore": ["ASYNC251"]}}})
c.notify("textDocument/didChange", {"textDocument": {"uri": uri(app), "version": 5}, "contentChanges": [
    {"text": "import time\nasync def f():\n    time.sleep(1)\n"}]})
d = c.diagnostics(uri(app))
while d["version"] != 5:
    d = c.diagnostics(uri(app))
check(d["diagnostics"] == [], "ignore setting applies: %s" % d["diagnostics"])
c.notify("textDocument/didClose", {"textDocument": {"uri": uri(app)}})
check(c.diagnostics(uri(app))["diagnostics"] == [], "didClose clears diagnostics")
r = c.request("textDocument/diagnostic", {"textDocument": {"uri": uri(app)}})
check(r["error"]["code"] == -32602, "unknown document")
r = c.request("shutdown")
check("result" in r and r["result"] is None, "shutdown")
c.notify("exit")
check(c.p.wait(timeout=30) == 0, "exit after shutdown: 0")

# 2. malformed input, no shutdown
c = Client()
c.raw(b"Content-Length: 5\r\n\r\n{oops")
m = c.read()
check(m["error"]["code"] == -32700 and m["id"] is None, "malformed JSON is ParseError")
c.raw(b"Content-Length: nope\r\n\r\n")
c.raw(b"Content-Length: 99999999999\r\n\r\n")
c.p.stdin.close()
check(c.p.wait(timeout=30) == 1, "EOF without shutdown: 1")

c = Client()
c.send([1, 2])
check(c.read()["error"]["code"] == -32600, "a non-object message is InvalidRequest")
c.request("initialize", {"capabilities": {"general": {"positionEncodings": ["utf-32", "utf-8"]}}})
c.notify("exit")
check(c.p.wait(timeout=30) == 1, "exit without shutdown: 1")
c = Client()
r = c.request("initialize", {"capabilities": {"general": {"positionEncodings": ["utf-32"]}}})
check(r["result"]["capabilities"]["positionEncoding"] == "utf-32", "utf-32 when offered")
c.p.stdout.close()   # the client goes away: the server must not die of SIGPIPE
c.notify("textDocument/didOpen", {"textDocument": {"uri": uri(app), "version": 1, "text": app_text}})
try:
    c.p.stdin.close()
except BrokenPipeError:
    pass
check(c.p.wait(timeout=30) in (0, 1), "a vanished client ends the server quietly")

# 3. in-process analysis across modules, edits in bursts, watched files, folders, lazy edits
def codes_of(d):
    return sorted(x["code"] for x in d["diagnostics"])


def latest(c, u, version):
    """The publishDiagnostics of uri u for `version` (earlier ones skipped); the versions seen on the way."""
    seen = []
    while True:
        d = c.diagnostics(u)
        seen.append(d["version"])
        if d["version"] == version:
            return d, seen


def drain(c):
    """Every message the server sent before answering a request sent now (a barrier: workspace/diagnostic
    brings every open document up to date first)."""
    c.request("workspace/diagnostic", {"previousResultIds": []})
    notes, c.notes = c.notes, []
    return notes


published = {}


def final(c, u):
    """What the server last published for uri u, once it is up to date."""
    for m in drain(c):
        if m.get("method") == "textDocument/publishDiagnostics":
            published[m["params"]["uri"]] = m["params"]
    return published.get(u, {"diagnostics": [{"code": "(none published)"}]})


w2 = os.path.join(work, "w2")
roots = {name: os.path.join(w2, name) for name in ("a", "b")}
for name, root in roots.items():
    os.makedirs(root)
    open(os.path.join(root, "pyproject.toml"), "w").close()
a_helper, a_app = os.path.join(roots["a"], "helpers.py"), os.path.join(roots["a"], "app.py")
with open(a_helper, "w") as f:
    f.write("import time\n\ndef pause():\n    time.sleep(1)\n")
a_text = "from helpers import pause\n\nasync def main():\n    pause()\n"
with open(a_app, "w") as f:
    f.write(a_text)
b_app = os.path.join(roots["b"], "app.py")   # no helpers module in b: `pause` is not a's
b_text = "from helpers import pause\n\nasync def main():\n    pause()\n"
with open(b_app, "w") as f:
    f.write(b_text)

c = Client()
c.request("initialize", {"capabilities": {
    "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}},
    "textDocument": {"codeAction": {"resolveSupport": {"properties": ["edit"]}}}},
    "workspaceFolders": [{"uri": uri(roots["a"]), "name": "a"}], "initializationOptions": {"unsafeFixes": True}})
c.notify("initialized")
m = c.read()
check(m and m.get("method") == "client/registerCapability" and
      any(w["globPattern"] == "**/pyproject.toml"
          for w in m["params"]["registrations"][0]["registerOptions"]["watchers"]),
      "the server asks to watch configuration files: %s" % m)
c.send({"jsonrpc": "2.0", "id": m["id"], "result": None})   # the client's answer is taken quietly
c.notify("workspace/didChangeWorkspaceFolders", {"event": {"added": [{"uri": uri(roots["b"]), "name": "b"}],
                                                           "removed": []}})
c.notify("textDocument/didOpen", {"textDocument": {"uri": uri(a_app), "languageId": "python", "version": 1,
                                                    "text": a_text}})
c.notify("textDocument/didOpen", {"textDocument": {"uri": uri(b_app), "languageId": "python", "version": 1,
                                                    "text": b_text}})
d = final(c, uri(a_app))
check(codes_of(d) == ["ASC108"], "folder a: the helper of its own project")
check([r["location"]["uri"] for r in d["diagnostics"][0].get("relatedInformation", [])] == [uri(a_helper)] * 2,
      "the chain names the helper's file (the server runs elsewhere): %s" % d)
check(codes_of(final(c, uri(b_app))) == [], "folder b: a's helper is not b's")
# an unsaved edit of the open helper re-publishes its caller, before any save
helper_text = "import time\n\ndef pause():\n    time.sleep(1)\n"
c.notify("textDocument/didOpen", {"textDocument": {"uri": uri(a_helper), "languageId": "python", "version": 1,
                                                    "text": helper_text}})
drain(c)
c.notify("textDocument/didChange", {"textDocument": {"uri": uri(a_helper), "version": 2}, "contentChanges": [
    {"range": {"start": {"line": 3, "character": 4}, "end": {"line": 3, "character": 17}}, "text": "pass"}]})
check(codes_of(final(c, uri(a_app))) == [], "an unsaved helper edit (no blocking call left) reaches its caller")
c.notify("textDocument/didChange", {"textDocument": {"uri": uri(a_helper), "version": 3}, "contentChanges": [
    {"range": {"start": {"line": 3, "character": 4}, "end": {"line": 3, "character": 8}}, "text": "time.sleep(2)"}]})
d = final(c, uri(a_app))
check(codes_of(d) == ["ASC108"], "and back: %s" % codes_of(d))
# closing the helper unsaved: its file on disk stands for it again
c.notify("textDocument/didChange", {"textDocument": {"uri": uri(a_helper), "version": 4}, "contentChanges": [
    {"text": "def pause():\n    pass\n"}]})
check(codes_of(final(c, uri(a_app))) == [], "helper emptied (unsaved)")
c.notify("textDocument/didClose", {"textDocument": {"uri": uri(a_helper)}})
check(codes_of(final(c, uri(a_app))) == ["ASC108"], "helper closed unsaved: the file on disk again")
# a file changed on disk, not open (watched): the index reads it again
with open(a_helper, "w") as f:
    f.write("def pause():\n    return 1\n")
c.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": uri(a_helper), "type": 2}]})
check(codes_of(final(c, uri(a_app))) == [], "watched change of a helper on disk")
with open(a_helper, "w") as f:   # saved by the editor (didSave of a file the server does not have open)
    f.write("import time\n\ndef pause():\n    time.sleep(3)\n")
c.notify("textDocument/didSave", {"textDocument": {"uri": uri(a_helper)}})
check(codes_of(final(c, uri(a_app))) == ["ASC108"], "didSave of a helper re-publishes its caller")
new_helper = os.path.join(roots["b"], "helpers.py")   # created in b: b's app now has a helper
with open(new_helper, "w") as f:
    f.write("import time\n\ndef pause():\n    time.sleep(1)\n")
c.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": uri(new_helper), "type": 1}]})
check(codes_of(final(c, uri(b_app))) == ["ASC108"], "watched creation of a module")
# configuration changed on disk: read again
with open(os.path.join(roots["b"], "pyproject.toml"), "w") as f:
    f.write("[tool.asyncscan]\nignore = [\"ASC108\"]\n")
c.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": uri(os.path.join(roots["b"], "pyproject.toml")),
                                                          "type": 2}]})
d = final(c, uri(b_app))
check(codes_of(d) == [], "watched configuration change applies: %s" % d)
def burst(c, u, versions, end_character):
    """Edits of u (a "#" over line 0's [0, end_character)) in one write; the versions then published for u."""
    data = b""
    for v in versions:
        body = json.dumps({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": u, "version": v}, "contentChanges": [
                {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": end_character}},
                 "text": "#"}]}})
        data += b"Content-Length: %d\r\n\r\n" % len(body) + body.encode()
    c.raw(data)
    return [m["params"]["version"] for m in drain(c) if m.get("method") == "textDocument/publishDiagnostics"
            and m["params"]["uri"] == u]


# a burst of edits is analysed once: only the newest version is published
seen = burst(c, uri(a_app), range(2, 7), 0)
check(seen == [6], "a burst of 5 edits publishes its newest version only: %s" % seen)
# a longer stream does not hold the diagnostics back for ever: one is published within every 64 messages
seen = burst(c, uri(a_app), range(100, 170), 1)
check(len(seen) >= 2 and seen == sorted(seen) and seen[-1] == 169 and seen[0] <= 164,
      "a 70-edit stream: published along the way and at its end: %s" % seen)
# workspace/diagnostic: every open document, with its version
r = c.request("workspace/diagnostic", {"previousResultIds": []})["result"]
check(sorted((i["uri"], i["version"]) for i in r["items"]) == sorted([(uri(a_app), 169), (uri(b_app), 1)]),
      "workspace diagnostics: %s" % r)
# codeAction/resolve: the edit comes when the action is resolved
c.notify("textDocument/didChange", {"textDocument": {"uri": uri(a_app), "version": 7}, "contentChanges": [
    {"text": "import time\n\nasync def main():\n    time.sleep(1)\n"}]})
d, _ = latest(c, uri(a_app), 7)
diag = d["diagnostics"][0]
actions = c.request("textDocument/codeAction", {"textDocument": {"uri": uri(a_app)}, "range": diag["range"],
                                                "context": {"diagnostics": [diag]}})["result"]
check(actions and all("edit" not in a and a["data"]["version"] == 7 for a in actions), "edits deferred: %s" % actions)
fix = [a for a in actions if not a["title"].startswith("Disable")]
resolved = c.request("codeAction/resolve", fix[0])["result"] if fix else {}
fixed = apply("import time\n\nasync def main():\n    time.sleep(1)\n", resolved.get("edit", {}).get("changes", {}).get(uri(a_app), []))
check("    await asyncio.sleep(1)\n" in fixed and "import asyncio\n" in fixed, "resolved edit: %r" % fixed)
c.notify("textDocument/didChange", {"textDocument": {"uri": uri(a_app), "version": 8}, "contentChanges": [
    {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "\n"}]})
stale = c.request("codeAction/resolve", fix[0])["result"] if fix else {}
check("edit" not in stale, "an action of an older version resolves to no edit")
# an analysis error (a syntax error) is a log message, said once while it stays the same; findings still come
c.notify("textDocument/didChange", {"textDocument": {"uri": uri(a_app), "version": 9}, "contentChanges": [
    {"text": "import time\nasync def f():\n    time.sleep(1)\ndef g(:\n"}]})
logs = [m for m in drain(c) if m.get("method") == "window/logMessage" and "invalid syntax" in m["params"]["message"]]
check(len(logs) == 1, "a syntax error is logged: %s" % logs)
c.notify("textDocument/didChange", {"textDocument": {"uri": uri(a_app), "version": 10}, "contentChanges": [
    {"range": {"start": {"line": 4, "character": 0}, "end": {"line": 4, "character": 0}}, "text": "# x\n"}]})
notes = drain(c)
logs = [m for m in notes if m.get("method") == "window/logMessage"]
pubs = [m["params"] for m in notes if m.get("method") == "textDocument/publishDiagnostics"]
check(logs == [], "the same error is not logged again: %s" % logs)
check(pubs and pubs[-1]["version"] == 10 and codes_of(pubs[-1]) == ["ASYNC251"],
      "the intact parts' findings despite the syntax error: %s" % pubs)
# a buffer that is no file (an untitled one) is analysed alone
c.notify("textDocument/didOpen", {"textDocument": {"uri": "untitled:Untitled-1", "languageId": "python",
                                                    "version": 1, "text": "import time\nasync def f():\n    time.sleep(1)\n"}})
check(codes_of(c.diagnostics("untitled:Untitled-1")) == ["ASYNC251"], "an untitled buffer")
c.notify("textDocument/didClose", {"textDocument": {"uri": "untitled:Untitled-1"}})
# requests about unknown documents, a huge document: answered, the server stays up
r = c.request("textDocument/codeAction", {"textDocument": {"uri": uri(a_app) + "x"}, "range": diag["range"],
                                          "context": {"diagnostics": [diag]}})
check(r["result"] == [], "code actions for an unknown document: none")
r = c.request("textDocument/hover", {"textDocument": {"uri": uri(a_app) + "x"}, "position": {"line": 0, "character": 0}})
check(r["result"] is None, "hover on an unknown document: null")
huge = os.path.join(roots["a"], "huge.py")
c.notify("textDocument/didOpen", {"textDocument": {"uri": uri(huge), "languageId": "python", "version": 1,
                                                    "text": "x = 1\n" * (3 << 20)}})
d = c.diagnostics(uri(huge))
check(d["diagnostics"] == [], "a document over the size limit: no findings, no crash")
c.notify("textDocument/didClose", {"textDocument": {"uri": uri(huge)}})
r = c.request("shutdown")
check("result" in r, "still answering after all that")
c.notify("exit")
check(c.p.wait(timeout=60) == 0, "exit after shutdown: 0 (no leak under the sanitizers)")

# 4. configurationPreference: the editor's settings against a configuration file that ignores ASYNC251 and
# turns unsafe fixes on
pref = os.path.join(work, "pref")
os.makedirs(pref, exist_ok=True)
with open(os.path.join(pref, "asyncscan.toml"), "w") as f:
    f.write('ignore = ["ASYNC251"]\nunsafe-fixes = true\n')
pref_file = os.path.join(pref, "p.py")
pref_text = "import time\nasync def f():\n    time.sleep(1)\n"


def under(options):
    """The codes of p.py and its quick fixes' titles under these initializationOptions."""
    c = Client()
    c.request("initialize", {"capabilities": {}, "initializationOptions": options})
    c.notify("initialized")
    c.notify("textDocument/didOpen", {"textDocument": {"uri": uri(pref_file), "languageId": "python",
                                                        "version": 1, "text": pref_text}})
    d = c.diagnostics(uri(pref_file))
    titles = []
    for x in d["diagnostics"]:
        acts = c.request("textDocument/codeAction", {"textDocument": {"uri": uri(pref_file)}, "range": x["range"],
                                                     "context": {"diagnostics": [x]}})["result"]
        titles += [a["title"] for a in acts if not a["title"].startswith("Disable")]
    c.request("shutdown")
    c.notify("exit")
    check(c.p.wait(timeout=30) == 0, "exit after shutdown (%s)" % options)
    return codes_of(d), titles


codes, titles = under({})
check(codes == [], "editorFirst, no settings: the file's ignore: %s" % codes)
codes, titles = under({"select": ["ASYNC251"]})
check(codes == ["ASYNC251"], "editorFirst: the editor's select starts afresh: %s" % codes)
check(any("asyncio" in t for t in titles), "editorFirst, unsafeFixes unset: the file's unsafe-fixes: %s" % titles)
codes, titles = under({"select": ["ASYNC251"], "unsafeFixes": False})
check(codes == ["ASYNC251"] and titles == [], "editorFirst: unsafeFixes false wins: %s %s" % (codes, titles))
codes, titles = under({"select": ["ASYNC251"], "unsafeFixes": False, "configurationPreference": "filesystemFirst"})
check(codes == [], "filesystemFirst: the file's ignore wins over the editor's select: %s" % codes)
codes, titles = under({"ignore": ["ASYNC"], "configurationPreference": "editorOnly"})
check(codes == [], "editorOnly: the editor's ignore: %s" % codes)
codes, titles = under({"configurationPreference": "editorOnly"})
check(codes == ["ASYNC251"], "editorOnly: the file is not read (its ignore does not apply): %s" % codes)
check(titles == [], "editorOnly: nor its unsafe-fixes: %s" % titles)
codes, titles = under({"configurationPreference": "filesystemFirst", "unsafeFixes": False, "select": ["ASYNC"]})
check("ASYNC251" not in codes and "ASYNC910" in codes,
      "filesystemFirst: the settings' select fills (ASYNC910 is off by default), the file's ignore stays: %s" % codes)

sys.exit(1 if failures else 0)
