#!/usr/bin/python3
"""glove_ref.py: the tests' independent reference for nlp-glove (issue 16), written from the spec
(nlp-glove-model(5) for the model file, the fit's rule of GloVe's glove.c), not from the C code.
NumPy only (gensim for the command gensim); tests/nlp-glove.bats runs it.

    glove_ref.py step MATRIX BEFORE AFTER LOG X_MAX ALPHA ETA CLIP [BEFORE AFTER LOG ...]
        One AdaGrad iteration against a straightforward float64 reference: AFTER is what
        `nlp-glove --model BEFORE --iters 1 -T 1 --save-model AFTER --log LOG` wrote from the
        matrix MATRIX, whose non-zeros touch distinct rows and distinct columns (checked), so
        that the order they are visited in does not matter. From BEFORE's parameters, each
        non-zero's update by GloVe's rule (glove.c, master): with fdiff = f(x) diff, the step of
        w_ik is clip(fdiff w~_jk, CLIP) ETA / sqrt(G_ik), then G_ik grows by its square (and
        alike for w~_jk), both from the old values; the biases' step is fdiff / sqrt(Gb), then
        Gb grows by fdiff^2: neither clipped nor scaled by ETA. (glove-spec.md writes ETA into
        fdiff and clips after it, as GloVe did before its gradient clipping; the code follows
        GloVe's master, and so does this.) Every parameter and AdaGrad sum of AFTER compared
        (those of no non-zero unchanged, bit for bit), its header (the settings given, the
        iterations one more, the same seed and words), and the log's cost of the iteration (the
        mean of 0.5 f(x) diff^2 before each update). A BEFORE of 0 iterations is checked as the
        initialisation: vectors and biases in [-0.5/dim, 0.5/dim), sums 1. Prints one line a
        step and `largest difference X` (relative, |a - b| / max(|b|, 0.01)); exits 1 above
        1e-5 (1e-4 for the log's printed cost).
    glove_ref.py vectors MODEL DIR
        DIR holds what `nlp-glove --model MODEL --iters 0` wrote: sum.txt, word.txt,
        context.txt, concat.txt (text, with --vectors sum, word, context, concat) and sum.bin,
        word.bin (-b): each labelled by the model's words in order, of dim values (concat
        2 dim), W + W~, W, W~, W then W~; the text within its printing's precision, the binary
        bit for bit (the float32 sum). Prints the largest differences.
    glove_ref.py gensim TEXT BIN MODEL
        gensim's KeyedVectors.load_word2vec_format loads the text and the binary output (of
        --vectors sum) with the model's words, the binary's vectors W + W~ bit for bit, the
        text's within printing precision.
    glove_ref.py planted VEC ...
        A planted corpus's vectors (word2vec text): words are grouped by their first letter;
        for each file, the share of words whose (group size - 1) nearest neighbours by cosine
        are all in their group, and the precision of those neighbours. Exits 1 when a value is
        not finite or the share is below 0.9.
    glove_ref.py fields MODEL
        The model's header and sizes, `name value` a line (rows dim iters x_max alpha eta
        grad_clip seed words), after every check of the format.
    glove_ref.py corrupt MODEL DIR
        Writes into DIR damaged copies of MODEL, each with one rule of nlp-glove-model(5)
        broken and its checksum made right again, named by what is wrong.

Exits 1 on a failed check, 2 on a usage error.
"""
import math
import os
import struct
import sys

import numpy as np

MAGIC = b"NLPGLOVE"
HEADER = 128
BOM = 0x01020304


def fnv(data):
    """FNV-1a 64 of data (bytes), as nnfile's checksum."""
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
    return h


class Model:
    """A model file, every rule of nlp-glove-model(5) checked."""

    def __init__(self, path, checksum=True):
        d = open(path, "rb").read()
        self.path, self.data = path, d
        assert len(d) >= HEADER and d[:8] == MAGIC, "%s: not an NLPGLOVE file" % path
        version, bom, header, ntables = struct.unpack_from("<4I", d, 8)
        tables, P, ck = struct.unpack_from("<3Q", d, 24)
        assert (version, bom, header, ntables) == (1, BOM, HEADER, 1), (version, bom, header)
        assert d[48:64] == bytes(16), "reserved 48..63"
        (self.rows, self.dim, self.iters, self.x_max, self.alpha, self.eta, self.grad_clip,
         self.seed) = struct.unpack_from("<QIIddddQ", d, 64)
        assert d[120:128] == bytes(8), "reserved 120..127"
        if checksum:
            assert fnv(d[HEADER:]) == ck, "checksum"
        at = HEADER
        n, = struct.unpack_from("<I", d, at)
        at += 4
        self.words = []
        for _ in range(n):
            k, = struct.unpack_from("<I", d, at)
            self.words.append(d[at + 4:at + 4 + k].decode())
            at += 4 + k
        assert at == HEADER + tables, "tables' size"
        start = (at + 63) // 64 * 64
        assert d[at:start] == bytes(start - at), "padding"
        R, D = self.rows, self.dim
        assert R == n and 1 <= D <= 10000, (R, n, D)
        assert P == R * (4 * D + 4) and len(d) == start + 4 * P, (P, len(d))
        p = np.frombuffer(d, dtype="<f4", count=P, offset=start)
        shapes = [("W", (R, D)), ("Wc", (R, D)), ("b", (R,)), ("bc", (R,)), ("gW", (R, D)),
                  ("gWc", (R, D)), ("gb", (R,)), ("gbc", (R,))]
        self.t = {}
        at = 0
        for name, shape in shapes:
            size = int(np.prod(shape))
            self.t[name] = p[at:at + size].reshape(shape)
            at += size
        assert np.all(np.isfinite(p)), "a parameter is not finite"
        for g in ("gW", "gWc", "gb", "gbc"):
            assert np.all(self.t[g] >= 1), "an AdaGrad sum below 1"
        assert self.x_max > 0 and self.alpha >= 0 and self.eta > 0 and self.grad_clip > 0

    def params(self):
        return np.concatenate([v.ravel() for v in self.t.values()])


def fail(msg):
    print("FAIL " + msg)
    sys.exit(1)


def rel(a, b, floor=0.01):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), floor)))


def read_log(path):
    lines = open(path).read().split("\n")
    assert lines[0] == "iter\tcost\tseconds\tnonzeros_per_s", "log header %r" % lines[0]
    return [l.split("\t") for l in lines[1:] if l]


def step(args):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "mat"))
    import matgen
    _, _, tr = matgen.read_triples(args[0])
    rows, cols, xs = tr["r"].astype(int), tr["c"].astype(int), tr["v"].astype(np.float64)
    assert len(set(rows)) == len(rows) and len(set(cols)) == len(cols), \
        "the matrix's non-zeros share rows or columns"
    worst = 0.0
    groups = args[1:]
    if not groups or len(groups) % 7:
        sys.exit("usage: step MATRIX BEFORE AFTER LOG X_MAX ALPHA ETA CLIP ...")
    for g in range(0, len(groups), 7):
        before, after, log = groups[g:g + 3]
        x_max, alpha, eta, clip = map(float, groups[g + 3:g + 7])
        m0, m1 = Model(before), Model(after)
        D = m0.dim
        if m0.iters == 0:
            for name in ("W", "Wc", "b", "bc"):
                v = m0.t[name]
                if not (np.all(v >= -0.5 / D) and np.all(v < 0.5 / D)):
                    fail("%s: initial %s outside [-0.5/dim, 0.5/dim)" % (before, name))
            for name in ("gW", "gWc", "gb", "gbc"):
                if not np.all(m0.t[name] == 1):
                    fail("%s: initial %s not 1" % (before, name))
        if (m1.rows, m1.dim, m1.words, m1.seed) != (m0.rows, m0.dim, m0.words, m0.seed):
            fail("%s: rows, dim, words or seed differ from %s's" % (after, before))
        if m1.iters != m0.iters + 1:
            fail("%s: %d iterations after %d and one more" % (after, m1.iters, m0.iters))
        if (m1.x_max, m1.alpha, m1.eta, m1.grad_clip) != (x_max, alpha, eta, clip):
            fail("%s: settings %r, not %r" % (after, (m1.x_max, m1.alpha, m1.eta, m1.grad_clip),
                                              (x_max, alpha, eta, clip)))
        t = {k: v.astype(np.float64).copy() for k, v in m0.t.items()}
        cost = 0.0
        clipped = 0
        for r, c, x in zip(rows, cols, xs):
            x = float(np.float32(x))   # the cells hold float32 values
            w, wc = t["W"][r].copy(), t["Wc"][c].copy()
            diff = w @ wc + t["b"][r] + t["bc"][c] - math.log(x)
            f = min(1.0, (x / x_max) ** alpha)
            fdiff = f * diff
            cost += 0.5 * fdiff * diff
            # GloVe's glove.c (master): each component's gradient clipped, then scaled by eta;
            # the biases' step fdiff, neither clipped nor scaled (see the docstring)
            gr = fdiff
            u, v = fdiff * wc, fdiff * w
            clipped += int(np.sum(np.abs(u) > clip) + np.sum(np.abs(v) > clip))
            u, v = np.clip(u, -clip, clip) * eta, np.clip(v, -clip, clip) * eta
            t["W"][r] -= u / np.sqrt(t["gW"][r])
            t["gW"][r] += u * u
            t["Wc"][c] -= v / np.sqrt(t["gWc"][c])
            t["gWc"][c] += v * v
            t["b"][r] -= gr / math.sqrt(t["gb"][r])
            t["gb"][r] += gr * gr
            t["bc"][c] -= gr / math.sqrt(t["gbc"][c])
            t["gbc"][c] += gr * gr
        # the rows and columns of no non-zero: unchanged, bit for bit
        for name, idx in (("W", rows), ("b", rows), ("gW", rows), ("gb", rows),
                          ("Wc", cols), ("bc", cols), ("gWc", cols), ("gbc", cols)):
            keep = np.ones(m0.rows, bool)
            keep[idx] = False
            if not np.array_equal(m0.t[name][keep], m1.t[name][keep]):
                fail("%s: %s of a word of no non-zero changed" % (after, name))
        d = max(rel(m1.t[k], t[k]) for k in t)
        log_cost = float(read_log(log)[0][1])
        dl = abs(log_cost - cost / len(xs)) / (cost / len(xs))
        print("%s from %s: %d non-zeros, %d components clipped, largest difference %.3g; "
              "cost %.6g, the log's %s (%.2g)" % (os.path.basename(after),
                                                 os.path.basename(before), len(xs), clipped,
                                                 d, cost / len(xs), log_cost, dl))
        worst = max(worst, d)
        if d > 1e-5:
            for k in t:
                i = np.unravel_index(np.argmax(np.abs(m1.t[k] - t[k])), t[k].shape)
                print("  %s%s: ours %.9g, reference %.9g, before %.9g" %
                      (k, list(i), m1.t[k][i], t[k][i], m0.t[k][i]))
            fail("%s: off by %.3g" % (after, d))
        if dl > 1e-4:
            fail("%s: the log's cost %s, the reference's %.9g" % (log, log_cost, cost / len(xs)))
    print("largest difference %.3g" % worst)


def read_text(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    assert lines[-1] == "", "%s: no final newline" % path
    n, dim = map(int, lines[0].split(" "))
    rows = [l.split(" ") for l in lines[1:-1]]
    assert len(rows) == n, "%s: %d rows, the header says %d" % (path, len(rows), n)
    for r in rows:
        assert len(r) == dim + 1, "%s: a row of %d values, not %d" % (path, len(r) - 1, dim)
    return [r[0] for r in rows], np.array([[float(v) for v in r[1:]] for r in rows]).reshape(n, dim)


def read_bin(path):
    d = open(path, "rb").read()
    nl = d.index(b"\n")
    n, dim = map(int, d[:nl].split(b" "))
    at, words, vecs = nl + 1, [], []
    for _ in range(n):
        sp = d.index(b" ", at)
        words.append(d[at:sp].decode())
        at = sp + 1
        vecs.append(np.frombuffer(d, dtype="<f4", count=dim, offset=at))
        at += 4 * dim
        assert d[at:at + 1] == b"\n", "%s: no newline after a vector" % path
        at += 1
    assert at == len(d), "%s: bytes after the last vector" % path
    return words, np.array(vecs).reshape(n, dim)


# the text's values against float32 ones: within the printing's precision (6 significant
# digits or better, or 6 decimals)
def text_close(got, want):
    return float(np.max(np.abs(got - want) - (1e-5 * np.abs(want) + 1e-6), initial=-1)) <= 0


def vectors(args):
    m = Model(args[0])
    W, Wc = m.t["W"], m.t["Wc"]
    want = {"sum": W + Wc, "word": W, "context": Wc, "concat": np.hstack([W, Wc])}
    worst = 0.0
    for kind, v in want.items():
        words, got = read_text(os.path.join(args[1], kind + ".txt"))
        if words != m.words:
            fail("%s.txt: the words are not the model's, in its order" % kind)
        if got.shape != v.shape:
            fail("%s.txt: shape %r, not %r" % (kind, got.shape, v.shape))
        d = float(np.max(np.abs(got - v)))
        worst = max(worst, d)
        print("%s.txt: %d x %d, largest difference %.3g" % (kind, got.shape[0], got.shape[1], d))
        if not text_close(got, v):
            fail("%s.txt: beyond the printing's precision" % kind)
    for kind in ("sum", "word"):
        words, got = read_bin(os.path.join(args[1], kind + ".bin"))
        if words != m.words or not np.array_equal(got, want[kind].astype(np.float32)):
            fail("%s.bin: not the model's words and float32 vectors, bit for bit" % kind)
        print("%s.bin: %d x %d, bit for bit" % (kind, got.shape[0], got.shape[1]))
    print("largest difference %.3g" % worst)


def gensim(args):
    import logging
    from gensim.models import KeyedVectors
    logging.disable(logging.CRITICAL)
    text, binary, m = args[0], args[1], Model(args[2])
    kt = KeyedVectors.load_word2vec_format(text, binary=False)
    kb = KeyedVectors.load_word2vec_format(binary, binary=True)
    want = m.t["W"] + m.t["Wc"]
    if kt.index_to_key != m.words or kb.index_to_key != m.words:
        fail("gensim's words are not the model's")
    if not np.array_equal(kb.vectors, want):
        fail("gensim's binary vectors are not W + W~ bit for bit")
    if not text_close(kt.vectors, want):
        fail("gensim's text vectors are not W + W~")
    _, ours = read_text(text)
    d = float(np.max(np.abs(kt.vectors - ours)))
    print("gensim: %d words of %d dimensions; text against ours %.3g, against the model %.3g; "
          "binary bit for bit" % (len(kt.index_to_key), kt.vector_size, d,
                                  float(np.max(np.abs(kt.vectors - want)))))
    if d > 1e-6 * max(1.0, float(np.max(np.abs(ours)))):
        fail("gensim reads other values from the text than ours")


def planted(args):
    bad = 0
    for path in args:
        words, v = read_text(path)
        if not np.all(np.isfinite(v)):
            fail("%s: a value is not finite" % path)
        group = [w[0] for w in words]
        size = {g: group.count(g) for g in group}
        u = v / np.linalg.norm(v, axis=1, keepdims=True)
        s = u @ u.T
        np.fill_diagonal(s, -np.inf)
        whole, hits, total = 0, 0, 0
        for i, g in enumerate(group):
            k = size[g] - 1
            near = np.argsort(-s[i], kind="stable")[:k]
            h = sum(group[j] == g for j in near)
            hits += h
            total += k
            whole += h == k
        share = whole / len(words)
        print("%s: %d words in %d groups; all nearest in the group for %.0f%%, precision %.3f" %
              (os.path.basename(path), len(words), len(size), 100 * share, hits / total))
        bad += share < 0.9
    if bad:
        fail("%d of %d files below 90%%" % (bad, len(args)))


def fields(args):
    m = Model(args[0])
    for k in ("rows", "dim", "iters", "x_max", "alpha", "eta", "grad_clip", "seed"):
        print(k, repr(getattr(m, k)))
    print("words", " ".join(m.words))


def corrupt(args):
    m = Model(args[0])
    d0, out = m.data, args[1]
    start = len(d0) - 4 * m.rows * (4 * m.dim + 4)
    R, D = m.rows, m.dim

    def write(name, edit):
        d = bytearray(d0)
        edit(d)
        struct.pack_into("<Q", d, 40, fnv(bytes(d[HEADER:])))
        open(os.path.join(out, name), "wb").write(bytes(d))

    def param(d, index, value):
        struct.pack_into("<f", d, start + 4 * index, value)

    write("dim-0", lambda d: struct.pack_into("<I", d, 72, 0))
    write("dim-10001", lambda d: struct.pack_into("<I", d, 72, 10001))
    write("dim-other", lambda d: struct.pack_into("<I", d, 72, D + 1))
    write("rows-other", lambda d: struct.pack_into("<Q", d, 64, R + 1))
    write("x_max-0", lambda d: struct.pack_into("<d", d, 80, 0.0))
    write("alpha-negative", lambda d: struct.pack_into("<d", d, 88, -0.5))
    write("eta-0", lambda d: struct.pack_into("<d", d, 96, 0.0))
    # finite as a double, infinite as the float32 the steps take: 0 x inf in the padding
    write("eta-1e300", lambda d: struct.pack_into("<d", d, 96, 1e300))
    write("grad_clip-nan", lambda d: struct.pack_into("<d", d, 104, float("nan")))
    write("reserved", lambda d: struct.pack_into("<B", d, 123, 1))
    write("W-nan", lambda d: param(d, 0, float("nan")))
    write("bc-inf", lambda d: param(d, 2 * R * D + R + 1, float("inf")))
    write("gW-below-1", lambda d: param(d, 2 * R * D + 2 * R + 3, 0.5))
    write("gbc-0", lambda d: param(d, 4 * R * D + 3 * R, 0.0))


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    commands = {"step": step, "vectors": vectors, "gensim": gensim, "planted": planted,
                "fields": fields, "corrupt": corrupt}
    if cmd not in commands:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    try:
        commands[cmd](args)
    except AssertionError as e:
        fail(str(e))


if __name__ == "__main__":
    main()
