#!/usr/bin/env python3
"""examples.py PAGE DIR: writes the example commands of a manual page's EXAMPLES section to
DIR/cmd.N and the output the page shows for each to DIR/want.N (none when it shows none), N
from 1, in the order of the page. tests/examples.bats runs them; its header comment says which
displays are examples and how commands and outputs are told apart. Exits 1 with the page's
name and line on an escape it does not know.

examples.py --run BINDIR PAGE DIR: the same, then runs the commands in order, each in a bash of
its own in the empty directory DIR/work, with BINDIR first on PATH, then /usr/bin and /bin, and
MANPAGER=cat; standard output and error together go to DIR/got.N. Stops at the first command
that exits non-zero or whose output is not the page's, saying so on stderr (with diff -u of the
two), and exits 1; else prints the number of commands run. (One process runs them all: the
harness's own cat, cmp and subshells between the commands cost more than some commands.)"""
import os
import re
import subprocess
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


def write(page, outdir):
    """Writes DIR/cmd.N and DIR/want.N; returns the list of (command, shown output)."""
    os.makedirs(outdir, exist_ok=True)
    found = list(examples(page))
    for n, (cmd, out) in enumerate(found, 1):
        with open(os.path.join(outdir, "cmd.%d" % n), "w", encoding="utf-8") as f:
            f.write(cmd + "\n")
        if out:
            with open(os.path.join(outdir, "want.%d" % n), "w", encoding="utf-8") as f:
                f.write("".join(line + "\n" for line in out))
    return found


def run(bindir, page, outdir):
    """Runs the commands as the module's comment says; returns the exit status."""
    found = write(page, outdir)
    if not found:
        sys.stderr.write("%s: no example commands found\n" % page)
        return 1
    work = os.path.join(outdir, "work")
    os.mkdir(work)
    env = dict(os.environ, PATH=bindir + ":/usr/bin:/bin", MANPAGER="cat")
    for n, (cmd, out) in enumerate(found, 1):
        got_path, want_path = (os.path.join(outdir, "%s.%d" % (k, n)) for k in ("got", "want"))
        with open(got_path, "wb") as got:
            status = subprocess.run(["bash", "-c", cmd + "\n"], cwd=work, env=env, stdout=got,
                                    stderr=subprocess.STDOUT).returncode
        with open(got_path, "rb") as f:
            got = f.read()
        if status != 0:
            sys.stderr.write("%s: exit %d from\n%s\n%s\n" % (
                page, status if status > 0 else 128 - status, cmd,
                got.decode("utf-8", "replace").rstrip("\n")))
            return 1
        if got != "".join(line + "\n" for line in out).encode("utf-8"):
            if not out:
                open(want_path, "wb").close()
            sys.stderr.write("%s: the output of\n%s\ndiffers from the page (-page +program):\n"
                             % (page, cmd))
            diff = subprocess.run(["diff", "-u", want_path, got_path], stdout=subprocess.PIPE)
            sys.stderr.write(b"".join(diff.stdout.splitlines(True)[2:]).decode("utf-8", "replace"))
            return 1
    print(len(found))
    return 0


def main():
    if sys.argv[1] == "--run":
        sys.exit(run(*sys.argv[2:5]))
    write(sys.argv[1], sys.argv[2])


main()
