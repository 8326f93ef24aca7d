#!/usr/bin/python3
"""The peer of nlp-svd in bench/svd.sh: scikit-learn's randomized_svd on a sparse nlp matrix.

usage: svd_sklearn.py MATRIX K ITERS OUT.npy
Reads the nlp-matrix(5) file straight into a float32 CSR matrix (no COO copy), runs
sklearn.utils.extmath.randomized_svd(k, n_iter=ITERS, n_oversamples=10, random_state=1), and saves
the singular values; prints the seconds of the load and of the SVD on stderr."""
import struct, sys, time
import numpy as np, scipy.sparse as sp
from sklearn.utils.extmath import randomized_svd

path, k, iters, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
t = time.time()
with open(path, 'rb') as f:
    head = f.read(64)
    assert head[:8] == b'NLPMATRX'
    _, kind, typ, _, rows, cols, nnz = struct.unpack_from('<IIIIQQQ', head, 8)
    assert kind == 2
    rec = np.dtype([('row', '<u4'), ('col', '<u4'), ('v', '<f4' if typ == 1 else '<f8')])
    t3 = np.fromfile(f, dtype=rec)
indptr = np.zeros(rows + 1, dtype=np.int64)
np.cumsum(np.bincount(t3['row'], minlength=rows), out=indptr[1:])
A = sp.csr_matrix((t3['v'].astype(np.float32), t3['col'].astype(np.int32), indptr), shape=(rows, cols))
del t3
t1 = time.time()
U, S, VT = randomized_svd(A, n_components=k, n_iter=iters, n_oversamples=10, random_state=1)
t2 = time.time()
np.save(out, S)
print(f'load {t1 - t:.2f} s, svd {t2 - t1:.2f} s', file=sys.stderr)
