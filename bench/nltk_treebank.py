#!/usr/bin/python3
"""The peer of `nlp-tokenize --ptb`: NLTK's TreebankWordTokenizer applied to each input line.

Reads UTF-8 text on stdin line by line (split on '\\n' only, trailing '\\n' stripped, malformed
bytes replaced by U+FFFD as nlp-tokenize does by default), tokenizes each line with
TreebankWordTokenizer().tokenize(line) and prints its tokens joined by single spaces, one output
line per input line. Used by bench/text.sh (speed) and bench/ptb_agree.sh (agreement).
"""
import io
import signal
import sys

from nltk.tokenize import TreebankWordTokenizer


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet under head(1)
    tok = TreebankWordTokenizer().tokenize
    inp = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace", newline="\n")
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", errors="surrogateescape",
                           newline="\n", write_through=False)
    write = out.write
    for line in inp:
        if line.endswith("\n"):
            line = line[:-1]
        write(" ".join(tok(line)))
        write("\n")
    out.flush()


if __name__ == "__main__":
    main()
