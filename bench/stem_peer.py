"""stem_peer.py: the peers of bench/stem.sh, a line of space-separated tokens in, the same line
with each token replaced out, as nlp-stem writes it.

    stem_peer.py snowball LANG   python3-snowballstemmer's stemmer(LANG).stemWords on each line's
                                 tokens (Debian's package is the pure-Python one: no PyStemmer)
    stem_peer.py lemma POS DIR   NLTK's WordNetLemmatizer().lemmatize(token, POS) on each token,
                                 over Debian's WordNet (through tests/stem_ref.py's reader, made
                                 in DIR)"""
import os
import sys


def main():
    out = sys.stdout
    if sys.argv[1] == "snowball":
        import snowballstemmer
        stem = snowballstemmer.stemmer(sys.argv[2]).stemWords
        for line in sys.stdin:
            out.write(" ".join(stem(line.rstrip("\n").split(" "))) + "\n")
    else:
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
        import stem_ref
        lemmatize, pos = stem_ref.lemmatizer(sys.argv[3]), sys.argv[2]
        for line in sys.stdin:
            out.write(" ".join(lemmatize(w, pos) if w else w
                               for w in line.rstrip("\n").split(" ")) + "\n")


main()
