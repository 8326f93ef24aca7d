"""matgen: the tests' one Python module for nlp matrices (nlp-matrix(5)). It writes them from
NumPy and SciPy arrays following the man page and not the C writer, so that each checks the
other: good matrices, and bad ones with one rule broken; and it reads what the programs write,
checking every rule of the man page (every bats file finds it on PYTHONPATH: tests/helper.bash).
Run `python3 matgen.py` to rebuild the fixtures of this directory."""
import os
import re
import struct

import numpy as np
import scipy.sparse as sp

MAGIC = b"NLPMATRX"
DENSE, SPARSE = 1, 2
F32, F64 = 1, 2
UNKNOWN = 2**64 - 1
RECORD_MAX = 1024
# a record: lines of a stage word and KEY=VALUE fields, one space apart, each ending in a newline
RECORD_LINE = re.compile(rb"[a-z][a-z0-9-]*( [a-z][a-z0-9-]*=[!-~]+)*\n")


def header(kind, typ, rows, cols, nnz, version=None, magic=MAGIC, reserved=None, record=b""):
    """The header, version 2 with the record after it when there is one, else version 1."""
    if version is None:
        version = 2 if record else 1
    if reserved is None:
        reserved = len(record)
    return magic + struct.pack("<IIIIQQQQQ", version, kind, typ, reserved, rows, cols, nnz, 0,
                               0) + record


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


def read_header(data, typ=None):
    """The header of a matrix file's bytes as (kind, typ, rows, cols, nnz), every field checked;
    typ (F32 or F64), when given, is the element type the file must have."""
    assert data[:8] == MAGIC, "not an nlp matrix"
    assert len(data) >= 64, "truncated header"
    version, kind, t, res, rows, cols, nnz, r0, r1 = struct.unpack_from("<IIIIQQQQQ", data, 8)
    assert version in (1, 2), "version %d" % version
    assert kind in (DENSE, SPARSE) and t in (F32, F64), "kind %d, type %d" % (kind, t)
    assert (r0, r1) == (0, 0), "reserved fields set"
    if version == 1:
        assert res == 0, "a record length in version 1"
    else:
        assert 0 < res <= RECORD_MAX and len(data) >= 64 + res, "record length %d" % res
        rec = data[64:64 + res]
        assert re.fullmatch(rb"(%s)+" % RECORD_LINE.pattern, rec), "invalid record %r" % rec
    assert rows < 2**32 and cols < 2**32, "rows or cols above 2^32 - 1"
    assert typ is None or t == typ, "type %d, not %d" % (t, typ)
    if kind == DENSE:
        assert nnz == rows * cols, "dense nnz"
    else:
        assert nnz == UNKNOWN or nnz <= rows * cols, "nnz above rows x cols"
    return kind, t, rows, cols, nnz


def record(data):
    """The record of a matrix file's bytes (header checked as read_header does), b"" if none."""
    read_header(data)
    return data[64:body_offset(data)]


def body_offset(data):
    """Where the values or triples start: after the header and its record."""
    return 64 + struct.unpack_from("<I", data, 20)[0]


def read_triples(path, typ=None, known_nnz=False):
    """A sparse matrix file as (rows, cols, t), t a NumPy record array of fields r, c (uint32)
    and v (the file's element type), checked as the man page says: the header (typ as in
    read_header), the count (known_nnz: the header must give it, not UNKNOWN), the order, the
    indices and finite values."""
    return _triples(open(path, "rb").read(), typ, known_nnz)


def _triples(data, typ, known_nnz):
    kind, t, rows, cols, nnz = read_header(data, typ)
    assert kind == SPARSE, "not a sparse matrix"
    rec = np.dtype([("r", "<u4"), ("c", "<u4"), ("v", "<f4" if t == F32 else "<f8")])
    body = data[body_offset(data):]
    assert len(body) % rec.itemsize == 0, "truncated"
    tr = np.frombuffer(body, dtype=rec)
    assert nnz == tr.size or (nnz == UNKNOWN and not known_nnz), \
        "nnz %d in the header, %d triples" % (nnz, tr.size)
    key = tr["r"].astype(np.uint64) << np.uint64(32) | tr["c"].astype(np.uint64)
    assert np.all(key[1:] > key[:-1]), "triples not sorted by row then column"
    assert np.all(tr["r"] < rows) and np.all(tr["c"] < cols), "index out of range"
    assert np.all(np.isfinite(tr["v"])), "a value is NaN or infinite"
    return rows, cols, tr


def read(path, typ=None, known_nnz=False):
    """A matrix file: a dense one as an ndarray, a sparse one as a SciPy COO matrix (float64
    values), checked as read_header and read_triples say."""
    data = open(path, "rb").read()
    kind, t, rows, cols, nnz = read_header(data, typ)
    if kind == SPARSE:
        rows, cols, tr = _triples(data, typ, known_nnz)
        return sp.coo_matrix((tr["v"].astype(np.float64), (tr["r"], tr["c"])), shape=(rows, cols))
    a = np.frombuffer(data[body_offset(data):], dtype=np.dtype("<f4") if t == F32 else np.dtype("<f8"))
    assert a.size == rows * cols, "dense size"
    return a.reshape(rows, cols).astype(np.float64)


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
