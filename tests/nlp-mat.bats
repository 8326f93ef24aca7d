#!/usr/bin/env bats
# nlp-mat: info and print of tiny fixtures, round trips through Matrix Market and .npy, SciPy and
# NumPy reading what we write and writing what we read, transpose and sum against NumPy, and the
# rejection of every kind of bad input with its reason. Fixtures come from tests/data/mat/matgen.py,
# a Python writer of nlp-matrix(5) independent of the C one.

load helper

MAT="$DATA/mat"

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
}

# Runs a Python script from stdin with numpy (np), scipy.sparse (sp) and matgen loaded.

# Runs a command with its standard output thrown away (some write part of it before the error).
quiet() {
	"$@" > /dev/null
}

# Asserts exit status 1 and exactly one line on stderr.
assert_rejects() {
	local want="$1"
	shift
	run --separate-stderr quiet "$@"
	[ "$status" -eq 1 ] || fail "exit $status for: $* (stderr: $stderr)"
	[ "$stderr" = "$want" ] || fail "$(printf 'want: %s\ngot:  %s' "$want" "$stderr")"
}

# ---- info and print, asserted exactly ----

@test "mat: info of a tiny sparse float32 matrix" {
	run nlp-mat info "$MAT/tiny.mat"
	assert_success
	assert_bytes "$(printf '%s\n' 'kind	sparse' 'type	float32' 'rows	3' 'cols	4' 'nnz	4' \
		'header-nnz	4' 'nonzeros	4' 'nonempty-rows	2' 'nonempty-cols	3' \
		'sum	0.6000000014901161' 'min	-3' 'max	2' 'density	0.333333')" "$output"
}

@test "mat: info of a tiny dense float64 matrix, from stdin" {
	run nlp-mat info < "$MAT/tiny-dense.mat"
	assert_success
	assert_bytes "$(printf '%s\n' 'kind	dense' 'type	float64' 'rows	2' 'cols	3' 'nnz	6' \
		'header-nnz	6' 'nonzeros	3' 'nonempty-rows	2' 'nonempty-cols	2' 'sum	3.499' \
		'min	-0.001' 'max	2.5' 'density	0.5')" "$output"
	run nlp-mat info - < "$MAT/tiny-dense.mat"
	assert_line 'kind	dense'
}

@test "mat: info of an empty matrix and of a stream of unknown nnz" {
	py <<-'EOF'
	from matgen import *
	write("empty.mat", sparse_bytes(0, 5, []))
	write("stream.mat", sparse_bytes(2, 2, [(0, 0, 0.0), (1, 1, 4.0)], nnz=UNKNOWN))
	EOF
	run nlp-mat info empty.mat
	assert_success
	assert_bytes "$(printf '%s\n' 'kind	sparse' 'type	float64' 'rows	0' 'cols	5' 'nnz	0' \
		'header-nnz	0' 'nonzeros	0' 'nonempty-rows	0' 'nonempty-cols	0' 'sum	0' \
		'min	-' 'max	-' 'density	-')" "$output"
	run nlp-mat info stream.mat
	assert_success
	assert_line 'nnz	2'
	assert_line 'header-nnz	unknown'
	assert_line 'nonzeros	1'
	assert_line 'min	0'
	assert_line 'density	0.25'
}

@test "mat: print writes triples from 0, rows, --dense and --sparse" {
	run nlp-mat print "$MAT/tiny.mat"
	assert_success
	assert_bytes "$(printf '0\t1\t1.5\n0\t3\t2\n2\t0\t0.1\n2\t3\t-3\n')" "$output"
	run nlp-mat print --dense "$MAT/tiny.mat"
	assert_bytes "$(printf '0 1.5 0 2\n0 0 0 0\n0.1 0 0 -3\n')" "$output"
	run nlp-mat --dense print "$MAT/tiny.mat"
	assert_bytes "$(printf '0 1.5 0 2\n0 0 0 0\n0.1 0 0 -3\n')" "$output"
	run nlp-mat print "$MAT/tiny-dense.mat"
	assert_bytes "$(printf '1 0 2.5\n0 0 -0.001\n')" "$output"
	run nlp-mat print --sparse "$MAT/tiny-dense.mat"
	assert_bytes "$(printf '0\t0\t1\n0\t2\t2.5\n1\t2\t-0.001\n')" "$output"
}

@test "mat: print --precision and --f64/--f32 change the digits" {
	run nlp-mat print --f64 "$MAT/tiny.mat"
	assert_success
	assert_line --index 2 "$(printf '2\t0\t0.10000000149011612')"
	run nlp-mat print --precision 3 "$MAT/tiny.mat"
	assert_line --index 2 "$(printf '2\t0\t0.1')"
	run nlp-mat print --precision=17 "$MAT/tiny.mat"
	assert_line --index 2 "$(printf '2\t0\t0.10000000149011612')"
	run nlp-mat print --f32 "$MAT/tiny-dense.mat"
	assert_bytes "$(printf '1 0 2.5\n0 0 -0.001\n')" "$output"
}

@test "mat: printed values are the shortest that read back exactly, float64 and float32" {
	py <<-'EOF'
	from matgen import *
	rng = np.random.default_rng(11)
	a = rng.standard_normal((40, 25)) * 10.0 ** rng.integers(-30, 30, (40, 25))
	write("d64.mat", dense_bytes(a, F64))
	write("d32.mat", dense_bytes(a.astype(np.float32), F32))
	np.save("a.npy", a)
	EOF
	nlp-mat print d64.mat > d64.txt
	nlp-mat print d32.mat > d32.txt
	py <<-'EOF'
	import numpy as np
	a = np.load("a.npy")
	t64 = [l.split(" ") for l in open("d64.txt").read().splitlines()]
	t32 = [l.split(" ") for l in open("d32.txt").read().splitlines()]
	b64 = np.array([[float(x) for x in r] for r in t64])
	b32 = np.array([[np.float32(float(x)) for x in r] for r in t32], dtype=np.float32)
	assert np.array_equal(a, b64), abs(a - b64).max()
	assert np.array_equal(a.astype(np.float32), b32)
	def digits(s):  # significant digits of a %g string
	    return len(s.lstrip("-").split("e")[0].replace(".", "").lstrip("0"))
	def shortest(s, v, back):  # one digit fewer does not read back to v
	    k = digits(s)
	    return k == 1 or back("%.*g" % (k - 1, v)) != v
	for r64, r32, row in zip(t64, t32, a):
	    for s, v in zip(r64, row):
	        assert digits(s) <= 17 and shortest(s, v, float), s
	    for s, v in zip(r32, row.astype(np.float32)):
	        assert digits(s) <= 9 and shortest(s, float(v), lambda t: np.float32(float(t))), s
	EOF
}

# ---- Matrix Market ----

@test "mat: to-mtx of the tiny matrices, exactly" {
	run nlp-mat to-mtx "$MAT/tiny.mat"
	assert_success
	assert_bytes "$(printf '%s\n' '%%MatrixMarket matrix coordinate real general' \
		'% nlp-mat: float32' '3 4 4' '1 2 1.5' '1 4 2' '3 1 0.1' '3 4 -3')" "$output"
	run nlp-mat to-mtx "$MAT/tiny-dense.mat"
	assert_success
	assert_bytes "$(printf '%s\n' '%%MatrixMarket matrix array real general' \
		'% nlp-mat: float64' '2 3' 1 0 0 0 2.5 -0.001)" "$output"
}

@test "mat: scipy.io.mmread reads every value of what to-mtx writes (exact for float64)" {
	py <<-'EOF'
	from matgen import *
	rng = np.random.default_rng(1)
	for typ, name in ((F64, "64"), (F32, "32")):
	    s = rand_sparse(rng, 60, 45, 0.2, typ)
	    write("s%s.mat" % name, sparse_of(s, typ))
	    np.save("s%s.ref.npy" % name, s.toarray())
	    d = rng.standard_normal((7, 9)).astype(np.float32 if typ == F32 else np.float64)
	    write("d%s.mat" % name, dense_bytes(d, typ))
	    np.save("d%s.ref.npy" % name, d)
	EOF
	for f in s64 s32 d64 d32; do nlp-mat to-mtx $f.mat > $f.mtx; done
	py <<-'EOF'
	import numpy as np, scipy.io
	for f in ("s64", "s32", "d64", "d32"):
	    ref = np.load(f + ".ref.npy")
	    got = scipy.io.mmread(f + ".mtx")
	    got = got.toarray() if hasattr(got, "toarray") else got
	    if ref.dtype == np.float32:
	        got = got.astype(np.float32)
	    assert got.shape == ref.shape, (f, got.shape)
	    assert np.array_equal(got, ref), (f, np.abs(got - ref).max())
	EOF
}

@test "mat: round trips ours -> mtx -> ours are byte-identical, sparse and dense, f32 and f64" {
	py <<-'EOF'
	from matgen import *
	rng = np.random.default_rng(2)
	write("s64.mat", sparse_of(rand_sparse(rng, 30, 70, 0.1, F64), F64))
	write("s32.mat", sparse_of(rand_sparse(rng, 30, 70, 0.1, F32), F32))
	write("d64.mat", dense_bytes(rng.standard_normal((5, 8)), F64))
	write("d32.mat", dense_bytes(rng.standard_normal((8, 5)), F32))
	write("zeros.mat", sparse_bytes(4, 4, [(0, 0, 0.0), (3, 3, -0.0)]))
	write("none.mat", sparse_bytes(3, 2, []))
	EOF
	for f in s64 s32 d64 d32 zeros none "$MAT/tiny" "$MAT/tiny-dense"; do
		nlp-mat to-mtx $f.mat | nlp-mat from-mtx > back.mat
		cmp $f.mat back.mat || fail "$f.mat differs after the round trip"
	done
}

@test "mat: from-mtx reads what scipy.io.mmwrite writes: general, symmetric, skew, integer, pattern, array" {
	py <<-'EOF'
	from matgen import *
	import scipy.io
	rng = np.random.default_rng(3)
	s = rand_sparse(rng, 40, 30, 0.2)
	scipy.io.mmwrite("general.mtx", s, comment="written by\nscipy")
	y = rand_sparse(rng, 25, 25, 0.1); y = (y + y.T).tocoo()
	scipy.io.mmwrite("symmetric.mtx", y)
	scipy.io.mmwrite("symarray.mtx", y.toarray())
	k = sp.tril(rand_sparse(rng, 12, 12, 0.4), -1); k = (k - k.T).tocoo()
	scipy.io.mmwrite("skew.mtx", k, symmetry="skew-symmetric")
	scipy.io.mmwrite("skewarray.mtx", k.toarray(), symmetry="skew-symmetric")
	i = sp.coo_matrix(rng.integers(-5, 5, (9, 11)) * (rng.random((9, 11)) < 0.3))
	scipy.io.mmwrite("integer.mtx", i)
	scipy.io.mmwrite("pattern.mtx", i, field="pattern")
	scipy.io.mmwrite("array.mtx", rng.standard_normal((6, 4)))
	EOF
	for f in general symmetric symarray skew skewarray integer pattern array; do
		head -n 1 $f.mtx >> banners
		nlp-mat from-mtx $f.mtx > $f.mat
		nlp-mat to-npy $f.mat > $f.npy
	done
	run cut -d' ' -f3-5 banners
	assert_output "$(printf '%s\n' 'coordinate real general' 'coordinate real symmetric' \
		'array real symmetric' 'coordinate real skew-symmetric' 'array real skew-symmetric' \
		'coordinate integer general' 'coordinate pattern general' 'array real general')"
	py <<-'EOF'
	import numpy as np, scipy.io
	for f in ("general", "symmetric", "symarray", "skew", "skewarray", "integer", "pattern", "array"):
	    ref = scipy.io.mmread(f + ".mtx")
	    ref = ref.toarray() if hasattr(ref, "toarray") else ref
	    got = np.load(f + ".npy")
	    assert got.dtype == np.float64, (f, got.dtype)
	    assert got.shape == ref.shape and np.array_equal(got, ref), (f, np.abs(got - ref).max())
	EOF
	run nlp-mat info general.mat
	assert_line 'kind	sparse'
	run nlp-mat info symarray.mat
	assert_line 'kind	dense'
}

@test "mat: from-mtx sorts entries, takes comments, blank lines, CRLF and any case; --f32" {
	printf '%%%%MatrixMarket MATRIX Coordinate Real General\r\n%% a comment\r\n\r\n3 3 3\r\n3 1 7\r\n1 2 -0.5\r\n%% between\r\n1 1 1e-3\r\n' > m.mtx
	nlp-mat from-mtx m.mtx | nlp-mat print > out
	assert_bytes "$(printf '0\t0\t0.001\n0\t1\t-0.5\n2\t0\t7\n')" "$(cat out)"
	nlp-mat from-mtx --f32 m.mtx | nlp-mat info > out
	grep -qx 'type	float32' out
}

@test "mat: from-mtx rejects repeated entries unless --duplicates=sum, which adds them in order" {
	printf '%%%%MatrixMarket matrix coordinate real general\n2 2 3\n2 2 1\n1 1 0.25\n2 2 2\n' > dup.mtx
	assert_rejects "nlp-mat: dup.mtx: repeated entry (row 2, column 2) (--duplicates=sum adds repeated entries up)" \
		nlp-mat from-mtx dup.mtx
	nlp-mat from-mtx --duplicates=sum dup.mtx | nlp-mat print > out
	assert_bytes "$(printf '0\t0\t0.25\n1\t1\t3\n')" "$(cat out)"
	nlp-mat from-mtx --duplicates fail -M 1M dup.mtx > /dev/null && fail "accepted"
	# a symmetric entry given in both triangles is the same cell twice
	printf '%%%%MatrixMarket matrix coordinate real symmetric\n2 2 2\n2 1 1\n1 2 1\n' > sym.mtx
	assert_rejects "nlp-mat: sym.mtx: repeated entry (row 1, column 2) (--duplicates=sum adds repeated entries up)" \
		nlp-mat from-mtx sym.mtx
	nlp-mat from-mtx --duplicates=sum sym.mtx | nlp-mat print > out
	assert_bytes "$(printf '0\t1\t2\n1\t0\t2\n')" "$(cat out)"
}

@test "mat: from-mtx sorts in runs on temporary files beyond --memory, with the same result" {
	py <<-'EOF'
	from matgen import *
	import scipy.io
	rng = np.random.default_rng(4)
	s = rand_sparse(rng, 600, 500, 0.2)  # 60000 entries: two runs of 1M
	perm = rng.permutation(s.nnz)
	s = sp.coo_matrix((s.data[perm], (s.row[perm], s.col[perm])), shape=s.shape)
	scipy.io.mmwrite("big.mtx", s)
	d = sp.coo_matrix((np.ones(100000), (rng.integers(0, 30, 100000), rng.integers(0, 30, 100000))), shape=(30, 30))
	scipy.io.mmwrite("dups.mtx", d, symmetry="general")
	# mmwrite keeps 16 digits, not always enough for a float64: compare with what SciPy reads
	write("big.ref.mat", sparse_of(scipy.io.mmread("big.mtx").tocsr(), F64))
	EOF
	mkdir tmp
	TMPDIR=$PWD/tmp nlp-mat from-mtx -M 1M big.mtx > big.mat
	cmp big.mat big.ref.mat
	TMPDIR=$PWD/tmp nlp-mat from-mtx --memory=1M --duplicates=sum dups.mtx > dups-runs.mat
	nlp-mat from-mtx --duplicates=sum dups.mtx > dups-mem.mat
	run nlp-mat info dups-runs.mat
	assert_line 'sum	100000'
	assert_line 'header-nnz	unknown'
	nlp-mat print dups-runs.mat > a
	nlp-mat print dups-mem.mat > b
	cmp a b
	[ -z "$(ls tmp)" ] || fail "temporary files left: $(ls tmp)"
}

# ---- NumPy .npy ----

@test "mat: to-npy writes what numpy.save writes, byte for byte; numpy.load reads every value" {
	py <<-'EOF'
	from matgen import *
	rng = np.random.default_rng(5)
	for typ, dt in ((F64, np.float64), (F32, np.float32)):
	    d = rng.standard_normal((13, 7)).astype(dt)
	    write("d%d.mat" % typ, dense_bytes(d, typ))
	    np.save("d%d.ref.npy" % typ, d)
	    s = rand_sparse(rng, 20, 1000, 0.01, typ)
	    write("s%d.mat" % typ, sparse_of(s, typ))
	    np.save("s%d.ref.npy" % typ, s.toarray())
	np.save("e.ref.npy", np.zeros((0, 3)))
	write("e.mat", dense_bytes(np.zeros((0, 3))))
	EOF
	for f in d1 d2 s1 s2 e; do
		nlp-mat to-npy $f.mat > $f.npy
		cmp $f.npy $f.ref.npy || fail "$f.npy differs from numpy.save's"
	done
	py <<-'EOF'
	import numpy as np
	for f in ("d1", "d2", "s1", "s2"):
	    ref, got = np.load(f + ".ref.npy"), np.load(f + ".npy")
	    assert got.dtype == ref.dtype and np.array_equal(got, ref), f
	EOF
	nlp-mat to-npy --f64 d1.mat > up.npy
	py <<-'EOF'
	import numpy as np
	assert np.load("up.npy").dtype == np.float64
	assert np.array_equal(np.load("up.npy"), np.load("d1.ref.npy").astype(np.float64))
	EOF
}

@test "mat: from-npy reads numpy.save output; npy -> ours -> npy and ours -> npy -> ours are identical" {
	py <<-'EOF'
	from matgen import *
	rng = np.random.default_rng(6)
	np.save("a8.npy", rng.standard_normal((9, 4)))
	np.save("a4.npy", rng.standard_normal((3, 11)).astype(np.float32))
	np.save("wide.npy", np.zeros((1, 123)))
	write("a8.ref.mat", dense_bytes(np.load("a8.npy"), F64))
	write("a4.ref.mat", dense_bytes(np.load("a4.npy"), F32))
	EOF
	for f in a8 a4; do
		nlp-mat from-npy $f.npy > $f.mat
		cmp $f.mat $f.ref.mat || fail "$f.mat is not what matgen writes"
		nlp-mat to-npy $f.mat | cmp - $f.npy || fail "$f: npy -> ours -> npy differs"
	done
	for f in "$MAT/tiny-dense" a4.ref; do
		nlp-mat to-npy $f.mat | nlp-mat from-npy | cmp - $f.mat || fail "$f: ours -> npy -> ours differs"
	done
	nlp-mat from-npy wide.npy | nlp-mat info > out
	grep -qx 'cols	123' out
}

@test "mat: from-npy reads versions 2.0 and 3.0, and --f32 rounds" {
	py <<-'EOF'
	import numpy as np
	from numpy.lib import format
	a = np.arange(6, dtype=np.float64).reshape(2, 3) / 8
	for v in ((2, 0), (3, 0)):
	    with open("v%d.npy" % v[0], "wb") as f:
	        format.write_array(f, a, version=v)
	EOF
	nlp-mat from-npy v2.npy | nlp-mat print > out
	assert_bytes "$(printf '0 0.125 0.25\n0.375 0.5 0.625\n')" "$(cat out)"
	nlp-mat from-npy v3.npy | nlp-mat print > out
	assert_bytes "$(printf '0 0.125 0.25\n0.375 0.5 0.625\n')" "$(cat out)"
	nlp-mat from-npy --f32 v2.npy | nlp-mat info > out
	grep -qx 'type	float32' out
}

@test "mat: from-npy reads C and Fortran order alike: the values numpy wrote, row by row" {
	# numpy.save marks an array that is both C- and F-contiguous (1xn, nx1, empty) as C order, so
	# those shapes are also written with a Fortran header by hand; big.npy (60,000 values) spills
	# sorted runs under -M 1M
	py <<-'EOF'
	import numpy as np
	from numpy.lib import format
	rng = np.random.default_rng(7)
	names = []
	for dt in (np.float32, np.float64):
	    for shape in ((9, 4), (4, 9), (1, 7), (7, 1), (1, 1), (0, 3), (3, 0), (300, 200)):
	        a = rng.standard_normal(shape).astype(dt)
	        name = "%s-%dx%d" % (np.dtype(dt).str[1:], shape[0], shape[1])
	        np.save(name + "-C.npy", a)
	        np.save(name + "-F.npy", np.asfortranarray(a))
	        with open(name + "-Fh.npy", "wb") as f:  # the header says Fortran whatever the shape
	            format.write_array_header_1_0(f, {"descr": a.dtype.str, "fortran_order": True,
	                                              "shape": a.shape})
	            f.write(a.tobytes(order="F"))
	        np.save(name + ".ref.npy", a)
	        names.append(name)
	open("names", "w").write("\n".join(names) + "\n")
	np.save("v.npy", rng.standard_normal((6, 3)))  # nlp-mat(1): numpy.save("out.npy", v.T)
	np.save("vT.npy", np.load("v.npy").T)
	EOF
	head -c 60 f8-9x4-F.npy | grep -q "'fortran_order': True" || fail "numpy wrote no Fortran header"
	# (what from-npy writes is read by matgen, which checks nlp-matrix(5), not converted back by
	# to-npy: a process less for each of the 64)
	while read -r f; do
		for o in C F Fh; do
			nlp-mat from-npy $f-$o.npy > $f-$o.mat
		done
		nlp-mat -M 1M from-npy < $f-F.npy > $f-M.mat
	done < names
	nlp-mat from-npy vT.npy | nlp-mat print > vT.txt
	run py <<-'EOF'
	import numpy as np
	from matgen import read, F32, F64
	worst = 0.0
	for f in open("names").read().split():
	    ref = np.load(f + ".ref.npy")
	    for o in ("C", "F", "Fh", "M"):
	        # the element type is the array's, checked in the header
	        got = read("%s-%s.mat" % (f, o), F32 if ref.dtype == np.float32 else F64)
	        got = got.toarray() if hasattr(got, "toarray") else got
	        assert got.shape == ref.shape, (f, o, got.shape)
	        if ref.size:
	            worst = max(worst, float(np.abs(got - ref).max()))
	vT = np.loadtxt("vT.txt")
	worst = max(worst, float(np.abs(vT - np.load("v.npy").T).max()))
	print("largest difference", worst)
	EOF
	assert_success
	assert_output "largest difference 0.0"
}

@test "mat: from-npy of a Fortran array: range errors name the cell, bad input is rejected first" {
	py <<-'EOF'
	import numpy as np
	a = np.zeros((2, 3))
	a[1, 2] = 1e300
	np.save("big.npy", np.asfortranarray(a))
	f = open("big.npy", "rb").read()
	open("cut.npy", "wb").write(f[:-1])
	open("extra.npy", "wb").write(f + b"\0")
	EOF
	assert_rejects "nlp-mat: value at row 1, column 2 (from 0) is out of the range of float32" \
		nlp-mat from-npy --f32 big.npy
	run --separate-stderr nlp-mat from-npy cut.npy
	assert_failure 1
	assert_bytes "nlp-mat: cut.npy: truncated .npy data" "$stderr"
	assert_bytes "" "$output" # the header is written only once every value has been read
	run --separate-stderr nlp-mat from-npy extra.npy
	assert_failure 1
	assert_bytes "nlp-mat: extra.npy: bytes after the last value of the .npy array" "$stderr"
	assert_bytes "" "$output"
}

# ---- transpose, convert, sum ----

@test "mat: transpose matches numpy's .T, sparse (in memory and in runs) and dense" {
	py <<-'EOF'
	from matgen import *
	rng = np.random.default_rng(8)
	s = rand_sparse(rng, 90, 140, 0.15)
	write("s.mat", sparse_of(s, F64))
	np.save("sT.npy", s.toarray().T)
	d = rng.standard_normal((6, 9)).astype(np.float32)
	write("d.mat", dense_bytes(d, F32))
	np.save("dT.npy", d.T)
	write("stream.mat", sparse_of(s, F64, nnz=UNKNOWN))
	write("big.mat", sparse_of(rand_sparse(rng, 400, 300, 0.35), F64))  # 42000 triples: runs of 1M
	EOF
	mkdir tmp
	nlp-mat transpose s.mat > t.mat
	nlp-mat transpose big.mat > bt.mat
	TMPDIR=$PWD/tmp nlp-mat transpose -M 1M big.mat > bt-runs.mat
	cmp bt.mat bt-runs.mat
	nlp-mat transpose bt.mat | cmp - big.mat
	nlp-mat transpose stream.mat | cmp - t.mat
	[ -z "$(ls tmp)" ] || fail "temporary files left"
	nlp-mat to-npy t.mat > t.npy
	nlp-mat transpose d.mat | nlp-mat to-npy > dt.npy
	py <<-'EOF'
	import numpy as np
	for got, ref in (("t.npy", "sT.npy"), ("dt.npy", "dT.npy")):
	    g, r = np.load(got), np.load(ref)
	    assert g.dtype == r.dtype and g.shape == r.shape and np.array_equal(g, r), got
	EOF
	run nlp-mat info t.mat
	assert_line 'rows	140'
	assert_line 'kind	sparse'
	nlp-mat transpose t.mat | cmp - s.mat
}

@test "mat: --sum of 3 random sparse matrices equals numpy's sum, exactly in float64" {
	py <<-'EOF'
	from matgen import *
	rng = np.random.default_rng(9)
	ms = [rand_sparse(rng, 50, 40, 0.3) for _ in range(3)]
	for i, m in enumerate(ms):
	    write("m%d.mat" % i, sparse_of(m, F64))
	    write("f%d.mat" % i, sparse_of(m, F32))
	a = [m.toarray() for m in ms]
	np.save("sum.npy", a[0] + a[1] + a[2])
	f = [x.astype(np.float32).astype(np.float64) for x in a]
	np.save("sum32.npy", (f[0] + f[1] + f[2]).astype(np.float32))
	EOF
	nlp-mat --sum m0.mat m1.mat m2.mat > s.mat
	nlp-mat sum m0.mat m1.mat m2.mat | cmp - s.mat
	nlp-mat --sum m0.mat - m2.mat < m1.mat | cmp - s.mat
	nlp-mat to-npy s.mat > s.npy
	nlp-mat sum f0.mat f1.mat f2.mat > s32.mat
	nlp-mat to-npy s32.mat > s32.npy
	py <<-'EOF'
	import numpy as np
	got, ref = np.load("s.npy"), np.load("sum.npy")
	assert got.dtype == np.float64 and np.array_equal(got, ref), np.abs(got - ref).max()
	got, ref = np.load("s32.npy"), np.load("sum32.npy")
	assert got.dtype == np.float32 and np.array_equal(got, ref), np.abs(got - ref).max()
	EOF
	run nlp-mat info s.mat
	assert_line 'header-nnz	unknown'
	# a mix of float32 and float64 gives float64; --f32 asks for float32
	nlp-mat sum f0.mat m1.mat | nlp-mat info > out
	grep -qx 'type	float64' out
	nlp-mat sum --f32 m0.mat m1.mat | nlp-mat info > out
	grep -qx 'type	float32' out
	# one input is a copy, with nnz unknown
	nlp-mat sum "$MAT/tiny.mat" | nlp-mat print > out
	assert_bytes "$(nlp-mat print "$MAT/tiny.mat")" "$(cat out)"
}

@test "mat: to-mtx of a sum (nnz unknown) counts the entries first; SciPy reads it" {
	nlp-mat sum "$MAT/tiny.mat" "$MAT/tiny.mat" | nlp-mat to-mtx > s.mtx
	run cat s.mtx
	assert_bytes "$(printf '%s\n' '%%MatrixMarket matrix coordinate real general' \
		'% nlp-mat: float32' '3 4 4' '1 2 3' '1 4 4' '3 1 0.2' '3 4 -6')" "$output"
	py <<-'EOF'
	import numpy as np, scipy.io
	assert scipy.io.mmread("s.mtx").toarray()[2, 3] == -6
	EOF
}

@test "mat: convert changes the type and the kind" {
	nlp-mat convert --dense "$MAT/tiny.mat" > d.mat
	nlp-mat print d.mat > out
	assert_bytes "$(printf '0 1.5 0 2\n0 0 0 0\n0.1 0 0 -3\n')" "$(cat out)"
	nlp-mat convert --sparse d.mat | nlp-mat print > out
	assert_bytes "$(nlp-mat print "$MAT/tiny.mat")" "$(cat out)"
	nlp-mat convert --sparse d.mat | nlp-mat info > out
	grep -qx 'header-nnz	unknown' out
	nlp-mat convert --f64 "$MAT/tiny.mat" | nlp-mat convert --f32 | cmp - "$MAT/tiny.mat"
	nlp-mat convert "$MAT/tiny-dense.mat" | cmp - "$MAT/tiny-dense.mat"
}

@test "mat: a float64 value beyond float32 cannot be converted to it" {
	py <<-'EOF'
	from matgen import *
	write("big.mat", sparse_bytes(2, 2, [(1, 0, 1e300)]))
	EOF
	assert_rejects "nlp-mat: value at row 1, column 0 (from 0) is out of the range of float32" \
		nlp-mat convert --f32 big.mat
	printf '%%%%MatrixMarket matrix coordinate real general\n1 1 1\n1 1 1e300\n' > big.mtx
	assert_rejects "nlp-mat: big.mtx: line 3: value 1e300 is out of the range of float32" \
		nlp-mat from-mtx --f32 big.mtx
}

# ---- rejections of our format ----

@test "mat: rejects empty, truncated, foreign and versioned files with the reason" {
	py <<-'EOF'
	from matgen import *
	good = sparse_bytes(3, 3, [(0, 1, 1.0), (2, 2, 2.0)])
	write("empty.mat", b"")
	write("cut-header.mat", good[:40])
	write("cut-triple.mat", good[:-3])
	write("magic.mat", b"NLPMATRY" + good[8:])
	write("text.mat", b"hello\n")
	write("version.mat", sparse_bytes(3, 3, [], version=3))
	write("dense-cut.mat", dense_bytes(np.ones((2, 2)))[:-1])
	write("dense-extra.mat", dense_bytes(np.ones((2, 2))) + b"x")
	write("fewer.mat", sparse_bytes(3, 3, [(0, 1, 1.0)], nnz=2))
	write("extra.mat", good + b"\0")
	rec = b"cooccur window=5\n"
	write("record.mat", sparse_bytes(3, 3, [(0, 1, 1.0)], record=rec))
	write("record-cut.mat", sparse_bytes(3, 3, [(0, 1, 1.0)], record=rec)[:70])
	write("record-bad.mat", sparse_bytes(3, 3, [(0, 1, 1.0)], record=b"Cooccur window=5\n"))
	write("record-nl.mat", sparse_bytes(3, 3, [(0, 1, 1.0)], record=b"cooccur window=5"))
	write("record-v1.mat", sparse_bytes(3, 3, [(0, 1, 1.0)], record=rec, version=1))
	write("record-0.mat", sparse_bytes(3, 3, [(0, 1, 1.0)], version=2))
	write("record-long.mat", sparse_bytes(3, 3, [(0, 1, 1.0)], record=b"a b=" + b"x" * 1020 + b"\n"))
	EOF
	# a record of how the matrix was made (version 2) is read, and checked
	run nlp-mat info record.mat
	assert_success
	assert_line 'record	cooccur window=5'
	assert_rejects "nlp-mat: record-cut.mat: truncated matrix" nlp-mat info record-cut.mat
	assert_rejects "nlp-mat: record-bad.mat: invalid matrix record" nlp-mat print record-bad.mat
	assert_rejects "nlp-mat: record-nl.mat: invalid matrix record" nlp-mat print record-nl.mat
	assert_rejects "nlp-mat: record-v1.mat: invalid matrix header" nlp-mat info record-v1.mat
	assert_rejects "nlp-mat: record-0.mat: invalid matrix header" nlp-mat info record-0.mat
	assert_rejects "nlp-mat: record-long.mat: invalid matrix header" nlp-mat info record-long.mat
	for c in info print to-mtx to-npy transpose convert; do
		assert_rejects "nlp-mat: empty.mat: truncated matrix" nlp-mat $c empty.mat
	done
	assert_rejects "nlp-mat: <stdin>: truncated matrix" nlp-mat info < /dev/null
	assert_rejects "nlp-mat: cut-header.mat: truncated matrix" nlp-mat info cut-header.mat
	assert_rejects "nlp-mat: cut-triple.mat: truncated matrix" nlp-mat info cut-triple.mat
	assert_rejects "nlp-mat: magic.mat: not an nlp matrix (bad magic)" nlp-mat info magic.mat
	assert_rejects "nlp-mat: text.mat: not an nlp matrix (bad magic)" nlp-mat print text.mat
	assert_rejects "nlp-mat: version.mat: unsupported matrix format version" nlp-mat info version.mat
	assert_rejects "nlp-mat: dense-cut.mat: truncated matrix" nlp-mat info dense-cut.mat
	assert_rejects "nlp-mat: dense-extra.mat: bytes after the last value of the matrix" \
		nlp-mat info dense-extra.mat
	assert_rejects "nlp-mat: fewer.mat: number of triples differs from the header" \
		nlp-mat info fewer.mat
	assert_rejects "nlp-mat: extra.mat: number of triples differs from the header" \
		nlp-mat to-mtx extra.mat
}

@test "mat: rejects impossible sizes, unsorted, repeated and out-of-range triples, NaN" {
	py <<-'EOF'
	from matgen import *
	write("rows.mat", sparse_bytes(2**32, 3, []))
	write("nnz.mat", sparse_bytes(2, 2, [], nnz=5))
	write("dense-nnz.mat", header(DENSE, F64, 2, 2, 3) + bytes(32))
	write("kind.mat", header(3, F64, 2, 2, 0))
	write("type.mat", header(SPARSE, 7, 2, 2, 0))
	write("reserved.mat", header(SPARSE, F64, 2, 2, 0, reserved=1))
	write("unsorted.mat", sparse_bytes(3, 3, [(1, 0, 1.0), (0, 2, 1.0)]))
	write("repeated.mat", sparse_bytes(3, 3, [(1, 1, 1.0), (1, 1, 2.0)]))
	write("row-range.mat", sparse_bytes(3, 3, [(3, 0, 1.0)]))
	write("col-range.mat", sparse_bytes(3, 3, [(0, 3, 1.0)]))
	write("nan.mat", sparse_bytes(3, 3, [(0, 0, float("nan"))], F32))
	write("inf.mat", dense_bytes(np.array([[1.0, np.inf]])))
	EOF
	for f in rows nnz dense-nnz kind type reserved; do
		assert_rejects "nlp-mat: $f.mat: invalid matrix header" nlp-mat info $f.mat
	done
	assert_rejects "nlp-mat: unsorted.mat: triples not sorted by row then column" nlp-mat info unsorted.mat
	assert_rejects "nlp-mat: repeated.mat: triples not sorted by row then column" nlp-mat transpose repeated.mat
	assert_rejects "nlp-mat: row-range.mat: index out of range" nlp-mat info row-range.mat
	assert_rejects "nlp-mat: col-range.mat: index out of range" nlp-mat print col-range.mat
	assert_rejects "nlp-mat: nan.mat: value is not finite" nlp-mat info nan.mat
	assert_rejects "nlp-mat: inf.mat: value is not finite" nlp-mat to-npy inf.mat
	# the rejection comes after what was already printed
	run --separate-stderr nlp-mat print unsorted.mat
	assert_failure 1
	assert_output "$(printf '1\t0\t1')"
}

@test "mat: sum rejects different shapes, dense inputs and bad inputs, naming the file" {
	py <<-'EOF'
	from matgen import *
	write("a.mat", sparse_bytes(3, 4, [(0, 0, 1.0)]))
	write("b.mat", sparse_bytes(3, 5, [(0, 0, 1.0)]))
	write("bad.mat", sparse_bytes(3, 4, [(1, 0, 1.0), (0, 0, 1.0)]))
	EOF
	assert_rejects "nlp-mat: b.mat: shape 3x5 differs from 3x4 of a.mat" nlp-mat --sum a.mat b.mat
	assert_rejects "nlp-mat: $MAT/tiny-dense.mat: a dense matrix (sum adds sparse matrices only)" \
		nlp-mat sum a.mat "$MAT/tiny-dense.mat"
	assert_rejects "nlp-mat: bad.mat: triples not sorted by row then column" nlp-mat sum a.mat bad.mat
	assert_rejects "nlp-mat: open nope.mat: No such file or directory" nlp-mat sum a.mat nope.mat
}

# ---- rejections of .npy ----

@test "mat: from-npy rejects other dtypes, other shapes and bad headers" {
	py <<-'EOF'
	import numpy as np
	np.save("i8.npy", np.zeros((2, 2), dtype=np.int64))
	np.save("be.npy", np.zeros((2, 2), dtype=">f8"))
	np.save("rec.npy", np.zeros((2, 2), dtype=[("a", "<f4")]))
	np.save("3d.npy", np.zeros((2, 3, 4)))
	np.save("1d.npy", np.zeros(5))
	np.save("0d.npy", np.float64(1))
	np.save("nan.npy", np.array([[1.0, np.nan]]))
	good = open("i8.npy", "rb").read()
	f8 = open("nan.npy", "rb").read()
	open("magic.npy", "wb").write(b"\x93NUMPZ" + f8[6:])
	open("version.npy", "wb").write(f8[:6] + b"\x04\x00" + f8[8:])
	open("cut-header.npy", "wb").write(f8[:50])
	open("cut-data.npy", "wb").write(f8[:-1])
	open("extra.npy", "wb").write(f8[:-8] + bytes(8) + b"\0")
	def hdr(d):
	    d = d.encode() + b"\n"
	    return b"\x93NUMPY\x01\x00" + len(d).to_bytes(2, "little") + d
	open("nokey.npy", "wb").write(hdr("{'descr': '<f8', 'shape': (1, 1), }") + bytes(8))
	open("badkey.npy", "wb").write(hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1), 'x': 1}") + bytes(8))
	open("badorder.npy", "wb").write(hdr("{'descr': '<f8', 'fortran_order': 1, 'shape': (1, 1)}") + bytes(8))
	open("junk.npy", "wb").write(hdr("descr") + bytes(8))
	open("huge.npy", "wb").write(hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 1)}"))
	EOF
	assert_rejects "nlp-mat: i8.npy: dtype '<i8' is not supported (only '<f4' and '<f8')" nlp-mat from-npy i8.npy
	assert_rejects "nlp-mat: be.npy: dtype '>f8' is not supported (only '<f4' and '<f8')" nlp-mat from-npy be.npy
	assert_rejects "nlp-mat: rec.npy: dtype is not a simple type (structured arrays are not supported)" nlp-mat from-npy rec.npy
	assert_rejects "nlp-mat: 3d.npy: shape (2, 3, 4) is not 2-D" nlp-mat from-npy 3d.npy
	assert_rejects "nlp-mat: 1d.npy: shape (5,) is not 2-D" nlp-mat from-npy 1d.npy
	assert_rejects "nlp-mat: 0d.npy: shape () is not 2-D" nlp-mat from-npy 0d.npy
	assert_rejects "nlp-mat: nan.npy: value is not finite" nlp-mat from-npy nan.npy
	assert_rejects "nlp-mat: magic.npy: not a .npy file (bad magic)" nlp-mat from-npy magic.npy
	assert_rejects "nlp-mat: $MAT/tiny.mat: not a .npy file (bad magic)" nlp-mat from-npy "$MAT/tiny.mat"
	assert_rejects "nlp-mat: version.npy: unsupported .npy version 4.0" nlp-mat from-npy version.npy
	assert_rejects "nlp-mat: cut-header.npy: truncated .npy header" nlp-mat from-npy cut-header.npy
	assert_rejects "nlp-mat: <stdin>: truncated .npy header" nlp-mat from-npy < /dev/null
	assert_rejects "nlp-mat: cut-data.npy: truncated .npy data" nlp-mat from-npy cut-data.npy
	assert_rejects "nlp-mat: extra.npy: bytes after the last value of the .npy array" nlp-mat from-npy extra.npy
	assert_rejects "nlp-mat: nokey.npy: malformed .npy header: missing fortran_order" nlp-mat from-npy nokey.npy
	assert_rejects "nlp-mat: badkey.npy: malformed .npy header: unexpected key 'x'" nlp-mat from-npy badkey.npy
	assert_rejects "nlp-mat: badorder.npy: malformed .npy header: bad fortran_order" nlp-mat from-npy badorder.npy
	assert_rejects "nlp-mat: junk.npy: malformed .npy header: no '{'" nlp-mat from-npy junk.npy
	# a header of length 0 (found by tests/fuzz/fuzz-npy: clang's UBSan saw NULL + 0)
	printf '\223NUMPY\001\000\000\000' > empty-header.npy
	assert_rejects "nlp-mat: empty-header.npy: malformed .npy header: no '{'" \
		nlp-mat from-npy empty-header.npy
	assert_rejects "nlp-mat: huge.npy: shape (4294967296, 1) has more than 4294967295 rows or columns" \
		nlp-mat from-npy huge.npy
}

# ---- rejections of Matrix Market ----

@test "mat: from-mtx rejects malformed files with the line and the reason" {
	mm() { printf '%%%%MatrixMarket matrix %s\n' "$1"; shift; printf '%s\n' "$@"; }
	mm 'coordinate real general' '2 2 1' '1 1 1' > ok.mtx
	nlp-mat from-mtx ok.mtx > /dev/null
	printf 'hello\n' > text.mtx
	mm 'coordinate real' '2 2 0' > short.mtx
	mm 'coordinate complex general' '2 2 1' '1 1 1 0' > complex.mtx
	mm 'coordinate real hermitian' '2 2 0' > herm.mtx
	mm 'array pattern general' '2 2' > arrpat.mtx
	mm 'matrix real general' '2 2 0' > format.mtx
	mm 'coordinate real general' '2 2' > size.mtx
	mm 'coordinate real general' '2 x 1' > size2.mtx
	mm 'coordinate real general' '4294967296 1 0' > dims.mtx
	mm 'coordinate real general' '2 2 5' > toomany.mtx
	mm 'coordinate real symmetric' '2 3 0' > square.mtx
	mm 'coordinate real general' '2 2 3' '1 1 1' '2 2 1' > few.mtx
	mm 'coordinate real general' '2 2 1' '1 1 1' '2 2 1' > more.mtx
	mm 'coordinate real general' '2 2 1' '1 3 1' > col.mtx
	mm 'coordinate real general' '2 2 1' '0 1 1' > zero.mtx
	mm 'coordinate real general' '2 2 1' '1 1 abc' > nonnum.mtx
	mm 'coordinate real general' '2 2 1' '1 1 nan' > nan.mtx
	mm 'coordinate real general' '2 2 1' '1 1' > fields.mtx
	mm 'coordinate integer general' '2 2 1' '1 1 1.5' > int.mtx
	mm 'coordinate real skew-symmetric' '2 2 1' '1 1 1' > skew.mtx
	mm 'array real general' '2 1' '1' > arrfew.mtx
	assert_rejects "nlp-mat: text.mtx: line 1: not a Matrix Market file (no %%MatrixMarket header)" nlp-mat from-mtx text.mtx
	assert_rejects "nlp-mat: <stdin>: empty file: no %%MatrixMarket header" nlp-mat from-mtx < /dev/null
	assert_rejects "nlp-mat: short.mtx: line 1: the header has 4 fields, not 5 (%%MatrixMarket matrix format field symmetry)" nlp-mat from-mtx short.mtx
	assert_rejects "nlp-mat: complex.mtx: line 1: complex matrices are not supported" nlp-mat from-mtx complex.mtx
	assert_rejects "nlp-mat: herm.mtx: line 1: hermitian symmetry is for complex matrices" nlp-mat from-mtx herm.mtx
	assert_rejects "nlp-mat: arrpat.mtx: line 1: an array cannot have the pattern field" nlp-mat from-mtx arrpat.mtx
	assert_rejects "nlp-mat: format.mtx: line 1: format 'matrix' is not 'coordinate' or 'array'" nlp-mat from-mtx format.mtx
	assert_rejects "nlp-mat: size.mtx: line 2: the size line has 2 fields, not 3" nlp-mat from-mtx size.mtx
	assert_rejects "nlp-mat: size2.mtx: line 2: the size line is not 3 non-negative integers" nlp-mat from-mtx size2.mtx
	assert_rejects "nlp-mat: dims.mtx: line 2: 4294967296x1: more than 4294967295 rows or columns" nlp-mat from-mtx dims.mtx
	assert_rejects "nlp-mat: toomany.mtx: line 2: 5 entries do not fit in a 2x2 matrix" nlp-mat from-mtx toomany.mtx
	assert_rejects "nlp-mat: square.mtx: line 2: a symmetric matrix must be square, not 2x3" nlp-mat from-mtx square.mtx
	assert_rejects "nlp-mat: few.mtx: the file ends after 2 of 3 entries" nlp-mat from-mtx few.mtx
	assert_rejects "nlp-mat: more.mtx: line 4: more entries than the 1 of the size line" nlp-mat from-mtx more.mtx
	assert_rejects "nlp-mat: col.mtx: line 3: column index 3 out of range 1..2" nlp-mat from-mtx col.mtx
	assert_rejects "nlp-mat: zero.mtx: line 3: row index 0 out of range 1..2" nlp-mat from-mtx zero.mtx
	assert_rejects "nlp-mat: nonnum.mtx: line 3: 'abc' is not a number" nlp-mat from-mtx nonnum.mtx
	assert_rejects "nlp-mat: nan.mtx: line 3: value nan is not finite" nlp-mat from-mtx nan.mtx
	assert_rejects "nlp-mat: fields.mtx: line 3: 2 fields, not 3" nlp-mat from-mtx fields.mtx
	assert_rejects "nlp-mat: int.mtx: line 3: '1.5' is not an integer" nlp-mat from-mtx int.mtx
	assert_rejects "nlp-mat: skew.mtx: line 3: a diagonal entry in a skew-symmetric matrix" nlp-mat from-mtx skew.mtx
	assert_rejects "nlp-mat: arrfew.mtx: the file ends after 1 of 2 entries" nlp-mat from-mtx arrfew.mtx
	# an array's size line alone asks for no memory: the values do, as they come (a 10^10-cell
	# array of one value asked for 80 GB first; tests/fuzz/fuzz-mtx reports such a request)
	mm 'array real general' '100000 100000' '1' > arrbig.mtx
	ASAN_OPTIONS="$ASAN_OPTIONS:max_allocation_size_mb=64:allocator_may_return_null=1" \
		assert_rejects "nlp-mat: arrbig.mtx: the file ends after 1 of 10000000000 entries" \
		nlp-mat from-mtx arrbig.mtx
}

# ---- records and fix-nnz ----

@test "mat: the record of how a matrix was made: info shows it, Matrix Market carries it, convert and sum keep it, transpose marks it" {
	nlp-cooccur -v "$DATA/cooc/small.vocab" -w 2 --left "$DATA/cooc/small.txt" > l.mat
	nlp-cooccur -v "$DATA/cooc/small.vocab" -w 2 --right "$DATA/cooc/small.txt" > r.mat
	rec=$(nlp-mat info l.mat | sed -n 's/^record\t//p')
	[[ "$rec" == "cooccur window=2 weight=harmonic context=left cross-lines=no drop-oov=before vocab="* ]] || fail "$rec"
	# Matrix Market: a comment per line, read back into the same bytes
	run nlp-mat to-mtx l.mat
	assert_line --index 1 '% nlp-mat: float64'
	assert_line --index 2 "% nlp-record: $rec"
	nlp-mat to-mtx l.mat | nlp-mat from-mtx > back.mat
	cmp back.mat l.mat
	nlp-mat to-mtx --precision 3 <(nlp-ppmi l.mat) | nlp-mat from-mtx | nlp-mat info > ppmi.info
	run grep -c '^record' ppmi.info
	assert_output 2
	# a bad record comment is an error with its line
	nlp-mat to-mtx l.mat | sed 's/^% nlp-record: cooccur/% nlp-record: Cooccur/' > bad.mtx
	assert_rejects "nlp-mat: bad.mtx: line 3: invalid matrix record: 'Cooccur ${rec#cooccur }'" nlp-mat from-mtx bad.mtx
	# convert keeps it; the transpose of left contexts is the matrix of right ones, record too
	nlp-mat convert --f32 l.mat | nlp-mat info | grep -qx "record	$rec"
	nlp-mat transpose l.mat | cmp - r.mat
	# other records get a line transpose, which a second transpose takes away
	nlp-ppmi l.mat > p.mat
	run bash -c "nlp-mat transpose p.mat | nlp-mat info | grep ^record"
	assert_output "$(printf 'record\t%s\nrecord\tppmi alpha=1 shift=1 base=e pmi=no\nrecord\ttranspose' "$rec")"
	nlp-mat transpose p.mat | nlp-mat transpose | cmp - p.mat
	# sum keeps a record its inputs share, and no other
	run bash -c "nlp-mat sum l.mat l.mat | nlp-mat info | grep -c ^record"
	assert_output 1
	run bash -c "nlp-mat sum l.mat r.mat | nlp-mat info | grep -c ^record"
	assert_output 0
	# .npy has no place for it; a matrix without one is version 1, as before records
	nlp-mat to-npy l.mat | nlp-mat from-npy > n.mat
	run od -An -tu4 -j8 -N4 n.mat
	assert_output --regexp '^ +1$'
	nlp-mat convert "$MAT/tiny.mat" | cmp - "$MAT/tiny.mat"
}

@test "mat: fix-nnz writes the count of a stream into its header, in place: the bytes written to a file" {
	V="$DATA/cooc/small.vocab" T="$DATA/cooc/small.txt"
	nlp-cooccur -v "$V" "$T" > file.mat
	nlp-cooccur -v "$V" "$T" | cat > pipe.mat
	run nlp-mat info pipe.mat
	assert_line 'header-nnz	unknown'
	cmp -s pipe.mat file.mat && fail "a pipe gave the bytes of a file"
	run nlp-mat fix-nnz pipe.mat
	assert_success
	assert_output ''
	cmp pipe.mat file.mat
	# again: nothing to do, nothing changes
	nlp-mat fix-nnz pipe.mat
	cmp pipe.mat file.mat
	# nlp-ppmi's output, float32 too
	nlp-ppmi --f32 file.mat > ppmi-file.mat
	nlp-ppmi --f32 file.mat | cat > ppmi-pipe.mat
	nlp-mat fix-nnz ppmi-pipe.mat
	cmp ppmi-pipe.mat ppmi-file.mat
	# the output of sum leaves the count unknown even in a file: fixed, it has the count
	nlp-mat sum file.mat file.mat > sum.mat
	cp sum.mat sum.orig
	nlp-mat fix-nnz sum.mat
	assert_equal "$(nlp-mat info sum.mat | grep header-nnz)" "$(printf 'header-nnz\t%s' "$(nlp-mat info file.mat | sed -n 's/^nnz\t//p')")"
	cmp -n 40 sum.mat sum.orig
	cmp -i 48 sum.mat sum.orig
	# a dense matrix always has its count: left as it is
	cp "$MAT/tiny-dense.mat" dense.mat
	nlp-mat fix-nnz dense.mat
	cmp dense.mat "$MAT/tiny-dense.mat"
	# a read-only file that needs nothing is fine
	cp file.mat ro.mat
	chmod 444 ro.mat
	nlp-mat fix-nnz ro.mat
}

@test "mat: fix-nnz refuses truncated, foreign and bad files, leaving them as they were; a pipe, stdin and a directory too" {
	V="$DATA/cooc/small.vocab" T="$DATA/cooc/small.txt"
	nlp-cooccur -v "$V" "$T" | cat > pipe.mat
	head -c -5 pipe.mat > cut.mat
	head -c 100 pipe.mat > cut-record.mat
	head -c 30 pipe.mat > cut-header.mat
	printf 'hello\n' > text.mat
	: > empty.mat
	py <<-'EOF'
	from matgen import *
	write("bad-record.mat", sparse_bytes(3, 3, [(0, 1, 1.0)], nnz=UNKNOWN, record=b"x y\n"))
	write("unsorted.mat", sparse_bytes(3, 3, [(1, 1, 1.0), (0, 1, 1.0)], nnz=UNKNOWN))
	EOF
	for f in cut cut-record cut-header text empty bad-record unsorted; do cp $f.mat $f.orig; done
	assert_rejects "nlp-mat: cut.mat: truncated matrix" nlp-mat fix-nnz cut.mat
	assert_rejects "nlp-mat: cut-record.mat: truncated matrix" nlp-mat fix-nnz cut-record.mat
	assert_rejects "nlp-mat: cut-header.mat: truncated matrix" nlp-mat fix-nnz cut-header.mat
	assert_rejects "nlp-mat: text.mat: not an nlp matrix (bad magic)" nlp-mat fix-nnz text.mat
	assert_rejects "nlp-mat: empty.mat: truncated matrix" nlp-mat fix-nnz empty.mat
	assert_rejects "nlp-mat: bad-record.mat: invalid matrix record" nlp-mat fix-nnz bad-record.mat
	assert_rejects "nlp-mat: unsorted.mat: triples not sorted by row then column" nlp-mat fix-nnz unsorted.mat
	for f in cut cut-record cut-header text empty bad-record unsorted; do cmp $f.mat $f.orig; done
	# it rewrites a file: not a pipe, a FIFO, a directory; nor the standard input (a usage error)
	run --separate-stderr bash -c 'cat pipe.mat | nlp-mat fix-nnz /dev/stdin'
	assert_failure 1
	assert_equal "$stderr" "nlp-mat: /dev/stdin: not a regular file (fix-nnz rewrites a file in place)"
	mkfifo fifo
	assert_rejects "nlp-mat: fifo: not a regular file (fix-nnz rewrites a file in place)" timeout 10 nlp-mat fix-nnz fifo
	assert_rejects "nlp-mat: $BATS_TEST_TMPDIR: not a regular file (fix-nnz rewrites a file in place)" nlp-mat fix-nnz "$BATS_TEST_TMPDIR"
	assert_rejects "nlp-mat: open /no/such.mat: No such file or directory" nlp-mat fix-nnz /no/such.mat
	for args in "fix-nnz" "fix-nnz -" "fix-nnz --force pipe.mat" "fix-nnz pipe.mat pipe.mat" "--f32 fix-nnz pipe.mat"; do
		run --separate-stderr nlp-mat $args < pipe.mat
		[ "$status" -eq 2 ] || fail "nlp-mat $args: exit $status"
		[[ "$stderr" == *"usage: nlp-mat"* ]] || fail "nlp-mat $args: $stderr"
	done
	run --separate-stderr nlp-mat fix-nnz < pipe.mat
	assert_equal "${stderr%%$'\n'*}" "nlp-mat: fix-nnz rewrites a file in place: name the file, not the standard input"
	# a file it may not write, when the count is unknown
	if [ "$(id -u)" -ne 0 ]; then
		chmod 444 pipe.mat
		assert_rejects "nlp-mat: open pipe.mat for writing: Permission denied" nlp-mat fix-nnz pipe.mat
	fi
}

# ---- files, options, output ----

@test "mat: a directory and a missing file are reported, exit 1" {
	assert_rejects "nlp-mat: read $BATS_TEST_TMPDIR: Is a directory" nlp-mat info "$BATS_TEST_TMPDIR"
	assert_rejects "nlp-mat: read $BATS_TEST_TMPDIR: Is a directory" nlp-mat from-mtx "$BATS_TEST_TMPDIR"
	assert_rejects "nlp-mat: read $BATS_TEST_TMPDIR: Is a directory" nlp-mat from-npy "$BATS_TEST_TMPDIR"
	assert_rejects "nlp-mat: open /no/such: No such file or directory" nlp-mat print /no/such
	assert_rejects "nlp-mat: open /no/such: No such file or directory" nlp-mat from-mtx /no/such
}

@test "mat: bad commands and options exit 2 with the usage" {
	usage="usage: nlp-mat [-M size] [--dense | --sparse] [--precision digits] [--f32 | --f64] [--duplicates policy] [--force] [--progress] command [file] | --sum file ... | fix-nnz file"
	for args in "" "frobnicate" "--no-such info" "info -d" "to-npy --precision 3" \
		"print --precision 0" "print --precision 18" "print --precision x" "from-mtx --duplicates=maybe" \
		"transpose -M 0" "transpose -M 12Q" "transpose -M 1K" "print -p 3" "convert -s" "transpose -m 1M" "print --dense --sparse" "print a b" "sum" "sum - -" "info --memory"; do
		run --separate-stderr nlp-mat $args
		[ "$status" -eq 2 ] || fail "nlp-mat $args: exit $status"
		[[ "$stderr" == *"$usage"* ]] || [[ "$stderr" == "nlp-mat: "* ]] || fail "nlp-mat $args: $stderr"
		[ -z "$output" ] || fail "nlp-mat $args wrote $output"
	done
	run --separate-stderr nlp-mat frobnicate
	assert_bytes "$(printf "nlp-mat: 'frobnicate' is not a command\n%s" "$usage")" "$stderr"
	run --separate-stderr nlp-mat info --dense x
	assert_bytes "$(printf 'nlp-mat: --dense does not apply to info\n%s' "$usage")" "$stderr"
	run --separate-stderr nlp-mat print --precision 0 x
	assert_bytes "nlp-mat: --precision: value '0' is too small (expected 1..17)" "$stderr"
	run --separate-stderr nlp-mat sum - -
	assert_bytes "$(printf 'nlp-mat: the standard input can be read only once\n%s' "$usage")" "$stderr"
}

@test "mat: --help lists every command, --version the version" {
	run nlp-mat --help
	assert_success
	assert_line --index 0 --partial 'usage: nlp-mat'
	for c in info print to-mtx from-mtx to-npy from-npy transpose convert sum fix-nnz; do
		assert_line --regexp "^  $c "
	done
	run nlp-mat --version
	assert_success
	assert_output --regexp '^nlp-mat [0-9]'
}

@test "mat: a full disk is an error, for text and binary output" {
	[ -w /dev/full ] || skip "needs /dev/full"
	assert_rejects "nlp-mat: write <stdout>: No space left on device" \
		bash -c "nlp-mat print '$MAT/tiny.mat' > /dev/full"
	assert_rejects "nlp-mat: write <stdout>: No space left on device" \
		bash -c "nlp-mat convert --dense '$MAT/tiny.mat' > /dev/full"
}

@test "mat: a closed output pipe ends quietly" {
	py <<-'EOF'
	from matgen import *
	write("big.mat", dense_bytes(np.ones((3000, 300))))
	EOF
	run --separate-stderr bash -c "nlp-mat print big.mat | head -n 1 | cut -c1-5"
	assert_success
	assert_output '1 1 1'
	[ -z "$stderr" ] || fail "$stderr"
}

@test "mat: binary output is not written to a terminal unless --force" {
	command -v script >/dev/null || skip "needs script(1)"
	run script -qec "nlp-mat convert '$MAT/tiny.mat'" /dev/null
	assert_failure 1
	assert_output --partial "nlp-mat: binary output not written to a terminal; redirect it, or use --force"
	run script -qec "nlp-mat convert --force '$MAT/tiny.mat' | wc -c" /dev/null
	assert_success
	run script -qec "nlp-mat --force convert '$MAT/tiny.mat' > /dev/null" /dev/null
	assert_success
}

@test "mat: a temporary directory that cannot be written is an error" {
	py <<-'EOF'
	from matgen import *
	write("m.mat", sparse_of(sp.random(200, 200, density=1.0, random_state=1), F64))  # > 1M of triples
	EOF
	assert_rejects "nlp-mat: create a temporary file in /no/such: No such file or directory" \
		env TMPDIR=/no/such nlp-mat transpose -M 1M m.mat
	assert_rejects "nlp-mat: create a temporary file in /no/such: No such file or directory" \
		env TMPDIR=/no/such bash -c "nlp-mat convert --sparse '$MAT/tiny-dense.mat' | nlp-mat to-mtx"
	TMPDIR=/no/such nlp-mat transpose m.mat > /dev/null
}
