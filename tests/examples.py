#!/usr/bin/env python3
"""examples.py PAGE DIR: writes the example commands of a manual page's EXAMPLES section to
DIR/cmd.N and the output the page shows for each to DIR/want.N (none when it shows none), N
from 1, in the order of the page. tests/examples.bats runs them; its header comment says which
displays are examples and how commands and outputs are told apart. Exits 1 with the page's
name and line on an escape it does not know."""
import os
import re
import sys

ESCAPES = {"e": "\\", "&": "", "-": "-", "(aq": "'", "(dq": '"', "(ga": "`"}
ESCAPE = re.compile(r"\\(\([a-z][a-z]|.)")


def unescape(line, where):
    def sub(m):
        if m.group(1) not in ESCAPES:
            sys.exit("%s: escape \\%s is not one examples.py knows" % (where, m.group(1)))
        return ESCAPES[m.group(1)]
    return ESCAPE.sub(sub, line)


def displays(path):
    """The literal displays of the EXAMPLES section not marked to skip: lists of (line, text)."""
    section, block, skip, prev = None, None, False, ""
    for no, line in enumerate(open(path, encoding="utf-8").read().split("\n"), 1):
        if line.startswith(".Sh "):
            section = line[4:].strip()
        elif block is not None:
            if line.startswith(".Ed"):
                if not skip:
                    yield block
                block = None
            else:
                block.append((no, line))
        elif section == "EXAMPLES" and line.startswith(".Bd") and "-literal" in line.split():
            block, skip = [], prev.strip() == '.\\" examples: skip'
        prev = line


def examples(path):
    """(command, shown output or None) for each command, in order."""
    for block in displays(path):
        if not block or not block[0][1].startswith("$ "):
            continue
        cmd, out, cont = None, [], False
        for no, raw in block:
            text = unescape(raw, "%s:%d" % (path, no))
            if cont:
                cmd.append(text)
            elif raw.startswith("$ "):
                if cmd is not None:
                    yield "\n".join(cmd), out
                cmd, out = [text[2:]], []
            else:
                out.append(text)
            cont = cmd is not None and not out and (raw.endswith("\\e") or raw.endswith("|"))
        if cmd is not None:
            yield "\n".join(cmd), out


def main():
    page, outdir = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    for n, (cmd, out) in enumerate(examples(page), 1):
        with open(os.path.join(outdir, "cmd.%d" % n), "w", encoding="utf-8") as f:
            f.write(cmd + "\n")
        if out:
            with open(os.path.join(outdir, "want.%d" % n), "w", encoding="utf-8") as f:
                f.write("".join(line + "\n" for line in out))


main()
