#!/usr/bin/python3
"""Checks nlp-normalize against Unicode's NormalizationTest.txt: every test line's five columns
are normalized to each of the four forms and compared with the column the file's header names;
and, as part 1 requires, every other code point is unchanged by all four forms. Prints the count
checked and the first differences; exits 1 on any."""
import bz2
import subprocess
import sys

path = sys.argv[1]
prog = sys.argv[2] if len(sys.argv) > 2 else "nlp-normalize"
opener = bz2.open if path.endswith(".bz2") else open
rows, part1, part = [], set(), None
for line in opener(path, "rt", encoding="utf-8"):
    line = line.split("#", 1)[0].strip()
    if line.startswith("@"):
        part = line
        continue
    if not line:
        continue
    cols = line.split(";")[:5]
    rows.append(["".join(chr(int(h, 16)) for h in c.split()) for c in cols])
    if part == "@Part1":
        part1.add(int(cols[0], 16))
others = [chr(cp) for cp in range(0x110000)
          if cp not in part1 and not 0xD800 <= cp <= 0xDFFF and cp != 0x0A]

# expected column (0-based) of toX(column i), from the file's header
expect = {
    "nfc": [1, 1, 1, 3, 3],
    "nfd": [2, 2, 2, 4, 4],
    "nfkc": [3, 3, 3, 3, 3],
    "nfkd": [4, 4, 4, 4, 4],
}
text = "".join([c + "\n" for r in rows for c in r] + [c + "\n" for c in others]).encode()
bad = 0
for form, want in expect.items():
    out = subprocess.run([prog, "--form", form], input=text, capture_output=True, check=True).stdout
    got = out.decode("utf-8").split("\n")[:-1]
    if len(got) != 5 * len(rows) + len(others):
        print(f"{form}: {len(got)} lines out for {5 * len(rows) + len(others)} in")
        sys.exit(1)
    for i, r in enumerate(rows):
        for c in range(5):
            if got[5 * i + c] != r[want[c]]:
                bad += 1
                if bad <= 10:
                    print(f"{form} col {c + 1} of {' '.join('%04X' % ord(x) for x in r[0])}: "
                          f"got {' '.join('%04X' % ord(x) for x in got[5 * i + c])}")
    for i, c in enumerate(others):
        if got[5 * len(rows) + i] != c:
            bad += 1
            if bad <= 10:
                print(f"{form}: U+{ord(c):04X} outside part 1 changed")
print(f"{len(rows)} test lines x 5 columns and {len(others)} other code points, x 4 forms: "
      f"{bad} differences")
sys.exit(1 if bad else 0)
