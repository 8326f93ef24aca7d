#!/usr/bin/env bats
# nlp-svd: the factors against a dense LAPACK SVD in double precision (numpy.linalg.svd): the top
# k singular values within 1e-4 relative, the subspaces of U and V within 1e-4 (principal
# angles), orthonormal columns, the rank-k approximation, for dense and sparse, tall, wide and
# full-rank matrices, float32 and float64; the output forms (U S^p, unit rows, word2vec text and
# binary that gensim loads, dense matrices); determinism over seeds, threads and pipes; bad
# matrices, vocabularies and options; PTB's PPMI matrix against scipy.sparse.linalg.svds when
# ../shared is there.

load helper

MAT="$DATA/mat"
PTB="$SHARED_DATA/ptb/ptb.train.txt"

PY_PATH="$DATA/svd"

# The fixtures, made once: matrices with a planted spectrum that has a gap after the 8th value.
setup_file() {
	cd "$BATS_FILE_TMPDIR" || return 1
	py <<-'EOF'
	import numpy as np, scipy.sparse as sp
	from matgen import write, dense_bytes, sparse_of, sparse_bytes, F32, F64, UNKNOWN
	from svdref import planted, planted_sparse
	rng = np.random.default_rng(11)
	s8 = np.geomspace(50, 10, 8)  # the 8th is 10; with the noise the 9th is below 3
	a = planted(rng, 120, 80, s8, noise=0.5)
	write('dense.mat', dense_bytes(a))
	write('dense32.mat', dense_bytes(a, F32))
	# sparse: 9000 columns are three panels of the products, split over threads
	w = planted_sparse(rng, 150, 9000, s8, noise=0.3, density=0.005)
	write('wide.mat', sparse_of(w))
	write('wide32.mat', sparse_of(w.astype(np.float32), F32))
	write('wide-stream.mat', sparse_of(w, nnz=UNKNOWN))
	write('tall.mat', sparse_of(planted_sparse(rng, 5000, 120, s8, noise=0.3).astype(np.float32),
	                            F32))
	# full rank, k = the smaller side
	write('full-tall.mat', dense_bytes(rng.standard_normal((60, 25))))
	write('full-wide.mat', sparse_of(sp.random(25, 60, density=0.5, random_state=rng,
	                                           data_rvs=rng.standard_normal)))
	write('full-square.mat', dense_bytes(rng.standard_normal((30, 30)), F32))
	# no gap: a slowly decaying spectrum, where power iterations matter
	write('slow.mat', dense_bytes(planted(rng, 200, 150, np.geomspace(100, 1, 150))))
	# labels for the 120 rows of dense.mat, some of them not ASCII
	words = ['w%03d' % i for i in range(120)]
	words[0], words[7], words[119] = '한국어', 'café', 'naïve'
	with open('words.tsv', 'w', encoding='utf-8') as f:
	    for i, t in enumerate(words):
	        f.write('%s\t%d\n' % (t, 1000 - i))
	EOF
}

setup() {
	cd "$BATS_TEST_TMPDIR"
	F="$BATS_FILE_TMPDIR"
}

# svd_check [nlp-svd options --] MATRIX:K ...: runs nlp-svd -d K --u --s --v on each MATRIX and
# checks the factors against numpy (svdref.check, its default tolerances); prints the measures of
# each and "agree".
svd_check() {
	local opts=() i=0 mk
	if [[ " $* " == *" -- "* ]]; then
		while [ "$1" != -- ]; do opts+=("$1"); shift; done
		shift
	fi
	for mk in "$@"; do
		i=$((i + 1))
		nlp-svd -d "${mk##*:}" --u "u$i.mat" --s "s$i.mat" --v "v$i.mat" "${opts[@]}" "${mk%:*}" \
			> /dev/null || return
	done
	py "$@" <<-'EOF'
	import sys
	from svdref import check
	for i, mk in enumerate(sys.argv[1:], 1):
	    mat, k = mk.rsplit(':', 1)
	    print(mat.rsplit('/', 1)[-1], end=': ')
	    check(mat, int(k), 'u%d.mat' % i, 's%d.mat' % i, 'v%d.mat' % i)
	EOF
}

@test "svd: dense and sparse (planted low rank plus noise), float64 and float32, tall and wide" {
	# the sparse wide matrix spans three column panels of the products, split over threads
	run svd_check "$F/dense.mat:8" "$F/dense32.mat:8" "$F/wide.mat:8" "$F/wide32.mat:8" \
		"$F/tall.mat:8"
	assert_success
	assert_equal "$(grep -c '^agree$' <<< "$output")" 5
}

@test "svd: full rank, k = the smaller side: a tall dense, a wide sparse and a square matrix" {
	run svd_check "$F/full-tall.mat:25" "$F/full-wide.mat:25" "$F/full-square.mat:30"
	assert_success
	assert_equal "$(grep -c '^agree$' <<< "$output")" 3
	# with no extra columns and no power iteration: the sketch spans the whole space
	run svd_check --oversample 0 --iters 0 -- "$F/full-wide.mat:25" "$F/full-tall.mat:25"
	assert_success
	assert_equal "$(grep -c '^agree$' <<< "$output")" 2
}

@test "svd: a 1 x 1, a row, a column and a zero matrix" {
	py <<-'EOF'
	from matgen import write, dense_bytes, sparse_bytes
	write('one.mat', dense_bytes([[-4.0]]))
	write('row.mat', dense_bytes([[3.0, -4.0, 0, 12.0]]))
	write('col.mat', sparse_bytes(4, 1, [(0, 0, 3.0), (1, 0, -4.0), (3, 0, 12.0)]))
	write('zero.mat', sparse_bytes(3, 4, []))
	EOF
	nlp-svd -d 1 --s one-s.mat --v one-v.mat --weight 1 one.mat > one-out.mat
	nlp-svd -d 1 --s row-s.mat --v row-v.mat --weight 0 row.mat > row-out.mat
	nlp-svd -d 1 --s col-s.mat --v col-v.mat --weight 1 col.mat > col-out.mat
	run py <<-'EOF'
	import numpy as np
	from matgen import read
	def same(name, want):
	    got = read(name).ravel()
	    assert abs(got - want).max() <= 1e-6 * abs(np.array(want)).max(), (name, got, want)
	# [-4] = 1 * 4 * (-1): U is +1 (its largest entry positive), so V is -1
	same('one-s.mat', [4]); same('one-out.mat', [4]); same('one-v.mat', [-1])
	# a row: S is its length, 13, U is 1 and V the row over 13
	same('row-s.mat', [13]); same('row-out.mat', [1]); same('row-v.mat', np.array([3, -4, 0, 12]) / 13)
	# a column: S is 13, V is 1, U S the column, its largest entry (12) positive
	same('col-s.mat', [13]); same('col-v.mat', [1]); same('col-out.mat', [3, -4, 0, 12])
	print('ok')
	EOF
	assert_success
	assert_line ok
	# nothing to find: zero singular values and zero vectors
	nlp-svd -d 2 --s s.mat zero.mat > out.mat
	run nlp-mat print s.mat
	assert_output "$(printf '0\n0')"
	run nlp-mat info out.mat
	assert_line 'rows	3'
	assert_line 'cols	2'
	assert_line 'max	0'
	assert_line 'min	0'
}

@test "svd: --iters and --oversample: a slow spectrum needs them; estimates never exceed the truth" {
	# relative error of the top 10 with each setting, and whether every estimate is at most the
	# true value (the singular values of Q^T A interlace those of A)
	for opts in "-I 0" "-I 1" "-I 2" "-I 5" "--oversample 0" "--oversample 30" "-I 0 --oversample 500"; do
		# shellcheck disable=SC2086
		nlp-svd -d 10 --s "s${opts// /}.mat" $opts "$F/slow.mat" > /dev/null
	done
	run py "$F/slow.mat" <<-'EOF'
	import sys, numpy as np
	from matgen import read
	true = np.linalg.svd(read(sys.argv[1]), compute_uv=False)[:10]
	err = {}
	for o in ['-I0', '-I1', '-I2', '-I5', '--oversample0', '--oversample30', '-I0--oversample500']:
	    s = read('s%s.mat' % o).ravel()
	    err[o] = (abs(s - true) / true).max()
	    print(o, '%.1e' % err[o])
	    assert np.all(s <= true * (1 + 1e-6)), (o, 'an estimate above the true value')
	# each power iteration helps; 5 (the default) resolve the top 10 to 1e-3 (seen: 3e-5)
	assert err['-I0'] > 1e-2 and err['-I0'] > err['-I1'] > err['-I2'] > err['-I5'], err
	assert err['-I5'] < 1e-3, err
	# more columns help: none is worse than the default 10, 30 better; 500 is capped at 150, the
	# whole space, and exact without iterations
	assert err['--oversample0'] > err['-I5'] > err['--oversample30'], err
	assert err['--oversample30'] < 1e-5 and err['-I0--oversample500'] < 1e-5, err
	print('ok')
	EOF
	assert_success
	assert_line ok
}

@test "svd: --weight 0, 0.5 and 1 are U, U S^0.5 and U S; --normalize gives unit rows" {
	nlp-svd -d 8 --u u.mat --s s.mat "$F/dense.mat" > p05.mat
	nlp-svd -d 8 --weight 0 "$F/dense.mat" > p0.mat
	nlp-svd -d 8 --weight=1 "$F/dense.mat" > p1.mat
	nlp-svd -d 8 --weight 0.25 --normalize "$F/dense.mat" > n.mat
	nlp-svd -d 8 --weight 0 --normalize "$F/dense.mat" > n0.mat
	nlp-svd -d 8 --u u2.mat --weight 1 --normalize "$F/dense.mat" > /dev/null
	cmp u.mat p0.mat
	cmp u.mat u2.mat
	run py <<-'EOF'
	import numpy as np
	from matgen import read
	u, s = read('u.mat'), read('s.mat').ravel()
	def close(name, got, want, tol=2e-6):
	    d = abs(got - want).max() / abs(want).max()
	    print(name, '%.1e' % d)
	    assert got.shape == want.shape and d <= tol, (name, d)
	close('p=0.5', read('p05.mat'), u * s ** 0.5)
	close('p=1', read('p1.mat'), u * s)
	w = u * s ** 0.25
	close('p=0.25 -n', read('n.mat'), w / np.linalg.norm(w, axis=1, keepdims=True))
	close('p=0 -n', read('n0.mat'), u / np.linalg.norm(u, axis=1, keepdims=True))
	norms = np.linalg.norm(read('n.mat'), axis=1)
	assert abs(norms - 1).max() < 1e-6, abs(norms - 1).max()
	print('ok')
	EOF
	assert_success
	assert_line ok
}

@test "svd: without --vocab, stdout is a dense float32 rows x k matrix; --u, --s, --v are dense float32" {
	nlp-svd -d 8 --u u.mat --s s.mat --v v.mat "$F/wide.mat" > out.mat
	run nlp-mat info out.mat
	assert_line 'kind	dense'
	assert_line 'type	float32'
	assert_line 'rows	150'
	assert_line 'cols	8'
	run nlp-mat info u.mat
	assert_line 'kind	dense'
	assert_line 'type	float32'
	assert_line 'rows	150'
	assert_line 'cols	8'
	run nlp-mat info s.mat
	assert_line 'type	float32'
	assert_line 'rows	8'
	assert_line 'cols	1'
	run nlp-mat info v.mat
	assert_line 'type	float32'
	assert_line 'rows	9000'
	assert_line 'cols	8'
	# the factors are one SVD: A V = U S and A^T U = V S, to float rounding of s_1
	run py "$F/wide.mat" <<-'EOF'
	import sys, numpy as np
	from matgen import read
	a = read(sys.argv[1]).tocsr()
	u, s, v = read('u.mat'), read('s.mat').ravel(), read('v.mat')
	r1, r2 = abs(a @ v - u * s).max() / s[0], abs(a.T @ u - v * s).max() / s[0]
	print('%.1e %.1e' % (r1, r2))
	assert r1 < 1e-5 and r2 < 1e-5
	print('ok')
	EOF
	assert_success
	assert_line ok
}

@test "svd: --vocab writes word2vec text (--precision digits) and -b binary that gensim loads, in order" {
	nlp-svd -d 8 -v "$F/words.tsv" "$F/dense.mat" > text.vec
	nlp-svd -d 8 --vocab="$F/words.tsv" --binary "$F/dense.mat" > bin.vec
	nlp-svd -d 8 "$F/dense.mat" > m.mat
	run head -n 1 text.vec
	assert_output '120 8'
	run sed -n 2p text.vec
	assert_output --regexp '^한국어( -?[0-9]+\.[0-9]{6}){8}$'
	run sed -n 9p text.vec
	assert_output --regexp '^café '
	# --precision: the digits after the point
	nlp-svd -d 8 -v "$F/words.tsv" --precision 3 "$F/dense.mat" > p3.vec
	nlp-svd -d 8 -v "$F/words.tsv" --precision=0 "$F/dense.mat" > p0.vec
	nlp-svd -d 8 -v "$F/words.tsv" --precision 9 "$F/dense.mat" > p9.vec
	run grep -cvE '^[^ ]+( -?[0-9]+\.[0-9]{3}){8}$' p3.vec
	assert_output 1 # the header
	run grep -cvE '^[^ ]+( -?[0-9]+){8}$' p0.vec
	assert_output 1
	run grep -cvE '^[^ ]+( -?[0-9]+\.[0-9]{9}){8}$' p9.vec
	assert_output 1
	# the same values, rounded
	run py <<-'EOF'
	import numpy as np
	def load(p):
	    return np.array([[float(x) for x in l.split()[1:]] for l in open(p).read().splitlines()[1:]])
	v9 = load('p9.vec')
	for p, digits in (('p3.vec', 3), ('text.vec', 6), ('p0.vec', 0)):
	    d = abs(load(p) - v9).max()
	    print(p, '%.1e' % d)
	    assert d <= 0.5 * 10 ** -digits + 1e-9, (p, d)
	print('ok')
	EOF
	assert_success
	assert_line ok
	need_python_module gensim
	run py "$F/words.tsv" <<-'EOF'
	import sys, numpy as np
	from gensim.models import KeyedVectors
	from matgen import read
	words = [l.split('\t')[0] for l in open(sys.argv[1], encoding='utf-8').read().splitlines()]
	m = read('m.mat')
	t = KeyedVectors.load_word2vec_format('text.vec', binary=False)
	b = KeyedVectors.load_word2vec_format('bin.vec', binary=True)
	assert t.index_to_key == words and b.index_to_key == words
	# text: 6 digits after the point, so within 5e-7 and the float32 rounding of gensim
	d = abs(t.vectors - m).max()
	print('text %.1e' % d)
	assert d <= 1e-6, d
	# binary: the same float32 values, bit for bit
	assert b.vectors.dtype == np.float32 and np.array_equal(b.vectors, m.astype(np.float32))
	print('ok')
	EOF
	assert_success
	assert_line ok
	# the binary rows are the word, a space, 8 little-endian floats and a newline
	run head -n 1 bin.vec
	assert_output '120 8'
	# (the words and a newline each) + 120 x (a space and 32 bytes) + the header "120 8\n"
	assert_equal "$(wc -c < bin.vec)" "$(($(cut -f1 "$F/words.tsv" | wc -c) + 120 * 33 + 6))"
}

@test "svd: the same --seed gives the same bytes; another seed other vectors, the same values" {
	nlp-svd -d 8 --s s1.mat "$F/wide.mat" > a.mat
	nlp-svd -d 8 --seed 1 "$F/wide.mat" > b.mat
	nlp-svd -d 8 --seed 2 --s s2.mat "$F/wide.mat" > c.mat
	nlp-svd -d 8 --seed=2 "$F/wide.mat" > d.mat
	cmp a.mat b.mat
	cmp c.mat d.mat
	run cmp -s a.mat c.mat
	assert_failure
	run py <<-'EOF'
	from matgen import read
	a, b = read('s1.mat').ravel(), read('s2.mat').ravel()
	d = (abs(a - b) / a).max()
	print('%.1e' % d)
	assert d <= 1e-4
	print('ok')
	EOF
	assert_success
	assert_line ok
}

@test "svd: -T 1 and -T 3 give the same bytes (sparse over three panels, and dense)" {
	for m in wide dense; do
		nlp-svd -d 8 -T 1 --v v1.mat "$F/$m.mat" > t1.mat
		nlp-svd -d 8 -T 3 --v v3.mat "$F/$m.mat" > t3.mat
		cmp t1.mat t3.mat || fail "$m: -T 1 and -T 3 differ"
		cmp v1.mat v3.mat || fail "$m: V differs between -T 1 and -T 3"
	done
}

@test "svd: a pipe gives the bytes a file gives; a streamed header (nnz unknown) too; TMPDIR" {
	for m in wide dense; do
		nlp-svd -d 8 --v v-file.mat "$F/$m.mat" > file.mat
		cat "$F/$m.mat" | nlp-svd -d 8 --v v-pipe.mat > pipe.mat
		nlp-svd -d 8 - < "$F/$m.mat" > redirected.mat
		cmp file.mat pipe.mat
		cmp file.mat redirected.mat
		cmp v-file.mat v-pipe.mat
	done
	nlp-svd -d 8 "$F/wide.mat" > file.mat
	nlp-svd -d 8 "$F/wide-stream.mat" > stream.mat
	cat "$F/wide-stream.mat" | nlp-svd -d 8 > stream-pipe.mat
	cmp file.mat stream.mat
	cmp file.mat stream-pipe.mat
	# the copy of a pipe goes to TMPDIR, which must exist; a file needs no copy
	mkdir tmp
	cat "$F/wide.mat" | TMPDIR="$PWD/tmp" nlp-svd -d 8 > tmp.mat
	cmp file.mat tmp.mat
	run ls -A tmp
	assert_output ''
	run -1 --separate-stderr bash -c "cat '$F/wide.mat' | TMPDIR=/nonexistent nlp-svd -d 8"
	assert_regex "$stderr" '^nlp-svd: .*<stdin>'
	TMPDIR=/nonexistent nlp-svd -d 8 "$F/wide.mat" > file2.mat
	cmp file.mat file2.mat
}

@test "svd: the man page's pipeline: vocab, co-occurrences, PPMI, SVD with labels" {
	nlp-vocab "$DATA/cooc/small.txt" > v.tsv
	nlp-cooccur --vocab v.tsv --window 5 "$DATA/cooc/small.txt" | nlp-ppmi --alpha 0.75 > p.mat
	nlp-cooccur --vocab v.tsv --window 5 "$DATA/cooc/small.txt" | nlp-ppmi --alpha 0.75 \
		| nlp-svd --dim 4 --vocab v.tsv > svd.vec
	nlp-svd -d 4 --u u.mat --s s.mat p.mat > /dev/null
	run head -n 1 svd.vec
	assert_output "$(wc -l < v.tsv) 4"
	diff <(cut -f1 v.tsv) <(sed 1d svd.vec | cut -d' ' -f1)
	run py p.mat <<-'EOF'
	import sys, numpy as np
	from matgen import read
	a = read(sys.argv[1]).toarray()
	s, u = read('s.mat').ravel(), read('u.mat')
	ur, sr, _ = np.linalg.svd(a)
	d = (abs(s - sr[:4]) / sr[:4]).max()
	print('%.1e' % d)
	assert d < 1e-4
	vec = np.array([[float(x) for x in l.split()[1:]] for l in open('svd.vec').read().splitlines()[1:]])
	assert abs(vec - u * s ** 0.5).max() < 1e-6
	print('ok')
	EOF
	assert_success
	assert_line ok
}

@test "svd: bad matrices exit 1, naming the input and the reason" {
	py <<-'EOF'
	import numpy as np
	from matgen import write, header, sparse_bytes, dense_bytes, DENSE, F64
	good = sparse_bytes(3, 3, [(0, 1, 1.0), (1, 2, 2.0), (2, 0, 3.0)])
	write('cut.mat', good[:-5])
	write('magic.mat', b'NOTAMATX' + good[8:])
	write('version.mat', sparse_bytes(3, 3, [(0, 1, 1.0)], version=3))
	write('empty.mat', b'')
	write('rows0.mat', sparse_bytes(0, 3, []))
	write('cols0.mat', sparse_bytes(3, 0, []))
	write('rows0-dense.mat', dense_bytes(np.zeros((0, 3))))
	write('order.mat', sparse_bytes(3, 3, [(1, 2, 2.0), (0, 1, 1.0), (2, 0, 3.0)]))
	write('repeat.mat', sparse_bytes(3, 3, [(0, 1, 1.0), (0, 1, 2.0), (2, 0, 3.0)]))
	write('range.mat', sparse_bytes(3, 3, [(0, 3, 2.0)]))
	write('count.mat', sparse_bytes(3, 3, [(0, 1, 1.0), (2, 0, 3.0)], nnz=5))
	write('nan.mat', sparse_bytes(3, 3, [(0, 1, float('nan'))]))
	write('long-dense.mat', dense_bytes([[1, 2], [3, 4]]) + b'xx')
	write('tall0-dense.mat', header(DENSE, F64, 2**32 - 1, 0, 0))
	write('wide0-dense.mat', header(DENSE, F64, 0, 2**32 - 1, 0))
	EOF
	# dense and without cells: nothing to read, however many rows of no column or columns of no
	# row (tests/fuzz/fuzz-matrix found 2^32 - 1 empty rows read one by one, and a row buffer
	# of 2^32 - 1 columns asked for)
	run -1 --separate-stderr timeout 20 nlp-svd -d 1 tall0-dense.mat
	assert_equal "$stderr" 'nlp-svd: tall0-dense.mat: an empty matrix (4294967295 x 0)'
	run -1 --separate-stderr timeout 20 nlp-svd -d 1 wide0-dense.mat
	assert_equal "$stderr" 'nlp-svd: wide0-dense.mat: an empty matrix (0 x 4294967295)'
	printf 'hello\n' > text.txt
	while IFS='|' read -r file why; do
		run -1 --separate-stderr nlp-svd -d 1 "$file"
		assert_equal "$stderr" "nlp-svd: $file: $why"
		assert_equal "$output" ''
	done <<-'EOF'
	cut.mat|truncated matrix
	magic.mat|not an nlp matrix (bad magic)
	version.mat|unsupported matrix format version
	empty.mat|truncated matrix
	rows0.mat|an empty matrix (0 x 3)
	cols0.mat|an empty matrix (3 x 0)
	rows0-dense.mat|an empty matrix (0 x 3)
	order.mat|triples not sorted by row then column
	repeat.mat|triples not sorted by row then column
	range.mat|index out of range
	count.mat|number of triples differs from the header
	nan.mat|value is not finite
	long-dense.mat|data after the last value
	text.txt|not an nlp matrix (bad magic)
	EOF
	run -1 --separate-stderr nlp-svd -d 1 < magic.mat
	assert_equal "$stderr" 'nlp-svd: <stdin>: not an nlp matrix (bad magic)'
	run -1 --separate-stderr bash -c 'cat cut.mat | nlp-svd -d 1'
	assert_equal "$stderr" 'nlp-svd: <stdin>: truncated matrix'
	run -1 --separate-stderr nlp-svd -d 1 < /dev/null
	assert_equal "$stderr" 'nlp-svd: <stdin>: truncated matrix'
	run -1 --separate-stderr nlp-svd /nonexistent.mat
	assert_equal "$stderr" 'nlp-svd: open /nonexistent.mat: No such file or directory'
	run -1 --separate-stderr nlp-svd "$BATS_TEST_TMPDIR"
	assert_equal "$stderr" "nlp-svd: read $BATS_TEST_TMPDIR: Is a directory"
}

@test "svd: --dim above the smaller side keeps the smaller side, warning with both numbers" {
	# MATRIX ROWS COLS --dim (none: the default, 300)
	n=0
	while read -r m rows cols d; do
		n=$((n + 1))
		small=$((rows < cols ? rows : cols))
		run --separate-stderr bash -c "nlp-svd ${d:+-d $d} '$F/$m' > out${d:-300}.mat < /dev/null"
		assert_success
		assert_equal "$stderr" "nlp-svd: $F/$m: --dim ${d:-300} is above the smaller side of a $rows x $cols matrix: keeping $small"
		run nlp-mat info "out${d:-300}.mat"
		assert_line "rows	$rows"
		assert_line "cols	$small"
	done <<-'EOF'
	dense.mat 120 80 81
	wide.mat 150 9000
	EOF
	assert_equal "$n" 2
	# the same vectors as -d 80, bit for bit: the sketch has 80 columns either way
	nlp-svd -d 80 "$F/dense.mat" > d80.mat
	cmp out81.mat d80.mat
	# from a pipe, as word2vec text with 80 values a line
	run --separate-stderr bash -c "cat '$F/dense.mat' | nlp-svd -d 100 -v '$F/words.tsv' > d100.vec"
	assert_success
	assert_equal "$stderr" 'nlp-svd: <stdin>: --dim 100 is above the smaller side of a 120 x 80 matrix: keeping 80'
	run head -n 1 d100.vec
	assert_output '120 80'
	assert_equal "$(awk 'NR > 1 && NF != 81' d100.vec | wc -l)" 0
	# within the bound, no warning
	run --separate-stderr bash -c "nlp-svd -d 80 '$F/dense.mat' > /dev/null"
	assert_success
	assert_equal "$stderr" ''
	# the factors of a clamped run against numpy's SVD (dense 60 x 25, sparse 25 x 60)
	nlp-svd -d 300 --u u1.mat --s s1.mat --v v1.mat "$F/full-tall.mat" > /dev/null 2>&1
	nlp-svd -d 26 --u u2.mat --s s2.mat --v v2.mat "$F/full-wide.mat" > /dev/null 2>&1
	run py "$F/full-tall.mat" "$F/full-wide.mat" <<-'EOF'
	import sys
	from svdref import check
	check(sys.argv[1], 25, 'u1.mat', 's1.mat', 'v1.mat')
	check(sys.argv[2], 25, 'u2.mat', 's2.mat', 'v2.mat')
	EOF
	assert_success
	assert_equal "$(grep -c '^agree$' <<< "$output")" 2
}

@test "svd: rows with no value but 0 get zero vectors, with one warning that counts them" {
	# 40 x 12 of full rank with rows 3, 17 and 38 zero, dense; the same sparse, where row 17
	# holds a stored 0 (no value either)
	py <<-'EOF'
	import numpy as np
	from matgen import write, dense_bytes, sparse_bytes
	rng = np.random.default_rng(5)
	a = rng.standard_normal((40, 12))
	a[[3, 17, 38]] = 0
	write('holes.mat', dense_bytes(a))
	t = [(i, j, a[i, j]) for i in range(40) for j in range(12) if a[i, j] != 0 or (i, j) == (17, 4)]
	write('holes-sparse.mat', sparse_bytes(40, 12, t))
	with open('v.tsv', 'w') as f:
	    f.writelines('w%d\t%d\n' % (i, 100 - i) for i in range(40))
	EOF
	zeros=$(printf ' 0.000000%.0s' {1..12})
	for m in holes.mat holes-sparse.mat; do
		run --separate-stderr bash -c "nlp-svd -d 12 --u u.mat --s s.mat --v v.mat -v v.tsv $m > $m.vec"
		assert_success
		# once, however many rows
		assert_equal "$stderr" "nlp-svd: $m: 3 of 40 rows are all zero: their vectors are zero"
		run head -n 1 "$m.vec"
		assert_output '40 12'
		# the zero rows are zero vectors, in their places
		run grep -nE '^w[0-9]+( 0\.000000){12}$' "$m.vec"
		assert_output "$(printf '5:w3%s\n19:w17%s\n40:w38%s' "$zeros" "$zeros" "$zeros")"
		# the factors against numpy's SVD, and the vectors U S^0.5 from them
		run py "$m" "$m.vec" <<-'EOF'
		import sys, numpy as np
		from matgen import read
		from svdref import check
		check(sys.argv[1], 12, 'u.mat', 's.mat', 'v.mat')
		u, s = read('u.mat'), read('s.mat').ravel()
		vec = np.array([[float(x) for x in l.split()[1:]] for l in open(sys.argv[2]).read().splitlines()[1:]])
		d = abs(vec - u * s ** 0.5).max()
		print('vectors %.1e' % d)
		assert d <= 1e-6, d
		assert np.all(vec[[3, 17, 38]] == 0) and np.all(np.abs(vec).sum(axis=1)[[0, 1, 39]] > 0)
		EOF
		assert_success
		assert_line agree
	done
	# with a --dim above the bound, both warnings, in this order
	run --separate-stderr bash -c 'nlp-svd holes.mat > /dev/null'
	assert_success
	assert_equal "$stderr" "$(printf '%s\n%s' \
		'nlp-svd: holes.mat: --dim 300 is above the smaller side of a 40 x 12 matrix: keeping 12' \
		'nlp-svd: holes.mat: 3 of 40 rows are all zero: their vectors are zero')"
	# over column panels of 4096: row 1 has its one value in the third panel, row 2 none
	py <<-'EOF'
	from matgen import write, sparse_bytes
	write('panels.mat', sparse_bytes(4, 9000, [(0, 5, 1.0), (1, 8500, 2.0), (3, 4100, 3.0)]))
	EOF
	run --separate-stderr bash -c 'nlp-svd -d 3 panels.mat > panels.out'
	assert_success
	assert_equal "$stderr" 'nlp-svd: panels.mat: 1 of 4 rows are all zero: their vectors are zero'
	# a zero column is no warning: only rows get vectors
	py <<-'EOF'
	from matgen import write, dense_bytes
	write('zerocol.mat', dense_bytes([[1.0, 0], [2.0, 0], [3.0, 0]]))
	EOF
	run --separate-stderr bash -c 'nlp-svd -d 2 zerocol.mat > /dev/null'
	assert_success
	assert_equal "$stderr" ''
}

@test "svd: a dense matrix cut short or with an infinity exits 1 with the reason" {
	py <<-'EOF'
	from matgen import write, dense_bytes
	write('cut-dense.mat', dense_bytes([[1, 2, 3], [4, 5, 6]])[:-3])
	write('cut-header.mat', dense_bytes([[1, 2, 3], [4, 5, 6]])[:40])
	write('inf-dense.mat', dense_bytes([[1, float('inf')], [1, 2]]))
	EOF
	run -1 --separate-stderr nlp-svd -d 1 cut-header.mat
	assert_equal "$stderr" 'nlp-svd: cut-header.mat: truncated matrix'
	# an error inside a dense row: under ASan a leak on this path turned the status into 99 in
	# most runs (the row buffer of read_dense), so each case runs three times
	for i in 1 2 3; do
		run -1 --separate-stderr nlp-svd -d 1 cut-dense.mat
		assert_equal "$stderr" 'nlp-svd: cut-dense.mat: truncated matrix'
		run -1 --separate-stderr nlp-svd -d 1 inf-dense.mat
		assert_equal "$stderr" 'nlp-svd: inf-dense.mat: value is not finite'
	done
}

@test "svd: bad vocabularies exit 1: wrong number of lines, a bad line, a repeated token, missing" {
	head -n 119 "$F/words.tsv" > short.tsv
	{ cat "$F/words.tsv"; printf 'extra\t1\n'; } > long.tsv
	sed '3s/\t/ /' "$F/words.tsv" > notab.tsv
	sed '4s/\t.*/\tx/' "$F/words.tsv" > count.tsv
	sed '5s/^[^\t]*/w001/' "$F/words.tsv" > repeat.tsv
	: > empty.tsv
	run -1 --separate-stderr nlp-svd -d 8 -v short.tsv "$F/dense.mat"
	assert_equal "$stderr" 'nlp-svd: short.tsv: 119 words for a matrix of 120 rows'
	assert_equal "$output" ''
	run -1 --separate-stderr nlp-svd -d 8 -v long.tsv "$F/dense.mat"
	assert_equal "$stderr" 'nlp-svd: long.tsv: 121 words for a matrix of 120 rows'
	run -1 --separate-stderr nlp-svd -d 8 -v empty.tsv "$F/dense.mat"
	assert_equal "$stderr" 'nlp-svd: empty.tsv: 0 words for a matrix of 120 rows'
	run -1 --separate-stderr nlp-svd -d 8 -v notab.tsv "$F/dense.mat"
	assert_equal "$stderr" 'nlp-svd: notab.tsv: line 3: no tab between the key and the count'
	run -1 --separate-stderr nlp-svd -d 8 -v count.tsv "$F/dense.mat"
	assert_equal "$stderr" 'nlp-svd: count.tsv: line 4: the count is not a decimal integer'
	run -1 --separate-stderr nlp-svd -d 8 -v repeat.tsv "$F/dense.mat"
	assert_equal "$stderr" 'nlp-svd: repeat.tsv: line 5: the token is already in the vocabulary'
	run -1 --separate-stderr nlp-svd -d 8 -v missing.tsv "$F/dense.mat"
	assert_equal "$stderr" 'nlp-svd: open missing.tsv: No such file or directory'
}

@test "svd: bad options exit 2 with the reason" {
	run -2 --separate-stderr nlp-svd --dim 0 "$F/dense.mat"
	assert_equal "$stderr" "nlp-svd: --dim: value '0' is too small (expected 1..100000)"
	run -2 --separate-stderr nlp-svd -d x "$F/dense.mat"
	assert_regex "$stderr" "^nlp-svd: --dim: value 'x' is invalid"
	run -2 --separate-stderr nlp-svd --iters -1 "$F/dense.mat"
	assert_regex "$stderr" "^nlp-svd: --iters: value '-1' is too small"
	run -2 --separate-stderr nlp-svd -I 1001 "$F/dense.mat"
	assert_regex "$stderr" "^nlp-svd: --iters: value '1001' is too large"
	run -2 --separate-stderr nlp-svd --weight x "$F/dense.mat"
	assert_regex "$stderr" "^nlp-svd: --weight: value 'x' is invalid"
	run -2 --separate-stderr nlp-svd --oversample -1 "$F/dense.mat"
	assert_regex "$stderr" '^nlp-svd: --oversample: '
	run -2 --separate-stderr nlp-svd --seed x "$F/dense.mat"
	assert_regex "$stderr" '^nlp-svd: --seed: '
	run -2 --separate-stderr nlp-svd -T 0 "$F/dense.mat"
	assert_regex "$stderr" '^nlp-svd: --threads: '
	run -2 --separate-stderr nlp-svd -v "$F/words.tsv" --precision 10 "$F/dense.mat"
	assert_regex "$stderr" '^nlp-svd: --precision: '
	run -2 --separate-stderr nlp-svd -d 8 --binary "$F/dense.mat"
	assert_equal "${stderr_lines[0]}" 'nlp-svd: --binary and --precision go with --vocab'
	assert_regex "${stderr_lines[1]}" '^usage: nlp-svd '
	run -2 --separate-stderr nlp-svd -d 8 --precision 3 "$F/dense.mat"
	assert_equal "${stderr%%$'\n'*}" 'nlp-svd: --binary and --precision go with --vocab'
	run -2 --separate-stderr nlp-svd -d 8 "$F/dense.mat" "$F/dense.mat"
	assert_equal "${stderr%%$'\n'*}" 'nlp-svd: one matrix at a time'
	run -2 --separate-stderr nlp-svd --bogus
	assert_regex "$stderr" 'usage: nlp-svd \[-d dim\]'
	run -2 --separate-stderr nlp-svd -d
	assert_regex "$stderr" 'usage: nlp-svd'
	assert_equal "$output" ''
	run -0 nlp-svd --help
	assert_line --index 0 --regexp '^usage: nlp-svd '
	run -0 nlp-svd --version
	assert_output --regexp '^nlp-svd [0-9]'
}

@test "svd: output errors: a full disk, an unwritable factor, a closed pipe, a terminal" {
	if [ -w /dev/full ]; then
		run -1 --separate-stderr bash -c "nlp-svd -d 8 '$F/dense.mat' > /dev/full"
		assert_equal "$stderr" 'nlp-svd: write <stdout>: No space left on device'
		run -1 --separate-stderr bash -c "nlp-svd -d 8 -v '$F/words.tsv' '$F/dense.mat' > /dev/full"
		assert_equal "$stderr" 'nlp-svd: write <stdout>: No space left on device'
		run -1 --separate-stderr nlp-svd -d 8 --s /dev/full "$F/dense.mat"
		assert_equal "$stderr" 'nlp-svd: write /dev/full: No space left on device'
	fi
	run -1 --separate-stderr nlp-svd -d 8 --u no/such/u.mat "$F/dense.mat"
	assert_equal "$stderr" 'nlp-svd: open no/such/u.mat: No such file or directory'
	# a reader that stops early ends the program quietly (the text is larger than a pipe holds)
	run --separate-stderr bash -c "nlp-svd -d 8 -v '$F/words.tsv' --precision 9 '$F/dense.mat' | head -c 100 | head -n 1"
	assert_success
	assert_output '120 8'
	assert_equal "$stderr" ''
	# binary output is not written to a terminal; text is
	command -v script > /dev/null || skip "needs script(1) for a terminal"
	run script -qec "nlp-svd -d 8 '$F/dense.mat'" /dev/null
	assert_failure 1
	assert_output --partial 'nlp-svd: not writing binary vectors to a terminal'
	run script -qec "nlp-svd -d 8 -v '$F/words.tsv' -b '$F/dense.mat'" /dev/null
	assert_failure 1
	assert_output --partial 'nlp-svd: not writing binary vectors to a terminal'
	run script -qec "nlp-svd -d 8 -v '$F/words.tsv' '$F/dense.mat'" /dev/null
	assert_success
	assert_line --index 0 --regexp '^120 8.?$'
}

@test "svd: a negative --weight with a zero singular value writes no inf or nan" {
	py <<-'EOF'
	from matgen import write, dense_bytes
	write('rank1.mat', dense_bytes([[1.0, 0], [0, 0]]))
	EOF
	printf 'a\t2\nb\t1\n' > v.tsv
	# either finite vectors, or a clear refusal with no output (exit 1 for this matrix, or 2 if
	# negative weights go)
	run --separate-stderr bash -c 'nlp-svd -d 2 --weight -1 rank1.mat > out.mat'
	if [ "$status" -eq 0 ]; then
		run nlp-mat info out.mat
		assert_success
		run nlp-svd -d 2 --weight -1 -v v.tsv rank1.mat
		assert_success
		refute_output --regexp 'inf|nan'
	else
		[ "$status" -eq 1 ] || [ "$status" -eq 2 ] || fail "exit status $status"
		assert_regex "$stderr" '^nlp-svd: '
		assert_equal "$(wc -c < out.mat)" 0
	fi
}

@test "svd: a float64 value beyond the float32 range is reported as such, not as a LAPACK failure" {
	py <<-'EOF'
	from matgen import write, sparse_bytes, dense_bytes
	write('big.mat', sparse_bytes(2, 2, [(0, 0, 1e39), (1, 1, 2.0)]))
	write('big-dense.mat', dense_bytes([[1e39, 0], [0, 2.0]]))
	EOF
	for m in big.mat big-dense.mat; do
		run -1 --separate-stderr nlp-svd -d 1 "$m"
		assert_regex "$stderr" "^nlp-svd: $m: "
		refute_regex "$stderr" 'LAPACK'
	done
}

@test "svd PTB: the PPMI matrix of PTB, --dim 50: singular values against scipy.sparse.linalg.svds" {
	need_shared ptb/ptb.train.txt
	nlp-vocab --min-count 5 "$PTB" > v.tsv
	nlp-cooccur -v v.tsv -w 5 "$PTB" | nlp-ppmi -a 0.75 | tee p.mat \
		| nlp-svd --dim 50 --s s.mat > /dev/null
	# PPMI's spectrum decays slowly (s_20 / s_61 is 1.23), and 5 power iterations resolve the top
	# values only: the top 10 to 1e-3 (seen: 6e-5), the top 20 to 1e-2 (seen: 3e-3), all 50 to
	# 10% (seen: 5%), as scikit-learn's randomized_svd with the same settings does (seen: 8e-5,
	# 3e-3, 5%). More iterations resolve more (8: the top 20 to 1.4e-4, 10: to 2e-5), shown on a
	# small matrix above to keep this test fast. Every estimate is at most the true value
	# (the singular values of Q^T A interlace those of A).
	run py p.mat <<-'EOF'
	import sys, numpy as np, scipy.sparse.linalg as sl
	from matgen import read
	a = read(sys.argv[1]).tocsr()
	true = np.sort(sl.svds(a, k=50, return_singular_vectors=False, random_state=0))[::-1]
	s = read('s.mat').ravel()
	err = abs(s - true) / true
	print('top 10: %.1e, top 20: %.1e, all 50: %.1e' % (err[:10].max(), err[:20].max(), err.max()))
	assert err[:10].max() <= 1e-3, err[:10]
	assert err[:20].max() <= 1e-2, err[:20]
	assert err.max() <= 0.1, err
	assert np.all(s <= true * (1 + 1e-5)), 'an estimate above the true value'
	print('ok')
	EOF
	assert_success
	assert_line ok
}
