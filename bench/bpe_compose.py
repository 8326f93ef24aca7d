#!/usr/bin/env python3
"""bench/bpe_compose.py PIECE_VECTORS WORDS PIECES OUT: word vectors from BPE piece vectors.

The BPEmb way of giving a word a vector: the mean of the vectors of its pieces. PIECE_VECTORS is
word2vec text format (nlp-w2v --output), trained on a corpus whose words were split into pieces
by nlp-bpe apply; WORDS has one word a line; PIECES is WORDS through the same nlp-bpe apply (one
line each, the pieces separated by spaces, written as the vectors name them). OUT gets the word2vec
text format of every word with at least one piece among the vectors, in the order of WORDS (so
that nlp-similar's --restrict keeps its meaning when WORDS is in frequency order). On stderr:
"words N, with a vector N, every piece known N, mean pieces X".
"""
import sys

import numpy as np


def read_vectors(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        n, dim = (int(x) for x in f.readline().split())
        index = {}
        mat = np.zeros((n, dim), dtype=np.float64)
        for i, line in enumerate(f):
            if i >= n:
                break
            parts = line.rstrip("\n").split(" ")
            index.setdefault(parts[0], i)
            mat[i] = np.asarray(parts[1:dim + 1], dtype=np.float64)
    return index, mat


def main(argv):
    if len(argv) != 5:
        sys.stderr.write("usage: bpe_compose.py PIECE_VECTORS WORDS PIECES OUT\n")
        return 2
    index, mat = read_vectors(argv[1])
    dim = mat.shape[1]
    words = total = complete = npieces = 0
    out_words, out_vecs = [], []
    with open(argv[2], encoding="utf-8", errors="replace") as fw, \
            open(argv[3], encoding="utf-8", errors="replace") as fp:
        for word, pieces in zip(fw, fp):
            word = word.strip()
            if not word:
                continue
            words += 1
            ps = pieces.split()
            rows = [index[p] for p in ps if p in index]
            if not rows:
                continue
            total += 1
            npieces += len(ps)
            if len(rows) == len(ps):
                complete += 1
            out_words.append(word)
            out_vecs.append(mat[rows].mean(axis=0))
    with open(argv[4], "w", encoding="utf-8") as fo:
        fo.write(f"{len(out_words)} {dim}\n")
        for w, v in zip(out_words, out_vecs):
            fo.write(w + " " + " ".join(f"{x:.6f}" for x in v) + "\n")
    sys.stderr.write(f"words {words}, with a vector {total}, every piece known {complete}, "
                     f"mean pieces {npieces / max(total, 1):.3f}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
