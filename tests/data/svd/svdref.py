"""svdref: matrices with a known spectrum for the nlp-svd tests, and the checks of what nlp-svd
writes against a dense LAPACK SVD in double precision (numpy.linalg.svd). Imported by
tests/nlp-svd.bats with matgen (tests/data/mat) on the path."""
import numpy as np
import scipy.sparse as sp

from matgen import read


def planted(rng, m, n, s, noise=0.0, density=0.05):
    """A dense m x n matrix U diag(s) V^T (random orthonormal U, V) plus sparse noise of size noise:
    its spectrum is s, perturbed by at most the noise's norm."""
    u, _ = np.linalg.qr(rng.standard_normal((m, len(s))))
    v, _ = np.linalg.qr(rng.standard_normal((n, len(s))))
    a = (u * s) @ v.T
    if noise:
        a += noise * sp.random(m, n, density=density, random_state=rng,
                               data_rvs=rng.standard_normal).toarray()
    return a


def planted_sparse(rng, m, n, s, noise=0.0, density=0.01):
    """A sparse m x n matrix: rank-1 blocks s[i] u_i v_i^T on disjoint random sets of rows and
    columns (so the u_i and v_i are orthonormal and sparse), plus sparse noise of size noise."""
    k = len(s)
    rows, cols = rng.permutation(m), rng.permutation(n)
    a = sp.lil_matrix((m, n))
    for i, (r, c) in enumerate(zip(np.array_split(rows[: m // 2], k),
                                   np.array_split(cols[: n // 2], k))):
        u = rng.standard_normal(len(r))
        v = rng.standard_normal(len(c))
        a[np.ix_(r, c)] = s[i] * np.outer(u / np.linalg.norm(u), v / np.linalg.norm(v))
    a = a.tocsr()
    if noise:
        a = a + noise * sp.random(m, n, density=density, random_state=rng,
                                  data_rvs=rng.standard_normal)
    return sp.coo_matrix(a)


def dense_of(path):
    a = read(path)
    return a.toarray() if sp.issparse(a) else a


def min_cos(a, b):
    """The cosine of the largest principal angle between the column spaces of a and b
    (orthonormal columns): the smallest singular value of a^T b."""
    return np.linalg.svd(a.T @ b, compute_uv=False).min()


def max_sin(a, b):
    """The sine of the largest principal angle: the norm of the part of a outside b's span."""
    return np.linalg.norm(a - b @ (b.T @ a), 2)


def check(mat, k, u_path, s_path, v_path, tol_s=1e-4, tol_sub=1e-4, tol_sin=1e-4, tol_orth=1e-5,
          tol_rec=1e-4):
    """The factors nlp-svd wrote for mat against numpy's: the top k singular values within tol_s
    relative (to each value); the principal angles of U and V, 1 - cos <= tol_sub and the sharper
    sin <= tol_sin (cos is 1 - sin^2/2); U and V orthonormal (tol_orth, the largest entry of
    U^T U - I); U S V^T against numpy's rank-k approximation (tol_rec, relative in the Frobenius
    norm); and the signs: the entry of largest magnitude in each column of U is positive. Prints
    the measures; raises on failure."""
    a = dense_of(mat)
    m, n = a.shape
    u, s, v = read(u_path), read(s_path), read(v_path)
    assert u.shape == (m, k) and s.shape == (k, 1) and v.shape == (n, k), \
        (u.shape, s.shape, v.shape)
    s = s.ravel()
    ur, sr, vrt = np.linalg.svd(a, full_matrices=False)
    ur, sr, vr = ur[:, :k], sr[:k], vrt[:k].T
    err_s = (np.abs(s - sr) / sr).max()
    cos_u, cos_v = min_cos(u, ur), min_cos(v, vr)
    sin_u, sin_v = max_sin(u, ur), max_sin(v, vr)
    orth = max(np.abs(u.T @ u - np.eye(k)).max(), np.abs(v.T @ v - np.eye(k)).max())
    ak = (ur * sr) @ vr.T
    rec = np.linalg.norm((u * s) @ v.T - ak) / np.linalg.norm(ak)
    peak = u[np.abs(u).argmax(axis=0), np.arange(k)]
    print(f"s {err_s:.2e} u {1 - cos_u:.2e} v {1 - cos_v:.2e} "
          f"sin u {sin_u:.2e} v {sin_v:.2e} orth {orth:.2e} rec {rec:.2e}")
    assert np.all(np.diff(s) <= 0), "singular values not in descending order"
    assert err_s <= tol_s, ("singular values", err_s, s[:8], sr[:8])
    assert 1 - cos_u <= tol_sub, ("U subspace", 1 - cos_u)
    assert 1 - cos_v <= tol_sub, ("V subspace", 1 - cos_v)
    assert max(sin_u, sin_v) <= tol_sin, ("principal angles: sin", sin_u, sin_v)
    assert orth <= tol_orth, ("orthonormal columns", orth)
    assert rec <= tol_rec, ("reconstruction", rec)
    assert np.all(peak > 0), ("sign: largest entry of a column of U negative", peak)
    print("agree")
