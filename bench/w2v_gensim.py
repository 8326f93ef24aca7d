#!/usr/bin/python3
"""The gensim peer of bench/w2v.sh: trains word2vec as BENCH.md shows and writes text vectors.

usage: w2v_gensim.py CORPUS OUT.vec sg|cbow NEG HS [SEED]
Settings as issue 12 and BENCH.md: Word2Vec(LineSentence(CORPUS), vector_size=100, window=5,
negative=NEG, hs=HS, sample=1e-4, workers=2, epochs=5, min_count=5, sg=1 or 0, alpha=0.025,
seed=SEED (default 1)); the vectors go out with save_word2vec_format (text, most frequent first).
"""
import logging, sys
from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence

logging.disable(logging.CRITICAL)
corpus, out, arch, neg, hs = sys.argv[1:6]
seed = int(sys.argv[6]) if len(sys.argv) > 6 else 1
m = Word2Vec(LineSentence(corpus), vector_size=100, window=5, negative=int(neg), hs=int(hs),
             sample=1e-4, workers=2, epochs=5, min_count=5, sg=1 if arch == 'sg' else 0,
             alpha=0.025, seed=seed)
m.wv.save_word2vec_format(out, binary=False)
