"""matgen: writes nlp matrices (nlp-matrix(5)) from Python for the nlp-mat tests, following the
man page and not the C writer, so that each checks the other: good matrices from NumPy and SciPy
arrays, and bad ones with one rule broken; and reads what the programs write. Run `python3 matgen.py` to rebuild the fixtures of
this directory."""
import os
import struct

import numpy as np
import scipy.sparse as sp

MAGIC = b"NLPMATRX"
DENSE, SPARSE = 1, 2
F32, F64 = 1, 2
UNKNOWN = 2**64 - 1


def header(kind, typ, rows, cols, nnz, version=1, magic=MAGIC, reserved=0):
    return magic + struct.pack("<IIIIQQQQQ", version, kind, typ, reserved, rows, cols, nnz, 0, 0)


def sparse_bytes(rows, cols, triples, typ=F64, nnz=None, **kw):
    """triples: (row, col, value), written in the order given."""
    fmt = "<IIf" if typ == F32 else "<IId"
    body = b"".join(struct.pack(fmt, r, c, v) for r, c, v in triples)
    return header(SPARSE, typ, rows, cols, len(triples) if nnz is None else nnz, **kw) + body


def dense_bytes(a, typ=F64, **kw):
    a = np.asarray(a)
    body = a.astype("<f4" if typ == F32 else "<f8").tobytes()
    return header(DENSE, typ, a.shape[0], a.shape[1], a.size, **kw) + body


def coo_triples(m):
    """The stored cells of a SciPy matrix, sorted by row then column."""
    m = sp.coo_matrix(m)
    order = np.lexsort((m.col, m.row))
    return [(int(m.row[i]), int(m.col[i]), float(m.data[i])) for i in order]


def sparse_of(m, typ=F64, nnz=None):
    return sparse_bytes(m.shape[0], m.shape[1], coo_triples(m), typ, nnz)


def rand_sparse(rng, rows, cols, density, typ=F64):
    """Random values with all mantissa bits used, some negative, exact in typ."""
    m = sp.random(rows, cols, density=density, random_state=rng, format="coo",
                  data_rvs=lambda n: rng.standard_normal(n) * 10)
    m.data = m.data.astype(np.float32 if typ == F32 else np.float64)
    return m.tocsr().tocoo()


def read(path):
    """A matrix file as the man page describes it: a dense one as an ndarray, a sparse one as a
    SciPy COO matrix (float64 values), its count and order checked."""
    data = open(path, "rb").read()
    assert data[:8] == MAGIC, "not an nlp matrix"
    version, kind, typ, _, rows, cols, nnz = struct.unpack_from("<IIIIQQQ", data, 8)
    assert version == 1 and kind in (DENSE, SPARSE) and typ in (F32, F64)
    val = np.dtype("<f4") if typ == F32 else np.dtype("<f8")
    body = data[64:]
    if kind == DENSE:
        a = np.frombuffer(body, dtype=val)
        assert a.size == rows * cols, "dense size"
        return a.reshape(rows, cols).astype(np.float64)
    rec = np.dtype([("row", "<u4"), ("col", "<u4"), ("v", val)])
    assert len(body) % rec.itemsize == 0, "truncated"
    t = np.frombuffer(body, dtype=rec)
    assert nnz in (UNKNOWN, t.size), "nnz"
    key = t["row"].astype(np.uint64) << np.uint64(32) | t["col"].astype(np.uint64)
    assert np.all(key[1:] > key[:-1]), "order"
    return sp.coo_matrix((t["v"].astype(np.float64), (t["row"], t["col"])), shape=(rows, cols))


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    # 3x4 float32: the matrix of the info and print tests
    write(os.path.join(here, "tiny.mat"),
          sparse_bytes(3, 4, [(0, 1, 1.5), (0, 3, 2.0), (2, 0, 0.1), (2, 3, -3.0)], F32))
    # 2x3 float64, dense
    write(os.path.join(here, "tiny-dense.mat"), dense_bytes([[1, 0, 2.5], [0, 0, -0.001]]))
