#!/usr/bin/env bats
# nlp-ppmi: the lecture notes' PMI("the","car") and PMI("car","drive"), every option against an
# independent SciPy computation (a random fixture, and the co-occurrence matrix of PTB's first
# 10,000 lines when ../shared is there: 630,000 cells) within 1e-9 (float64) or float32 rounding,
# stdin and files, the header's count, and bad matrices and options.

load helper

MAT="$DATA/mat"
PTB="$SHARED_DATA/ptb/ptb.train.txt"


setup() {
	cd "$BATS_TEST_TMPDIR"
}

# ppmi_ref COUNTS OUT ALPHA SHIFT BASE PMI(0|1) TOL: OUT against PMI computed in SciPy from COUNTS
# (as the reference pipeline computes it); prints "agree: N cells".
ppmi_ref() {
	py "$@" <<-'EOF'
	import sys, numpy as np, scipy.sparse as sp
	from matgen import read
	counts, out = read(sys.argv[1]).tocsr(), read(sys.argv[2]).tocsr()
	alpha, shift, base, keep_neg, tol = map(float, sys.argv[3:8])
	rs = np.asarray(counts.sum(axis=1)).ravel()
	cs = np.asarray(counts.sum(axis=0)).ravel() ** alpha
	q = counts.tocoo()
	keep = q.data != 0
	r, c, v = q.row[keep], q.col[keep], q.data[keep]
	pmi = np.log((v / rs.sum()) / ((rs[r] / rs.sum()) * (cs[c] / cs.sum()))) / np.log(base)
	pmi -= np.log(shift) / np.log(base)
	keep = np.ones(pmi.size, bool) if keep_neg else pmi > 0
	want = sp.csr_matrix((pmi[keep], (r[keep], c[keep])), shape=counts.shape)
	assert out.shape == want.shape, (out.shape, want.shape)
	assert out.nnz == want.nnz, ('stored cells', out.nnz, want.nnz)
	assert (abs(out - want) > 0).nnz == 0 or abs(out - want).max() <= tol * max(1, abs(want).max()), \
	    abs(out - want).max()
	assert np.array_equal(out.indices, want.indices) and np.array_equal(out.indptr, want.indptr)
	print('agree:', want.nnz, 'cells')
	EOF
}

@test "ppmi: the notes' PMI(the, car) = log2(10*10000/(1000*20)) ~ 2.32 and PMI(car, drive) ~ 7.97" {
	# words the, car, drive and x (all else): C(the) = 1000, C(car) = 20, C(drive) = 10, N = 10000
	nlp-mat from-mtx "$DATA/ppmi/notes.mtx" > notes.mat
	run nlp-ppmi --base 2 --text notes.mat
	assert_success
	assert_line --index 0 --regexp '^0	1	2\.32192809488736'
	run awk -F'\t' '$1 == 0 && $2 == 1 { the_car = $3 } $1 == 1 && $2 == 2 { car_drive = $3 }
		END { printf "%.2f %.2f\n", the_car, car_drive }' <<< "$output"
	assert_output "2.32 7.97"
	# PPMI drops what --pmi keeps: the negative associations with x
	run nlp-ppmi -B 2 -t notes.mat
	assert_equal "${#lines[@]}" 6
	run nlp-ppmi -B 2 -t --pmi notes.mat
	assert_equal "${#lines[@]}" 11
	assert_line --regexp '^1	3	-1\.84317989025717'
}

@test "ppmi: every option agrees with SciPy on a random count matrix (float64 within 1e-12)" {
	py <<-'EOF'
	import numpy as np, scipy.sparse as sp
	from matgen import write, sparse_of
	rng = np.random.default_rng(7)
	m = sp.random(60, 45, density=0.3, random_state=rng, format='csr',
	              data_rvs=lambda n: rng.integers(1, 40, n).astype(float) / rng.integers(1, 4, n))
	m = m.tolil()
	m[3, :] = 0          # an empty row and an empty column
	m[:, 5] = 0
	m = m.tocsr()
	m.eliminate_zeros()
	m = m.tocoo()
	m.data[:3] = 0       # stored zeros are no association
	write('counts.mat', sparse_of(m))
	EOF
	while read -r opts alpha shift base neg; do
		# shellcheck disable=SC2086
		nlp-ppmi ${opts//_/ } counts.mat > out.mat
		run ppmi_ref counts.mat out.mat "$alpha" "$shift" "$base" "$neg" 1e-12
		assert_success
		assert_output --regexp '^agree: [0-9]+ cells$'
	done <<-'EOF'
	--alpha=1 1 1 2.718281828459045 0
	-a0.75 0.75 1 2.718281828459045 0
	-a0.5_--shift=5 0.5 5 2.718281828459045 0
	-B2 1 1 2 0
	-B10_--shift=2_--pmi 1 2 10 1
	--pmi 1 1 2.718281828459045 1
	-a0.75_--shift=3 0.75 3 2.718281828459045 0
	--base=e 1 1 2.718281828459045 0
	EOF
}

@test "ppmi: float32 in gives float32 out; --f64 and --f32 choose; values within float rounding" {
	py <<-'EOF'
	import numpy as np, scipy.sparse as sp
	from matgen import write, sparse_of, F32
	rng = np.random.default_rng(3)
	m = sp.random(30, 30, density=0.4, random_state=rng, data_rvs=lambda n: rng.integers(1, 9, n))
	write('c32.mat', sparse_of(m.astype(np.float32), F32))
	write('c64.mat', sparse_of(m.astype(np.float64)))
	EOF
	nlp-ppmi -a 0.75 c32.mat > o1.mat
	nlp-ppmi -a 0.75 --f64 c32.mat > o2.mat
	nlp-ppmi -a 0.75 --f32 c64.mat > o3.mat
	run nlp-mat info o1.mat
	assert_line 'type	float32'
	run nlp-mat info o2.mat
	assert_line 'type	float64'
	run nlp-mat info o3.mat
	assert_line 'type	float32'
	run ppmi_ref c64.mat o1.mat 0.75 1 2.718281828459045 0 1e-6
	assert_success
	run ppmi_ref c64.mat o2.mat 0.75 1 2.718281828459045 0 1e-12
	assert_success
	run ppmi_ref c64.mat o3.mat 0.75 1 2.718281828459045 0 1e-6
	assert_success
}

@test "ppmi: a pipe gives the bytes a file gives; the header counts the triples when stdout seeks" {
	nlp-mat from-mtx "$DATA/ppmi/notes.mtx" > notes.mat
	nlp-ppmi notes.mat > file.mat
	cat notes.mat | nlp-ppmi > pipe.mat
	nlp-ppmi - < notes.mat > redirected.mat
	cmp file.mat redirected.mat
	run nlp-mat info file.mat
	assert_line 'header-nnz	6'
	assert_line 'nnz	6'
	# written to a pipe, the count stays unknown; the triples are the same
	nlp-ppmi notes.mat | cat > piped-out.mat
	run nlp-mat info piped-out.mat
	assert_line 'header-nnz	unknown'
	assert_line 'nnz	6'
	cmp <(tail -c +65 file.mat) <(tail -c +65 piped-out.mat)
	cmp <(tail -c +65 file.mat) <(tail -c +65 pipe.mat)
	# --text is the binary output printed
	diff <(nlp-ppmi -t notes.mat) <(nlp-mat print file.mat)
}

@test "ppmi: an empty matrix and one of zeros give valid empty outputs" {
	py <<-'EOF'
	from matgen import write, sparse_bytes
	write('empty.mat', sparse_bytes(0, 0, []))
	write('zeros.mat', sparse_bytes(2, 3, [(0, 1, 0.0), (1, 2, 0.0)]))
	EOF
	run nlp-ppmi -t empty.mat
	assert_success
	assert_output ''
	nlp-ppmi zeros.mat > z.mat
	run nlp-mat info z.mat
	assert_line 'rows	2'
	assert_line 'cols	3'
	assert_line 'nnz	0'
}

@test "ppmi PTB: the co-occurrence matrix of PTB's first 10,000 lines (window 10, alpha 0.75) agrees with SciPy" {
	need_shared ptb/ptb.train.txt
	head -n 10000 "$PTB" > ptb.txt
	nlp-vocab --min-count 5 ptb.txt > v.tsv
	nlp-cooccur -v v.tsv -w 10 ptb.txt > c.mat
	nlp-ppmi -a 0.75 c.mat > p.mat
	run ppmi_ref c.mat p.mat 0.75 1 2.718281828459045 0 1e-9
	assert_success
	assert_output --regexp '^agree: [0-9]{6,} cells$'
	nlp-ppmi -a 0.75 --shift 5 --f32 c.mat > s.mat
	run ppmi_ref c.mat s.mat 0.75 5 2.718281828459045 0 1e-5
	assert_success
}

@test "ppmi: bad matrices exit 1 with the reason" {
	py <<-'EOF'
	from matgen import write, sparse_bytes, dense_bytes
	write('dense.mat', dense_bytes([[1, 2], [3, 4]]))
	write('neg.mat', sparse_bytes(2, 2, [(0, 1, 2.0), (1, 0, -1.0)]))
	write('order.mat', sparse_bytes(2, 2, [(1, 0, 2.0), (0, 1, 1.0)]))
	write('range.mat', sparse_bytes(2, 2, [(0, 2, 2.0)]))
	good = sparse_bytes(2, 2, [(0, 1, 2.0), (1, 0, 1.0)])
	write('cut.mat', good[:-5])
	write('magic.mat', b'NOTAMATX' + good[8:])
	EOF
	printf 'hello\n' > text.txt
	run -1 nlp-ppmi dense.mat
	assert_output 'nlp-ppmi: dense.mat: a dense matrix; nlp-ppmi reads sparse counts (nlp-cooccur writes them)'
	run -1 --separate-stderr nlp-ppmi neg.mat
	assert_equal "$stderr" 'nlp-ppmi: neg.mat: count -1 at (1, 0) is negative: not a co-occurrence matrix'
	run -1 --separate-stderr nlp-ppmi order.mat
	assert_equal "$stderr" "nlp-ppmi: order.mat: $(nlp-mat info order.mat 2>&1 | sed 's/^nlp-mat: order.mat: //')"
	assert_regex "$stderr" 'sorted|order'
	run -1 --separate-stderr nlp-ppmi range.mat
	assert_regex "$stderr" '^nlp-ppmi: range.mat: .*(range|beyond)'
	run -1 --separate-stderr nlp-ppmi cut.mat
	assert_equal "$stderr" 'nlp-ppmi: cut.mat: truncated matrix'
	run -1 --separate-stderr nlp-ppmi < magic.mat
	assert_regex "$stderr" '^nlp-ppmi: <stdin>: .*(magic|not an nlp matrix)'
	run -1 --separate-stderr nlp-ppmi text.txt
	assert_regex "$stderr" '^nlp-ppmi: text.txt: '
	run -1 --separate-stderr nlp-ppmi /nonexistent.mat
	assert_regex "$stderr" '^nlp-ppmi: open /nonexistent.mat: No such file'
	run -1 --separate-stderr nlp-ppmi < /dev/null
	assert_equal "$stderr" 'nlp-ppmi: <stdin>: truncated matrix'
}

@test "ppmi: bad option values exit 2 with the reason" {
	nlp-mat from-mtx "$DATA/ppmi/notes.mtx" > notes.mat
	run -2 nlp-ppmi --alpha -1 notes.mat
	assert_output --partial 'nlp-ppmi: --alpha'
	run -2 nlp-ppmi --alpha x notes.mat
	assert_output --partial '--alpha'
	run -2 nlp-ppmi --shift 0.5 notes.mat
	assert_output --partial '--shift'
	run -2 nlp-ppmi --base 1 notes.mat
	assert_output 'nlp-ppmi: --base: 1 is not a logarithm base'
	run -2 nlp-ppmi --base 0.5 notes.mat
	assert_output --partial '--base'
	run -2 nlp-ppmi notes.mat notes.mat
	assert_line --index 0 'nlp-ppmi: one matrix at a time'
	run -2 nlp-ppmi --bogus
	assert_line --partial 'usage: nlp-ppmi'
}
