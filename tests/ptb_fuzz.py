"""Differential test of `nlp-tokenize --ptb` against NLTK's TreebankWordTokenizer on random lines
built from the pieces its rules react to (quotes, clitics, contractions, punctuation, Unicode
spaces and digits). usage: ptb_fuzz.py [LINES]; exits 1 on any difference."""
import random
import subprocess
import sys
from nltk.tokenize import TreebankWordTokenizer
random.seed(5)
pieces = ["'", "''", '"', "`", "``", "'t", "'tis", "'twas", "is", "was", "n't", "N'T", "'s", "'S", "'ll", "'re", "'ve", "'d", "'m",
          "can", "not", "cannot", "gonna", "gimme", "lemme", "wanna", "gotta", "more'n", "d'ye", "D'ye",
          " ", "  ", "\t", "\u00a0", "\u3000", ".", "..", "...", "....", ",", ":", ";", "@", "#", "$", "%", "&", "?", "!",
          "(", ")", "[", "]", "{", "}", "<", ">", "--", "---", "-", "1", "3,000", "4:30", "a", "b", "word", "Word",
          "é", "한국", "٣", "_", "x.", ".)", ".'", '."']
tok = TreebankWordTokenizer()
lines = []
for _ in range(int(sys.argv[1]) if len(sys.argv) > 1 else 20000):
    lines.append("".join(random.choice(pieces) for _ in range(random.randint(1, 12))))
lines = [l.replace("\n", " ") for l in lines]
out = subprocess.run(["nlp-tokenize", "--ptb"], input="".join(l + "\n" for l in lines).encode(), capture_output=True, check=True).stdout.decode().split("\n")[:-1]
bad = 0
for l, o in zip(lines, out):
    w = " ".join(tok.tokenize(l))
    if w != o:
        bad += 1
        if bad <= 8: print(repr(l), "| nlp:", repr(o), "| nltk:", repr(w))
print(bad, "of", len(lines), "differ")
sys.exit(1 if bad else 0)
