"""nbcheck.py — what the notebook CLI tests compare: `python3 nbcheck.py OLD NEW` checks that every byte of the
notebook NEW outside its cells' `source` values is the byte of OLD (outputs, metadata, ids, indentation, key
order, escapes, line endings, the trailing newline), then prints one JSON line per cell whose `source` value
changed: [raw 1-based cell index, the value's JSON text as written in NEW]. Exit 1 (and a FAIL line) when the
bytes outside differ. The byte ranges come from a small scanner over the JSON text (json.scanstring for
strings), so nothing is re-serialised."""
import json
import sys
from json.decoder import scanstring

WS = " \t\r\n"


def skip_ws(s, i):
    while i < len(s) and s[i] in WS:
        i += 1
    return i


def value_end(s, i, on_member=None, path=()):
    """The end of the JSON value starting at s[i] (after whitespace); on_member(path, key, start, end) is called
    for every object member."""
    i = skip_ws(s, i)
    c = s[i]
    if c == '"':
        return scanstring(s, i + 1)[1]
    if c in "{[":
        close = "}" if c == "{" else "]"
        i = skip_ws(s, i + 1)
        index = 0
        while s[i] != close:
            if c == "{":
                key, i = scanstring(s, skip_ws(s, i) + 1)
                i = skip_ws(s, i) + 1  # the colon
                start = skip_ws(s, i)
                i = value_end(s, start, on_member, path + (key,))
                if on_member:
                    on_member(path, key, start, i)
            else:
                i = value_end(s, i, on_member, path + (index,))
                index += 1
            i = skip_ws(s, i)
            if s[i] == ",":
                i = skip_ws(s, i + 1)
        return i + 1
    return json.JSONDecoder().raw_decode(s, i)[1]


def source_spans(text):
    spans = {}

    def on_member(path, key, start, end):
        if key == "source" and len(path) == 2 and path[0] == "cells":
            spans[path[1] + 1] = (start, end)

    value_end(text, 0, on_member)
    return spans


def main():
    old = open(sys.argv[1], encoding="utf-8", newline="").read()
    new = open(sys.argv[2], encoding="utf-8", newline="").read()
    so, sn = source_spans(old), source_spans(new)

    def outside(text, spans):
        parts, at = [], 0
        for start, end in sorted(spans.values()):
            parts.append(text[at:start])
            at = end
        return parts + [text[at:]]

    if sorted(so) != sorted(sn) or outside(old, so) != outside(new, sn):
        print("FAIL: the notebooks differ outside the cells' sources")
        sys.exit(1)
    for cell in sorted(sn):
        if old[so[cell][0]:so[cell][1]] != new[sn[cell][0]:sn[cell][1]]:
            print(json.dumps([cell, new[sn[cell][0]:sn[cell][1]]]))


main()
