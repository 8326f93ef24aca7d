#!/usr/bin/python3
"""Compares `nlp-tokenize --ptb` with NLTK's TreebankWordTokenizer line by line.
usage: ptb_compare.py FILE MIN_SHARE [MAX_LINES]
Prints the share of lines with identical tokens and the first differing lines; exits 1 when the
share is below MIN_SHARE."""
import subprocess
import sys

from nltk.tokenize import TreebankWordTokenizer

path, min_share = sys.argv[1], float(sys.argv[2])
limit = int(sys.argv[3]) if len(sys.argv) > 3 else None
with open(path, encoding="utf-8") as f:
    lines = [l.rstrip("\n") for l in f]
if limit:
    lines = lines[:limit]
data = "".join(l + "\n" for l in lines).encode("utf-8")
out = subprocess.run(["nlp-tokenize", "--ptb"], input=data, capture_output=True, check=True)
ours = out.stdout.decode("utf-8").split("\n")[:-1]
assert len(ours) == len(lines), f"{len(ours)} lines out for {len(lines)} in"
tok = TreebankWordTokenizer()
same, shown = 0, 0
for line, got in zip(lines, ours):
    want = " ".join(tok.tokenize(line))
    if want == got:
        same += 1
    elif shown < 10:
        shown += 1
        print(f"input: {line[:300]}\n  nlp:  {got[:300]}\n  nltk: {want[:300]}")
share = same / len(lines) if lines else 1.0
print(f"{same} of {len(lines)} lines identical ({100 * share:.2f}%)")
sys.exit(0 if share >= min_share else 1)
