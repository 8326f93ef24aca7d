#!/usr/bin/python3
"""Compares the outputs of `nlp-tokenize --ptb` and bench/nltk_treebank.py line by line.

usage: ptb_agree.py INPUT NLP_OUT NLTK_OUT [--examples K] [--target PERCENT] [--full]

Prints the number and share of input lines whose token sequences are identical, PASS or FAIL
against the target, and up to K differing lines: the input, nlp's tokens and NLTK's tokens, cut
to a window around the first differing token unless --full is given. Exits 0 whatever the share
(a benchmark reports, it does not gate); 2 when the files do not have the same number of lines.
"""
import argparse
import signal
import sys

WINDOW = 6     # tokens shown on each side of the first difference
IN_WINDOW = 100  # input characters shown on each side of it


def read_lines(path):
    with open(path, "rb") as f:
        data = f.read().decode("utf-8", errors="replace")
    lines = data.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def first_diff(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


def input_pos(line, toks, upto):
    """Where the first `upto` tokens end in the input, roughly (quotes are rewritten)."""
    pos = 0
    for t in toks[:upto]:
        k = line.find(t, pos)
        if k >= 0 and k - pos < 200:
            pos = k + len(t)
    return pos


def show_tokens(toks, i, full):
    if full:
        return " ".join(toks)
    lo, hi = max(0, i - WINDOW), min(len(toks), i + WINDOW + 1)
    mid = toks[lo:i] + (["[[" + toks[i] + "]]"] if i < len(toks) else ["[[end]]"]) + toks[i + 1:hi]
    return ("... " if lo > 0 else "") + " ".join(mid) + (" ..." if hi < len(toks) else "")


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet under head(1)
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("nlp")
    ap.add_argument("nltk")
    ap.add_argument("--examples", type=int, default=10)
    ap.add_argument("--target", type=float, default=99.0)
    ap.add_argument("--full", action="store_true")
    args = ap.parse_args()

    src, a, b = read_lines(args.input), read_lines(args.nlp), read_lines(args.nltk)
    if not (len(src) == len(a) == len(b)):
        print(f"ptb_agree: line counts differ: input {len(src)}, nlp {len(a)}, NLTK {len(b)}")
        return 2
    diffs = [i for i, (x, y) in enumerate(zip(a, b)) if x.split(" ") != y.split(" ")]
    n, same = len(src), len(src) - len(diffs)
    share = 100.0 * same / n if n else 100.0
    ntok_a = sum(len(x.split()) for x in a)
    ntok_b = sum(len(y.split()) for y in b)
    result = "PASS" if share >= args.target else "FAIL"
    print("| lines | identical token sequences | share | nlp tokens | NLTK tokens | target | result |")
    print("|---|---|---|---|---|---|---|")
    print(f"| {n:,} | {same:,} | {share:.2f}% | {ntok_a:,} | {ntok_b:,} | >= {args.target:g}% | {result} |")
    if not diffs:
        print("\nNo differing lines.")
        return 0
    k = min(args.examples, len(diffs))
    print(f"\nThe first {k} of {len(diffs)} differing lines ([[x]] marks the first differing token):")
    for i in diffs[:k]:
        ta, tb = a[i].split(" "), b[i].split(" ")
        j = first_diff(ta, tb)
        line = src[i]
        if args.full or len(line) <= 2 * IN_WINDOW:
            shown = line
        else:
            p = input_pos(line, tb, j)
            lo, hi = max(0, p - IN_WINDOW), min(len(line), p + IN_WINDOW)
            shown = ("..." if lo > 0 else "") + line[lo:hi] + ("..." if hi < len(line) else "")
        print(f"\nline {i + 1}, token {j + 1}:")
        print(f"  input: {shown!r}")
        print(f"  nlp:   {show_tokens(ta, j, args.full)}")
        print(f"  NLTK:  {show_tokens(tb, j, args.full)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
