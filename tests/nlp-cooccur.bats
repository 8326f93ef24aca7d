#!/usr/bin/env bats
# nlp-cooccur: the lecture notes' co-occurrence matrix, every option against an independent
# NumPy/SciPy count (fixtures, and the first 10,000 lines of PTB when ../shared is there: 8,712
# words, 670,000 cells, a real corpus as large as the tests need), the memory budget (runs
# spilled to $TMPDIR and their multi-pass merge give the same bytes), exact merging of shards
# (split, GNU parallel), the binary header, float32 output, and bad vocabularies, matrices and
# options.

load helper

CO="$DATA/cooc"
PTB="$SHARED_DATA/ptb/ptb.train.txt"

# cooc_ref VOCAB MANIFEST CORPUS...: an independent count in NumPy/SciPy of each output listed in
# MANIFEST ("file<TAB>text|bin|mtx<TAB>the nlp-cooccur options it was made with"), compared cell
# by cell within 1e-9 relative (float32 output: within an ulp); the binary format is read as
# nlp-matrix(5) says, header and order checked. Prints "N of N agree with the reference".
cooc_ref() {
	$PY - "$@" <<'EOF'
import re, shlex, sys
import numpy as np, scipy.sparse as sp
from matgen import read_triples, F32, F64

vocab_path, manifest = sys.argv[1], sys.argv[2]
corpus = sys.argv[3:]
words = [l.split(b'\t')[0] for l in open(vocab_path, 'rb').read().split(b'\n') if l]
wid = {w: i for i, w in enumerate(words)}
V = len(words)
split = re.compile(rb'[ \t\r\v\f]+').split


def tokens(invalid):
    """Per line, the token ids (-1 out of the vocabulary), after the UTF-8 policy."""
    out = []
    for f in corpus:
        data = sys.stdin.buffer.read() if f == '-' else open(f, 'rb').read()
        for line in data.split(b'\n')[:-1] if data.endswith(b'\n') else data.split(b'\n'):
            if invalid != 'keep':
                line = line.decode('utf-8', 'replace' if invalid == 'replace' else 'ignore').encode()
            out.append([wid.get(t, -1) for t in split(line) if t])
    return out


cache = {}


def sequence(invalid, after, cross):
    """The ids of the corpus in one array (-1: not in the vocabulary) and each one's line."""
    if invalid not in cache:
        lines = tokens(invalid)
        ids = np.fromiter((i for l in lines for i in l), dtype=np.int64)
        line = np.repeat(np.arange(len(lines)), [len(l) for l in lines])
        cache[invalid] = ids, line
    ids, line = cache[invalid]
    if not after:
        ids, line = ids[ids >= 0], line[ids >= 0]
    return ids, (np.zeros_like(line) if cross else line)


rights = {}


def reference(o):
    key = (o['invalid'], o['after'], o['cross'], o['w'], o['flat'])
    if key not in rights:
        ids, line = sequence(o['invalid'], o['after'], o['cross'])
        A, B, W = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], [np.zeros(0)]
        for d in range(1, min(o['w'], max(len(ids) - 1, 0)) + 1):
            a, b = ids[:-d], ids[d:]  # a is d tokens to the left of b
            ok = (line[:-d] == line[d:]) & (a >= 0) & (b >= 0)
            A.append(a[ok]); B.append(b[ok])
            W.append(np.full(int(ok.sum()), 1.0 if o['flat'] else 1.0 / d))
        # right[a, b]: centre a, its context b after it
        right = sp.coo_matrix((np.concatenate(W), (np.concatenate(A), np.concatenate(B))), shape=(V, V)).tocsr()
        right.sum_duplicates()
        rights[key] = right
    right = rights[key]
    if o['dir'] == 'right':
        return right
    if o['dir'] == 'left':  # the contexts before a word: the transpose
        return right.T.tocsr()
    return (right + right.T).tocsr()


def parse(opts):
    o = dict(w=5, flat=False, dir='both', cross=False, after=False, f32=False, invalid='replace')
    a = shlex.split(opts)
    i = 0
    while i < len(a):
        x = a[i]
        if x in ('-w', '--window'): o['w'] = int(a[i + 1]); i += 1
        elif x == '--weight': o['flat'] = a[i + 1] == 'flat'; i += 1
        elif x == '--left': o['dir'] = 'left'
        elif x == '--right': o['dir'] = 'right'
        elif x == '--cross-lines': o['cross'] = True
        elif x == '--drop-oov': o['after'] = a[i + 1] == 'after'; i += 1
        elif x == '--f32': o['f32'] = True
        elif x == '--invalid': o['invalid'] = a[i + 1]; i += 1
        elif x in ('-M', '--memory'): i += 1
        elif x in ('-t', '--text'): pass
        else: sys.exit('reference: unknown option ' + x)
        i += 1
    return o


def read_ours(path, fmt, f32):
    if fmt == 'text':
        with open(path, 'rb') as f:
            empty = f.read(1) == b''
        t = np.zeros((0, 3)) if empty else np.loadtxt(path, delimiter='\t', ndmin=2)
        assert t.shape[1] == 3, 'not three columns'
        r, c, v = t[:, 0].astype(np.int64), t[:, 1].astype(np.int64), t[:, 2]
        assert (r == t[:, 0]).all() and (c == t[:, 1]).all()
    elif fmt == 'mtx':
        import scipy.io
        m = scipy.io.mmread(path).tocoo()
        r, c, v = m.row.astype(np.int64), m.col.astype(np.int64), m.data
        assert m.shape == (V, V), m.shape
    else:  # our binary format, read as nlp-matrix(5) says
        rows, cols, t = read_triples(path, F32 if f32 else F64)
        assert (rows, cols) == (V, V), (rows, cols)
        r, c, v = t['r'].astype(np.int64), t['c'].astype(np.int64), t['v'].astype(np.float64)
    key = r * max(V, 1) + c
    assert np.all(np.diff(key) > 0), 'cells not strictly in row-major order'
    assert np.all(v != 0), 'a zero value written'
    return sp.coo_matrix((v, (r, c)), shape=(V, V)).tocsr()


failed = 0
checks = [l.split('\t') for l in open(manifest).read().split('\n') if l]
for path, fmt, opts in checks:
    o = parse(opts)
    want = reference(o)
    try:
        got = read_ours(path, fmt, o['f32'])
    except AssertionError as e:
        print(f'FAIL [{opts}] {fmt}: {e}'); failed += 1; continue
    tol = 3e-7 if o['f32'] else 1e-9  # float32: the reference sum rounded, within an ulp
    pat = (got != 0).astype(np.int8) - (want != 0).astype(np.int8)
    pat.eliminate_zeros()
    diff = (abs(got - want) - tol * abs(want)).tocoo()
    bad = int((diff.data > 0).sum())
    if pat.nnz or bad:
        print(f'FAIL [{opts}] {fmt}: {pat.nnz} cells in one matrix only, {bad} values differ; '
              f'nnz {got.nnz}, reference {want.nnz}')
        failed += 1
    else:
        print(f'ok [{opts}] {fmt}: nnz {want.nnz}, sum {want.sum():.9g}')
print(f'{len(checks) - failed} of {len(checks)} agree with the reference')
sys.exit(1 if failed else 0)
EOF
}

# check_ref VOCAB CORPUS FORMAT|OPTIONS...: counts CORPUS with each OPTIONS string and reads the
# result back as FORMAT (text: --text; bin: our binary format, read by NumPy as nlp-matrix(5)
# says; mtx: through nlp-mat to-mtx and scipy.io.mmread), then compares them all with cooc_ref
# (in one run of it, so the corpus is tokenized once).
check_ref() {
	local vocab="$1" corpus="$2" spec fmt opts n=0 out
	shift 2
	: > "$BATS_TEST_TMPDIR/manifest"
	for spec in "$@"; do
		fmt=${spec%%|*} opts=${spec#*|} n=$((n + 1)) out="$BATS_TEST_TMPDIR/r$n.${spec%%|*}"
		# shellcheck disable=SC2086
		case $fmt in
		bin) nlp-cooccur -v "$vocab" $opts "$corpus" > "$out" ;;
		mtx) nlp-cooccur -v "$vocab" $opts "$corpus" | nlp-mat to-mtx > "$out" ;;
		text) nlp-cooccur -v "$vocab" $opts -t "$corpus" > "$out" ;;
		*) fail "format $fmt" ;;
		esac || fail "[$opts]: exit $?"
		printf '%s\t%s\t%s\n' "$out" "$fmt" "$opts" >> "$BATS_TEST_TMPDIR/manifest"
	done
	run cooc_ref "$vocab" "$BATS_TEST_TMPDIR/manifest" "$corpus"
	echo "$output"
	assert_success
	assert_line "$n of $n agree with the reference"
}

# record_len FILE: the length of the record after the header (the u32 at offset 20), 0 for none.
record_len() {
	od -An -tu4 -j20 -N4 "$1" | tr -d ' '
}

# strip_record FILE: the matrix again without its record, as a version 1 file (what nlp-cooccur
# wrote before records were), through Matrix Market.
strip_record() {
	nlp-mat to-mtx "$1" | grep -v '^% nlp-record: ' | nlp-mat from-mtx
}

# fingerprint VOCAB: the vocab= of a record, computed here: FNV-1a 64 of the tokens, each with a
# newline.
fingerprint() {
	cut -f 1 "$1" | $PY -c '
import sys
h = 0xcbf29ce484222325
for b in sys.stdin.buffer.read():
    h = ((h ^ b) * 0x100000001b3) % 2**64
print("%016x" % h)'
}

# info_field FILE KEY: a field of nlp-mat info.
info_field() {
	nlp-mat info "$1" | awk -F'\t' -v k="$2" '$1 == k { print $2 }'
}

setup_file() {
	# 12,000 lines of 20 tokens from 3,000 words (skewed towards small numbers), by an exact
	# LCG: with --memory 8M (its least budget is 7.3M) the updates outside the dense block fill
	# over a hundred runs, more than a counting thread keeps open (16), so runs merge as they
	# accumulate. Its vocabulary by awk.
	awk 'BEGIN { s = 12345; for (l = 0; l < 12000; l++) { line = ""
		for (i = 0; i < 20; i++) { s = (s * 69069 + 1) % 4294967296; r = s / 4294967296
			line = line (i ? " " : "") "w" int(3000 * r * r * r) } print line } }' > "$BATS_FILE_TMPDIR/gen.txt"
	awk '{ for (i = 1; i <= NF; i++) c[$i]++ } END { for (w in c) print w "\t" c[w] }' \
		"$BATS_FILE_TMPDIR/gen.txt" | LC_ALL=C sort > "$BATS_FILE_TMPDIR/gen.vocab"
	# its matrix with the default options and budget, which several tests compare with (a
	# count in the default budget takes a while under the sanitizer)
	nlp-cooccur -v "$BATS_FILE_TMPDIR/gen.vocab" "$BATS_FILE_TMPDIR/gen.txt" > "$BATS_FILE_TMPDIR/gen.mat"
	if [ -f "$PTB" ]; then
		head -n 10000 "$PTB" > "$BATS_FILE_TMPDIR/ptb.txt"
		nlp-vocab "$BATS_FILE_TMPDIR/ptb.txt" > "$BATS_FILE_TMPDIR/ptb.vocab"
		nlp-vocab --min-count 50 "$BATS_FILE_TMPDIR/ptb.txt" > "$BATS_FILE_TMPDIR/ptb50.vocab"
		nlp-cooccur -v "$BATS_FILE_TMPDIR/ptb.vocab" "$BATS_FILE_TMPDIR/ptb.txt" > "$BATS_FILE_TMPDIR/ptb.mat"
	fi
}


# ---- the lecture notes ----

@test "cooccur: 'you say goodbye and i say hello .' with window 1 is the notes' matrix" {
	nlp-cooccur -v "$CO/seed.vocab" --weight flat -w 1 "$CO/seed.txt" > "$BATS_TEST_TMPDIR/m"
	run nlp-mat print --dense "$BATS_TEST_TMPDIR/m"
	assert_success
	# rows and columns: you, say, goodbye, and, i, hello, .
	assert_output "$(printf '%s\n' \
		'0 1 0 0 0 0 0' \
		'1 0 1 0 1 1 0' \
		'0 1 0 1 0 0 0' \
		'0 0 1 0 1 0 0' \
		'0 1 0 1 0 0 0' \
		'0 1 0 0 0 0 1' \
		'0 0 0 0 0 1 0')"
	run nlp-cooccur --vocab "$CO/seed.vocab" --weight=flat --window=1 --text "$CO/seed.txt"
	assert_success
	assert_output "$(printf '%s\n' 0$'\t'1$'\t'1 1$'\t'0$'\t'1 1$'\t'2$'\t'1 1$'\t'4$'\t'1 1$'\t'5$'\t'1 \
		2$'\t'1$'\t'1 2$'\t'3$'\t'1 3$'\t'2$'\t'1 3$'\t'4$'\t'1 4$'\t'1$'\t'1 4$'\t'3$'\t'1 \
		5$'\t'1$'\t'1 5$'\t'6$'\t'1 6$'\t'5$'\t'1)"
}

@test "cooccur: with nlp-vocab's vocabulary the notes' example gives the same matrix, permuted" {
	nlp-vocab "$CO/seed.txt" > "$BATS_TEST_TMPDIR/v"
	run cut -f1 "$BATS_TEST_TMPDIR/v"
	assert_output "$(printf '%s\n' say . and goodbye hello i you)"
	# the notes' matrix as word pairs
	printf '%s\n' 'you say' 'say you' 'say goodbye' 'say i' 'say hello' 'goodbye say' 'goodbye and' \
		'and goodbye' 'and i' 'i say' 'i and' 'hello say' 'hello .' '. hello' | sort > "$BATS_TEST_TMPDIR/want"
	nlp-cooccur -v "$BATS_TEST_TMPDIR/v" --weight flat -w 1 -t "$CO/seed.txt" |
		awk -F'\t' 'NR == FNR { w[NR - 1] = $1; next } $3 != 1 { print "value " $3; next }
			{ print w[$1] " " w[$2] }' "$BATS_TEST_TMPDIR/v" - | sort > "$BATS_TEST_TMPDIR/got"
	assert_same "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want"
	# and as a dense matrix: P M P^T with P the permutation between the two vocabularies
	nlp-cooccur -v "$BATS_TEST_TMPDIR/v" --weight flat -w 1 "$CO/seed.txt" | nlp-mat print --dense > "$BATS_TEST_TMPDIR/d"
	run awk 'NR == FNR { id[$1] = NR - 1; next } { for (i = 1; i <= NF; i++) m[FNR - 1, i - 1] = $i }
		END { split("you say goodbye and i hello .", o, " ")
			for (r = 1; r <= 7; r++) { s = ""; for (c = 1; c <= 7; c++) s = s (c > 1 ? " " : "") m[id[o[r]], id[o[c]]]; print s } }' \
		"$BATS_TEST_TMPDIR/v" "$BATS_TEST_TMPDIR/d"
	assert_output "$(nlp-cooccur -v "$CO/seed.vocab" --weight flat -w 1 "$CO/seed.txt" | nlp-mat print --dense)"
	assert_line --index 1 '1 0 1 0 1 1 0'
}

@test "cooccur: default window 5, harmonic: a context d tokens away counts 1/d" {
	run nlp-cooccur -v "$CO/seed.vocab" -t "$CO/seed.txt"
	assert_success
	# you: say at 1 and 5 (1 + 1/5), goodbye at 2, and at 3, i at 4; hello at 6 is outside
	assert_line --index 0 "$(printf '0\t1\t1.2')"
	assert_line --index 1 "$(printf '0\t2\t0.5')"
	assert_line --index 2 "$(printf '0\t3\t0.3333333333333333')"
	assert_line --index 3 "$(printf '0\t4\t0.25')"
	assert_line --index 4 "$(printf '1\t0\t1.2')"
	refute_line --regexp $'^0\t5\t'
	run nlp-cooccur -v "$CO/seed.vocab" -t --weight flat "$CO/seed.txt"
	assert_line --index 0 "$(printf '0\t1\t2')"
	assert_line --index 3 "$(printf '0\t4\t1')"
	run nlp-cooccur -v "$CO/seed.vocab" -t --weight harmonic --window 2 "$CO/seed.txt"
	assert_output --partial "$(printf '0\t1\t1\n0\t2\t0.5\n1\t0\t1\n')"
	refute_line --regexp $'^0\t3\t'
}

@test "cooccur: --left, --right, --cross-lines and --drop-oov on small exact cases" {
	printf 'a\t1\nb\t1\nc\t1\n' > "$BATS_TEST_TMPDIR/v"
	run nlp-cooccur -v "$BATS_TEST_TMPDIR/v" -t --left <<<'a b c'
	assert_output "$(printf '1\t0\t1\n2\t0\t0.5\n2\t1\t1')"
	run nlp-cooccur -v "$BATS_TEST_TMPDIR/v" -t --right <<<'a b c'
	assert_output "$(printf '0\t1\t1\n0\t2\t0.5\n1\t2\t1')"
	# lines end windows unless --cross-lines
	run nlp-cooccur -v "$BATS_TEST_TMPDIR/v" -t -w 1 < <(printf 'a\nb\n\nc\n')
	assert_success
	assert_output ''
	run nlp-cooccur -v "$BATS_TEST_TMPDIR/v" -t -w 1 --cross-lines < <(printf 'a\nb\n\nc\n')
	assert_output "$(printf '0\t1\t1\n1\t0\t1\n1\t2\t1\n2\t1\t1')"
	# out-of-vocabulary x: dropped before windowing (a, b neighbours) or after (they are not)
	run nlp-cooccur -v "$BATS_TEST_TMPDIR/v" -t -w 1 <<<'a x b'
	assert_output "$(printf '0\t1\t1\n1\t0\t1')"
	run nlp-cooccur -v "$BATS_TEST_TMPDIR/v" -t -w 1 --drop-oov before <<<'a x b'
	assert_output "$(printf '0\t1\t1\n1\t0\t1')"
	run nlp-cooccur -v "$BATS_TEST_TMPDIR/v" -t -w 1 --drop-oov after <<<'a x b'
	assert_success
	assert_output ''
	run nlp-cooccur -v "$BATS_TEST_TMPDIR/v" -t --drop-oov after <<<'a x b'
	assert_output "$(printf '0\t1\t0.5\n1\t0\t0.5')"
	# a line of out-of-vocabulary words still takes up positions across lines with after
	run nlp-cooccur -v "$BATS_TEST_TMPDIR/v" -t -w 2 --cross-lines --drop-oov after < <(printf 'a\nx\nb x\nx c\n')
	assert_output "$(printf '0\t1\t0.5\n1\t0\t0.5')"
	# repeated word: its own context
	run nlp-cooccur -v "$BATS_TEST_TMPDIR/v" -t -w 1 --weight flat <<<'a a a'
	assert_output "$(printf '0\t0\t4')"
}

# ---- against the NumPy/SciPy reference ----

@test "cooccur: every counting option on the fixture agrees with NumPy/SciPy (text, binary, mtx)" {
	need_python_module scipy
	check_ref "$CO/small.vocab" "$CO/small.txt" 'mtx|' 'text|' 'bin|' 'text|-w 1 --weight flat' 'bin|--window 2' \
		'text|--weight flat' 'bin|--left' 'text|--right --weight flat -w 3' 'bin|--cross-lines' \
		'text|--drop-oov after' 'bin|--drop-oov after --cross-lines -w 3' \
		'text|--left --drop-oov after --weight flat' 'bin|--drop-oov before --right -w 4' 'text|-w 22' \
		'bin|-w 23 --left' 'text|-w 10000 --cross-lines' 'bin|--weight flat -w 10000 --cross-lines --drop-oov after' \
		'text|-M 8M -w 7' 'bin|--f32' 'text|--f32 --left -w 7'
}

@test "cooccur: the fixture with a vocabulary of every word, and with one word, agrees with NumPy/SciPy" {
	need_python_module scipy
	nlp-vocab "$CO/small.txt" > "$BATS_TEST_TMPDIR/all.vocab"
	check_ref "$BATS_TEST_TMPDIR/all.vocab" "$CO/small.txt" 'bin|' 'text|--weight flat --cross-lines' 'bin|--right -w 2 --drop-oov after'
	printf 'the\t14\n' > "$BATS_TEST_TMPDIR/one.vocab"
	check_ref "$BATS_TEST_TMPDIR/one.vocab" "$CO/small.txt" 'text|' 'bin|--drop-oov after' 'text|--cross-lines --weight flat'
}

@test "cooccur: the generated corpus (3,000 words), counted in runs, agrees with NumPy/SciPy" {
	need_python_module scipy
	# with --memory 8M most cells are outside the dense block: sorted runs and their merge; its
	# 240,000 tokens make several batches for the counting threads, which --cross-lines windows
	# cross
	check_ref "$BATS_FILE_TMPDIR/gen.vocab" "$BATS_FILE_TMPDIR/gen.txt" 'bin|-M 8M' 'text|-M 8M --weight flat --left -w 3 --drop-oov after' \
		'bin|--cross-lines -w 7' 'text|-M 8M --cross-lines --drop-oov after -w 2'
}

@test "cooccur: --left is the transpose of --right; both sides are their sum and symmetric" {
	for w in 'harmonic' 'flat'; do
		nlp-cooccur -v "$CO/small.vocab" --weight $w --left "$CO/small.txt" > "$BATS_TEST_TMPDIR/l"
		nlp-cooccur -v "$CO/small.vocab" --weight $w --right "$CO/small.txt" > "$BATS_TEST_TMPDIR/r"
		nlp-cooccur -v "$CO/small.vocab" --weight $w "$CO/small.txt" > "$BATS_TEST_TMPDIR/b"
		nlp-mat transpose "$BATS_TEST_TMPDIR/l" > "$BATS_TEST_TMPDIR/lt"
		nlp-mat transpose "$BATS_TEST_TMPDIR/b" > "$BATS_TEST_TMPDIR/bt"
		assert_same "$BATS_TEST_TMPDIR/lt" "$BATS_TEST_TMPDIR/r"
		assert_same "$BATS_TEST_TMPDIR/bt" "$BATS_TEST_TMPDIR/b"
		cmp -s "$BATS_TEST_TMPDIR/l" "$BATS_TEST_TMPDIR/r" && fail "--left equals --right"
		# the records say left and right: --merge refuses to add them; without records it adds
		# them up exactly, to both sides
		run --separate-stderr nlp-cooccur -m "$BATS_TEST_TMPDIR/l" "$BATS_TEST_TMPDIR/r"
		assert_failure 1
		assert_equal "$stderr" "nlp-cooccur: $BATS_TEST_TMPDIR/r: counted with context=right, but $BATS_TEST_TMPDIR/l with context=left: merge shards counted alike"
		strip_record "$BATS_TEST_TMPDIR/l" > "$BATS_TEST_TMPDIR/l1"
		strip_record "$BATS_TEST_TMPDIR/r" > "$BATS_TEST_TMPDIR/r1"
		strip_record "$BATS_TEST_TMPDIR/b" > "$BATS_TEST_TMPDIR/b1"
		nlp-cooccur -m --weight $w "$BATS_TEST_TMPDIR/l1" "$BATS_TEST_TMPDIR/r1" > "$BATS_TEST_TMPDIR/s"
		assert_same "$BATS_TEST_TMPDIR/s" "$BATS_TEST_TMPDIR/b1"
	done
}

@test "cooccur: several files and '-' count as their concatenation; --cross-lines runs across files" {
	head -n 4 "$CO/small.txt" > "$BATS_TEST_TMPDIR/a"
	tail -n +5 "$CO/small.txt" > "$BATS_TEST_TMPDIR/b"
	for opts in '' '--cross-lines -w 7' '--drop-oov after --cross-lines'; do
		# shellcheck disable=SC2086
		nlp-cooccur -v "$CO/small.vocab" $opts -t "$CO/small.txt" > "$BATS_TEST_TMPDIR/want"
		# shellcheck disable=SC2086
		nlp-cooccur -v "$CO/small.vocab" $opts -t "$BATS_TEST_TMPDIR/a" - < "$BATS_TEST_TMPDIR/b" > "$BATS_TEST_TMPDIR/got"
		assert_same "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want"
		# shellcheck disable=SC2086
		nlp-cooccur -v "$CO/small.vocab" $opts -t < "$CO/small.txt" > "$BATS_TEST_TMPDIR/got"
		assert_same "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want"
	done
	# the last line of a and the first of b are neighbours only with --cross-lines
	run nlp-cooccur -v "$CO/small.vocab" -t -w 1 --weight flat --cross-lines "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	assert_success
	[ -n "$output" ] || fail "--cross-lines wrote nothing"
	run diff <(nlp-cooccur -v "$CO/small.vocab" -t -w 1 --weight flat "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b") - <<<"$output"
	assert_failure 1
	# with every token in the vocabulary, -w 1 --weight flat counts each pair of neighbours both
	# ways: 2 (tokens - non-blank lines) within lines, 2 (tokens - 1) when windows cross them
	nlp-vocab "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b" > "$BATS_TEST_TMPDIR/v"
	read -r tokens lines < <(cat "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b" | awk 'NF { l++; t += NF } END { print t, l }')
	[ "$tokens" -gt "$lines" ] && [ "$lines" -gt 1 ] || fail "a and b: $tokens tokens, $lines lines"
	for opts in "'' $lines" "--cross-lines 1"; do
		read -r opt ends <<<"$opts"
		[ "$opt" = "''" ] && opt=
		# shellcheck disable=SC2086
		run nlp-cooccur -v "$BATS_TEST_TMPDIR/v" -t -w 1 --weight flat $opt "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
		assert_success
		assert_equal "$opt: $(awk '{ s += $3 } END { print s + 0 }' <<<"$output")" "$opt: $((2 * (tokens - ends)))"
	done
}

@test "cooccur --invalid: replace (default) and skip agree with NumPy/SciPy; fail stops with the line" {
	need_python_module scipy
	printf 'x\t1\ny\t1\nb\xef\xbf\xbdc\t1\nbc\t1\n' > "$BATS_TEST_TMPDIR/v"
	printf 'x b\xffc y\nbc x y \xff\nx\n' > "$BATS_TEST_TMPDIR/in"
	check_ref "$BATS_TEST_TMPDIR/v" "$BATS_TEST_TMPDIR/in" 'text|' 'bin|--invalid replace -w 1' 'text|--invalid skip -w 1' 'bin|--invalid skip --weight flat --cross-lines'
	run nlp-cooccur -v "$BATS_TEST_TMPDIR/v" -t -w 1 --weight flat "$BATS_TEST_TMPDIR/in"
	assert_line "$(printf '0\t2\t1')"
	run nlp-cooccur -v "$BATS_TEST_TMPDIR/v" -t -w 1 --weight flat --invalid skip "$BATS_TEST_TMPDIR/in"
	assert_line "$(printf '0\t3\t2')"
	run --separate-stderr nlp-cooccur -v "$BATS_TEST_TMPDIR/v" -t --invalid fail "$BATS_TEST_TMPDIR/in"
	assert_failure 1
	assert_equal "$stderr" "nlp-cooccur: $BATS_TEST_TMPDIR/in: line 1, byte 4: invalid UTF-8"
}

# ---- the binary matrix ----

@test "cooccur: a binary matrix to a file has rows = cols = vocabulary size and its nnz in the header" {
	nlp-cooccur -v "$CO/small.vocab" "$CO/small.txt" > "$BATS_TEST_TMPDIR/m"
	nnz=$(nlp-cooccur -v "$CO/small.vocab" -t "$CO/small.txt" | wc -l)
	[ "$nnz" -gt 100 ] || fail "only $nnz cells"
	run nlp-mat info "$BATS_TEST_TMPDIR/m"
	assert_success
	assert_line "$(printf 'kind\tsparse')"
	assert_line "$(printf 'type\tfloat64')"
	assert_line "$(printf 'rows\t18')"
	assert_line "$(printf 'cols\t18')"
	assert_line "$(printf 'header-nnz\t%s' "$nnz")"
	assert_line "$(printf 'nonzeros\t%s' "$nnz")"
	# the header bytes themselves: rows, cols and nnz as little-endian u64 at 24, 32 and 40
	run bash -c "od -An -tu8 -j24 -N24 '$BATS_TEST_TMPDIR/m' | xargs"
	assert_output "18 18 $nnz"
	# then the record of how it was counted, version 2 of the format
	run bash -c "od -An -tu4 -j8 -N4 '$BATS_TEST_TMPDIR/m' | xargs"
	assert_output 2
	fp=$(fingerprint "$CO/small.vocab")
	rec="cooccur window=5 weight=harmonic context=both cross-lines=no drop-oov=before vocab=$fp"
	assert_equal "$(record_len "$BATS_TEST_TMPDIR/m")" $((${#rec} + 1))
	assert_equal "$(tail -c +65 "$BATS_TEST_TMPDIR/m" | head -c $((${#rec} + 1)))" "$rec"
	assert_equal "$(stat -c %s "$BATS_TEST_TMPDIR/m")" "$((64 + ${#rec} + 1 + 16 * nnz))"
	# after other bytes in the same file, the header is still found where the matrix starts
	{ printf 'abc'; nlp-cooccur -v "$CO/small.vocab" "$CO/small.txt"; } > "$BATS_TEST_TMPDIR/m3"
	tail -c +4 "$BATS_TEST_TMPDIR/m3" > "$BATS_TEST_TMPDIR/m3b"
	assert_same "$BATS_TEST_TMPDIR/m3b" "$BATS_TEST_TMPDIR/m"
}

@test "cooccur: through a pipe the header's nnz is unknown, and every triple is there" {
	nlp-cooccur -v "$CO/small.vocab" "$CO/small.txt" > "$BATS_TEST_TMPDIR/m"
	nnz=$(info_field "$BATS_TEST_TMPDIR/m" nnz)
	run bash -c "nlp-cooccur -v '$CO/small.vocab' '$CO/small.txt' | nlp-mat info"
	assert_success
	assert_line "$(printf 'header-nnz\tunknown')"
	assert_line "$(printf 'nonzeros\t%s' "$nnz")"
	assert_line "$(printf 'rows\t18')"
	nlp-cooccur -v "$CO/small.vocab" "$CO/small.txt" | cat > "$BATS_TEST_TMPDIR/p"
	run od -An -tx1 -j40 -N8 "$BATS_TEST_TMPDIR/p"
	assert_output ' ff ff ff ff ff ff ff ff'
	# apart from the header's nnz, the same bytes
	cmp -i 48 "$BATS_TEST_TMPDIR/p" "$BATS_TEST_TMPDIR/m"
	cmp -n 40 "$BATS_TEST_TMPDIR/p" "$BATS_TEST_TMPDIR/m"
	run bash -c "nlp-cooccur -v '$CO/small.vocab' '$CO/small.txt' | nlp-mat print"
	assert_output "$(nlp-mat print "$BATS_TEST_TMPDIR/m")"
}

@test "cooccur: stdout opened for appending (>>) gets a valid matrix, its nnz left unknown" {
	# pwrite to an O_APPEND descriptor appends on Linux: the header cannot be patched there
	nlp-cooccur -v "$CO/small.vocab" "$CO/small.txt" > "$BATS_TEST_TMPDIR/m"
	: > "$BATS_TEST_TMPDIR/a"
	nlp-cooccur -v "$CO/small.vocab" "$CO/small.txt" >> "$BATS_TEST_TMPDIR/a"
	assert_equal "$(stat -c %s "$BATS_TEST_TMPDIR/a")" "$(stat -c %s "$BATS_TEST_TMPDIR/m")"
	run nlp-mat info "$BATS_TEST_TMPDIR/a"
	assert_success
	assert_line "$(printf 'header-nnz\tunknown')"
	run nlp-mat print "$BATS_TEST_TMPDIR/a"
	assert_success
	assert_output "$(nlp-mat print "$BATS_TEST_TMPDIR/m")"
}

@test "cooccur --f32: values are the float64 ones rounded to float32; the header says float32" {
	need_python_module numpy
	cd "$BATS_TEST_TMPDIR"
	n=0
	for opts in '' '--weight flat' '-w 23 --left'; do
		n=$((n + 1))
		# shellcheck disable=SC2086
		nlp-cooccur -v "$CO/small.vocab" $opts "$CO/small.txt" > $n.d
		# shellcheck disable=SC2086
		nlp-cooccur -v "$CO/small.vocab" $opts --f32 "$CO/small.txt" > $n.f
		# shellcheck disable=SC2086
		nlp-cooccur -v "$CO/small.vocab" $opts --f32 -t "$CO/small.txt" > $n.t
		run info_field $n.f type
		assert_output float32
		assert_equal "$(stat -c %s $n.f)" "$((64 + $(record_len $n.f) + 12 * $(info_field $n.f nnz)))"
	done
	run $PY - 1 2 3 <<-'PY'
		import sys, numpy as np
		from matgen import read_triples, F32, F64
		def short(f):  # the fewest significant digits (at least 6) that read back as f
		    for p in range(6, 9):
		        if np.float32('%.*g' % (p, f)) == f:
		            return '%.*g' % (p, f)
		    return '%.9g' % f
		for n in sys.argv[1:]:
		    d = read_triples(n + '.d', F64)[2]
		    f = read_triples(n + '.f', F32)[2]
		    assert len(d) > 100 and len(d) == len(f)
		    assert (d['r'] == f['r']).all() and (d['c'] == f['c']).all()
		    assert (d['v'].astype(np.float32) == f['v']).all(), 'not the float64 values rounded'
		    text = ''.join('%d\t%d\t%s\n' % (r, c, short(v)) for r, c, v in zip(d['r'], d['c'], d['v'].astype(np.float32)))
		    assert open(n + '.t').read() == text, '--text --f32 is not the shortest text of the float32 value'
		    inexact = int((d['v'].astype(np.float32).astype(np.float64) != d['v']).sum())
		    print(n, len(d), 'values,', inexact, 'changed by rounding')
	PY
	assert_success
	assert_line --regexp '^1 [0-9]+ values, [1-9][0-9]* changed by rounding$'
	assert_line --regexp '^2 [0-9]+ values, 0 changed by rounding$'
	assert_line --regexp '^3 [0-9]+ values, [1-9][0-9]* changed by rounding$'
	run nlp-cooccur -v "$CO/seed.vocab" -t --f32 "$CO/seed.txt"
	assert_line --index 2 "$(printf '0\t3\t0.33333334')"
}

@test "cooccur: empty input gives empty text, and a valid empty matrix" {
	run nlp-cooccur -v "$CO/small.vocab" -t < /dev/null
	assert_success
	assert_output ''
	nlp-cooccur -v "$CO/small.vocab" < /dev/null > "$BATS_TEST_TMPDIR/m"
	run nlp-mat info "$BATS_TEST_TMPDIR/m"
	assert_success
	assert_line "$(printf 'rows\t18')"
	assert_line "$(printf 'nnz\t0')"
	assert_line "$(printf 'header-nnz\t0')"
	assert_equal "$(stat -c %s "$BATS_TEST_TMPDIR/m")" $((64 + $(record_len "$BATS_TEST_TMPDIR/m")))
	run bash -c "nlp-cooccur -v '$CO/small.vocab' < /dev/null | nlp-mat info"
	assert_line "$(printf 'nonzeros\t0')"
	# blank lines and words out of the vocabulary only: the same
	run bash -c "printf 'zzz\n\n  \nzzz yyy\n' | nlp-cooccur -v '$CO/small.vocab' -t --cross-lines"
	assert_success
	assert_output ''
	# an empty vocabulary: a 0 x 0 matrix
	: > "$BATS_TEST_TMPDIR/v"
	nlp-cooccur -v "$BATS_TEST_TMPDIR/v" "$CO/small.txt" > "$BATS_TEST_TMPDIR/m0"
	run nlp-mat info "$BATS_TEST_TMPDIR/m0"
	assert_line "$(printf 'rows\t0')"
	assert_line "$(printf 'nnz\t0')"
	run bash -c "printf 'zzz\n\n  \nzzz yyy\n' | nlp-cooccur -v '$CO/small.vocab' -t --drop-oov after"
	assert_success
	assert_output ''
	# merging empty matrices: empty
	nlp-cooccur -m "$BATS_TEST_TMPDIR/m" "$BATS_TEST_TMPDIR/m" > "$BATS_TEST_TMPDIR/mm"
	assert_same "$BATS_TEST_TMPDIR/mm" "$BATS_TEST_TMPDIR/m"
}

@test "cooccur --cross-lines: a corpus that starts with a blank line" {
	# nothing read yet when the first line ends: the history of --cross-lines is empty
	run --separate-stderr bash -c "printf '\nsay hello\n' | nlp-cooccur -v '$CO/seed.vocab' -t -w 1 --weight flat --cross-lines"
	assert_success
	assert_equal "$stderr" ''
	assert_output "$(printf '1\t5\t1\n5\t1\t1')"
	run --separate-stderr bash -c "nlp-cooccur -v '$CO/seed.vocab' -t --cross-lines < /dev/null"
	assert_success
	assert_output ''
}

# ---- the memory budget ----

@test "cooccur --memory 8M: many runs merged as they accumulate give the same bytes; \$TMPDIR left empty" {
	export TMPDIR="$BATS_TEST_TMPDIR/tmp"
	mkdir "$TMPDIR"
	g="$BATS_FILE_TMPDIR/gen.txt" v="$BATS_FILE_TMPDIR/gen.vocab"
	for opts in '' '--left --drop-oov after -w 22 --cross-lines --f32'; do
		if [ -z "$opts" ]; then
			cp "$BATS_FILE_TMPDIR/gen.mat" "$BATS_TEST_TMPDIR/want"
		else
			# shellcheck disable=SC2086
			nlp-cooccur -v "$v" $opts "$g" > "$BATS_TEST_TMPDIR/want"
		fi
		# shellcheck disable=SC2086
		nlp-cooccur -v "$v" $opts --memory 8M "$g" > "$BATS_TEST_TMPDIR/got"
		assert_same "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want"
		run ls -A "$TMPDIR"
		assert_output ''
	done
	nnz=$(info_field "$BATS_TEST_TMPDIR/want" nnz)
	[ "$nnz" -gt 100000 ] || fail "only $nnz cells"
}

@test "cooccur --memory 8M: runs do go to \$TMPDIR: an unusable one is an error that names it (exit 1)" {
	run --separate-stderr env TMPDIR="$BATS_TEST_TMPDIR/none" nlp-cooccur -v "$BATS_FILE_TMPDIR/gen.vocab" -M 8M "$BATS_FILE_TMPDIR/gen.txt"
	assert_failure 1
	assert_equal "$stderr" "nlp-cooccur: counting: temporary file in $BATS_TEST_TMPDIR/none: No such file or directory"
	# a vocabulary small enough for the dense block needs no temporary file at all
	run --separate-stderr env TMPDIR="$BATS_TEST_TMPDIR/none" nlp-cooccur -v "$CO/small.vocab" -M 8M -t "$CO/small.txt"
	assert_success
	assert_output "$(nlp-cooccur -v "$CO/small.vocab" -t "$CO/small.txt")"
}

@test "cooccur --memory 8M under a limit of 40 open files: the runs stay few, the same bytes" {
	g="$BATS_FILE_TMPDIR/gen.txt" v="$BATS_FILE_TMPDIR/gen.vocab"
	nlp-cooccur -v "$v" -w 22 --f32 "$g" > "$BATS_TEST_TMPDIR/want"
	# over 300 runs in all (one for every 16,384 updates or so), at most 32 open at once
	run --separate-stderr bash -c "ulimit -n 40 && nlp-cooccur -v '$v' -w 22 --f32 -M 8M '$g' > '$BATS_TEST_TMPDIR/got'"
	assert_success
	assert_equal "$stderr" ""
	assert_same "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want"
}

@test "cooccur --memory: below the least budget of the vocabulary is a usage error that names it" {
	run --separate-stderr nlp-cooccur -v "$BATS_FILE_TMPDIR/gen.vocab" -M 7M "$BATS_FILE_TMPDIR/gen.txt"
	assert_failure 2
	assert_equal "$stderr" "nlp-cooccur: --memory: 7.0M is below the least budget for 3000 words, 7.3M"
	assert_output ""
}

@test "cooccur --memory: the peak memory of counting stays within the budget and 3 MB" {
	# the optimised build, as the sanitizer's shadow memory and quarantine would count too; a
	# vocabulary of 100,000 words (about 8 MB held) and 600,000 tokens that spill runs
	[ -x "$NLP_TOP/bin/nlp-cooccur" ] || skip "needs the optimised build (make all)"
	[ -x /usr/bin/time ] || skip "needs GNU time (make deps)"
	awk 'BEGIN { for (i = 0; i < 100000; i++) print "word" i "\t" 100000 - i }' > "$BATS_TEST_TMPDIR/big.vocab"
	awk 'BEGIN { s = 7; for (l = 0; l < 30000; l++) { line = ""
		for (i = 0; i < 20; i++) { s = (s * 69069 + 1) % 4294967296; r = s / 4294967296
			line = line (i ? " " : "") "word" int(100000 * r * r) } print line } }' > "$BATS_TEST_TMPDIR/big.txt"
	for budget in 20 32; do
		/usr/bin/time -o "$BATS_TEST_TMPDIR/kb" -f %M "$NLP_TOP/bin/nlp-cooccur" -v "$BATS_TEST_TMPDIR/big.vocab" \
			-M ${budget}M -w 5 "$BATS_TEST_TMPDIR/big.txt" > /dev/null
		kb=$(cat "$BATS_TEST_TMPDIR/kb")
		echo "budget ${budget}M: peak $((kb / 1024))M"
		[ "$kb" -le $(((budget + 3) * 1024)) ] || fail "budget ${budget}M: peak ${kb} KB"
	done
}

@test "cooccur --memory: counts that fit in the budget need no temporary file" {
	# nlp-cooccur(1): runs go to $TMPDIR only when the budget is full, so an unusable $TMPDIR
	# does not matter to a count well within its budget (as for nlp-vocab and nlp-ngram)
	TMPDIR="$BATS_TEST_TMPDIR/none" nlp-cooccur -v "$BATS_FILE_TMPDIR/gen.vocab" -M 1G "$BATS_FILE_TMPDIR/gen.txt" > "$BATS_TEST_TMPDIR/got"
	assert_same "$BATS_TEST_TMPDIR/got" "$BATS_FILE_TMPDIR/gen.mat"
}

# ---- merging shards ----

@test "cooccur --merge: shards cut by split -l sum to exactly the single run (fixture)" {
	cd "$BATS_TEST_TMPDIR"
	split -l 3 "$CO/small.txt" shard.
	[ "$(ls shard.?? | wc -l)" -eq 4 ] || fail "$(ls shard.??)"
	# counting options | merging options: none are needed, since the records say how the shards
	# were counted, and those that agree with them are accepted
	for spec in '-w 3 --left --weight flat|' '--drop-oov after -w 22|--window 22' \
		'--right -w 4|-w 4 --weight harmonic' '|'; do
		count=${spec%|*} merge=${spec#*|}
		# shellcheck disable=SC2086
		nlp-cooccur -v "$CO/small.vocab" $count "$CO/small.txt" > want
		for s in shard.??; do
			# shellcheck disable=SC2086
			nlp-cooccur -v "$CO/small.vocab" $count "$s" > "$s.m"
		done
		# shellcheck disable=SC2086
		nlp-cooccur --merge $merge shard.*.m > got
		assert_same got want
		# in any order
		# shellcheck disable=SC2086
		nlp-cooccur -m $merge shard.ad.m shard.ac.m shard.ab.m shard.aa.m > got
		assert_same got want
	done
	# the last (default window and weight): as text, as float32, and with a shard from a pipe
	# (nnz unknown) on stdin
	nlp-cooccur -m -t shard.*.m > got
	nlp-cooccur -v "$CO/small.vocab" -t "$CO/small.txt" > want.t
	assert_same got want.t
	nlp-cooccur -m --f32 shard.*.m > got
	nlp-cooccur -v "$CO/small.vocab" --f32 "$CO/small.txt" > want.f
	assert_same got want.f
	nlp-cooccur -v "$CO/small.vocab" shard.aa | nlp-cooccur -m - shard.ab.m shard.ac.m shard.ad.m > got
	assert_same got want
}

@test "cooccur --merge: harmonic shards of the generated corpus, by split and by GNU parallel" {
	cd "$BATS_TEST_TMPDIR"
	v="$BATS_FILE_TMPDIR/gen.vocab"
	cp "$BATS_FILE_TMPDIR/gen.mat" want
	split -l 6000 "$BATS_FILE_TMPDIR/gen.txt" part.
	for s in part.*; do nlp-cooccur -v "$v" "$s" > "$s.m"; done
	nlp-cooccur -m part.*.m > got
	assert_same got want
	command -v parallel > /dev/null || skip "needs GNU parallel"
	mkdir par
	parallel --will-cite --pipe -N 3000 "nlp-cooccur -v '$v' > par/{#}.m" < "$BATS_FILE_TMPDIR/gen.txt"
	[ "$(ls par | wc -l)" -eq 4 ] || fail "$(ls par)"
	nlp-cooccur --merge par/*.m > got
	assert_same got want
}

@test "cooccur --merge: float32 shards are summed as doubles, with a warning" {
	cd "$BATS_TEST_TMPDIR"
	split -l 5 "$CO/small.txt" shard.
	for s in shard.??; do nlp-cooccur -v "$CO/small.vocab" --f32 "$s" > "$s.m"; done
	run --separate-stderr nlp-cooccur -m -t shard.*.m
	assert_success
	[[ "$stderr" == *"32-bit values: summing them as doubles, not exactly"* ]] || fail "$stderr"
	nlp-cooccur -v "$CO/small.vocab" -t "$CO/small.txt" > want
	echo "$output" > got
	run awk -F'\t' 'NR == FNR { w[$1 " " $2] = $3; n++; next }
		{ m++; d = $3 - w[$1 " " $2]; if (d < 0) d = -d; if (d > 1e-6 * $3) bad++ }
		END { print n " " m " " bad + 0 }' want got
	assert_output --regexp '^([0-9]+) \1 0$'
}

@test "cooccur --merge: matrices of other shapes, windows or weights, and bad files are errors (exit 1)" {
	cd "$BATS_TEST_TMPDIR"
	nlp-cooccur -v "$CO/small.vocab" "$CO/small.txt" > a.m
	nlp-cooccur -v "$CO/seed.vocab" "$CO/seed.txt" > seed.m
	run --separate-stderr nlp-cooccur -m a.m seed.m
	assert_failure 1
	assert_equal "$stderr" "nlp-cooccur: seed.m: 7 rows, but a.m has 18"
	# a window or weight given that is not the record's
	run --separate-stderr nlp-cooccur -m -w 2 a.m
	assert_failure 1
	assert_equal "$stderr" "nlp-cooccur: a.m: counted with window=5, not the --window 2 given"
	run --separate-stderr nlp-cooccur -m --weight flat a.m a.m
	assert_failure 1
	assert_equal "$stderr" "nlp-cooccur: a.m: counted with weight=harmonic, not the --weight flat given"
	# without a record (a file of the previous version) only the values can tell: those of
	# window 5 (sixtieths) are not halves
	strip_record a.m > old.m
	run --separate-stderr nlp-cooccur -m -w 2 old.m
	assert_failure 1
	[[ "$stderr" == "nlp-cooccur: old.m: value "*" is not a count of this --window and --weight"* ]] || fail "$stderr"
	run --separate-stderr nlp-cooccur -m --weight flat old.m old.m
	assert_failure 1
	[[ "$stderr" == *"is not a count of this --window and --weight"* ]] || fail "$stderr"
	run --separate-stderr nlp-cooccur -m "$CO/small.txt"
	assert_failure 1
	assert_equal "$stderr" "nlp-cooccur: $CO/small.txt: not an nlp matrix (bad magic)"
	r=$(record_len a.m)
	head -c $((64 + r / 2)) a.m > cut-record.m
	run --separate-stderr nlp-cooccur -m cut-record.m a.m
	assert_failure 1
	assert_equal "$stderr" "nlp-cooccur: cut-record.m: truncated matrix"
	head -c $((64 + r + 36)) a.m > cut-triple.m   # inside the third triple
	run --separate-stderr nlp-cooccur -m a.m cut-triple.m
	assert_failure 1
	assert_equal "$stderr" "nlp-cooccur: cut-triple.m: truncated matrix"
	head -c $((64 + r + 32)) a.m > cut-between.m   # after two whole triples of the header's 175
	run --separate-stderr nlp-cooccur -m cut-between.m
	assert_failure 1
	assert_equal "$stderr" "nlp-cooccur: cut-between.m: number of triples differs from the header"
	head -c 40 a.m > cut-header.m
	run --separate-stderr nlp-cooccur -m a.m cut-header.m
	assert_failure 1
	assert_equal "$stderr" "nlp-cooccur: cut-header.m: truncated matrix"
	: > empty.m
	run --separate-stderr nlp-cooccur -m empty.m
	assert_failure 1
	assert_equal "$stderr" "nlp-cooccur: empty.m: truncated matrix"
	nlp-mat convert --dense seed.m > dense.m
	run --separate-stderr nlp-cooccur -m dense.m
	assert_failure 1
	assert_equal "$stderr" "nlp-cooccur: dense.m: not a square sparse matrix"
	printf '%s\n' '%%MatrixMarket matrix coordinate real general' '2 3 1' '1 3 1' | nlp-mat from-mtx > wide.m
	run --separate-stderr nlp-cooccur -m wide.m
	assert_failure 1
	assert_equal "$stderr" "nlp-cooccur: wide.m: not a square sparse matrix"
	run --separate-stderr nlp-cooccur -m a.m /no/such.m
	assert_failure 1
	assert_equal "$stderr" "nlp-cooccur: open /no/such.m: No such file or directory"
	# a value that is not finite breaks the format
	cp a.m nan.m
	printf '\000\000\000\000\000\000\370\177' | dd of=nan.m bs=1 seek=$((64 + $(record_len a.m) + 8)) conv=notrunc status=none
	run --separate-stderr nlp-cooccur -m nan.m
	assert_failure 1
	assert_equal "$stderr" "nlp-cooccur: nan.m: value is not finite"
}

@test "cooccur: the header records the settings of counting and the vocabulary's fingerprint" {
	cd "$BATS_TEST_TMPDIR"
	fp=$(fingerprint "$CO/small.vocab")
	for spec in '|window=5 weight=harmonic context=both cross-lines=no drop-oov=before' \
		'-w 3 --weight flat --left|window=3 weight=flat context=left cross-lines=no drop-oov=before' \
		'--window 10000 --right --cross-lines --drop-oov after --f32|window=10000 weight=harmonic context=right cross-lines=yes drop-oov=after'; do
		# shellcheck disable=SC2086
		nlp-cooccur -v "$CO/small.vocab" ${spec%|*} "$CO/small.txt" > m
		run nlp-mat info m
		assert_line "$(printf 'record\tcooccur %s vocab=%s' "${spec#*|}" "$fp")"
		# the same record on a pipe, and the same bytes once nlp-mat fix-nnz has written the count
		# shellcheck disable=SC2086
		nlp-cooccur -v "$CO/small.vocab" ${spec%|*} "$CO/small.txt" | cat > p
		run info_field p header-nnz
		assert_output unknown
		nlp-mat fix-nnz p
		cmp p m
	done
	# a merge's output records what its shards do
	nlp-cooccur -m m m > s
	run nlp-mat info s
	assert_line "$(printf 'record\tcooccur %s vocab=%s' "${spec#*|}" "$fp")"
	# the fingerprint depends on the tokens and their order, not on the counts
	sed 's/\t.*/\t1/' "$CO/small.vocab" > ones.vocab
	[ "$(fingerprint ones.vocab)" = "$fp" ] || fail "counts changed the fingerprint"
	nlp-cooccur -v ones.vocab "$CO/small.txt" > ones.m
	assert_equal "$(nlp-mat info ones.m | grep record)" "$(printf 'record\tcooccur window=5 weight=harmonic context=both cross-lines=no drop-oov=before vocab=%s' "$fp")"
}

@test "cooccur --merge: shards counted otherwise, or that hold no counts, are refused by their records (exit 1)" {
	cd "$BATS_TEST_TMPDIR"
	split -l 5 "$CO/small.txt" shard.
	nlp-cooccur -v "$CO/small.vocab" shard.aa > a.m
	check() { # MESSAGE-ABOUT-b.m COUNTING-OPTIONS...
		local want="$1"
		shift
		nlp-cooccur -v "$CO/small.vocab" "$@" shard.ab > b.m
		run --separate-stderr nlp-cooccur -m a.m b.m
		assert_failure 1
		assert_equal "$stderr" "nlp-cooccur: b.m: $want"
		assert_output ''
	}
	check 'counted with window=4, but a.m with window=5: merge shards counted alike' -w 4
	check 'counted with weight=flat, but a.m with weight=harmonic: merge shards counted alike' --weight flat
	check 'counted with context=left, but a.m with context=both: merge shards counted alike' --left
	check 'counted with cross-lines=yes, but a.m with cross-lines=no: merge shards counted alike' --cross-lines
	check 'counted with drop-oov=after, but a.m with drop-oov=before: merge shards counted alike' --drop-oov after
	# another vocabulary of the same size: one token changed
	sed '1s/^the/thee/' "$CO/small.vocab" > other.vocab
	nlp-cooccur -v other.vocab shard.ab > b.m
	run --separate-stderr nlp-cooccur -m a.m b.m
	assert_failure 1
	assert_equal "$stderr" "nlp-cooccur: b.m: counted with another vocabulary than a.m (vocab=$(fingerprint other.vocab), not $(fingerprint "$CO/small.vocab"))"
	# matrices made from counts are not counts
	nlp-ppmi a.m > ppmi.m
	run --separate-stderr nlp-cooccur -m a.m ppmi.m
	assert_failure 1
	assert_equal "$stderr" "nlp-cooccur: ppmi.m: does not hold counts: its record ends with the stage 'ppmi', not cooccur"
	nlp-ppmi a.m | nlp-mat transpose > ppmi-t.m
	run --separate-stderr nlp-cooccur -m ppmi-t.m
	assert_failure 1
	assert_equal "$stderr" "nlp-cooccur: ppmi-t.m: does not hold counts: its record ends with the stage 'transpose', not cooccur"
	# a record whose cooccur line lacks a setting (made by hand through Matrix Market)
	nlp-mat to-mtx a.m | sed 's/ weight=harmonic//' | nlp-mat from-mtx > noweight.m
	run --separate-stderr nlp-cooccur -m noweight.m
	assert_failure 1
	assert_equal "$stderr" "nlp-cooccur: noweight.m: the cooccur line of its record has no valid weight"
	nlp-mat to-mtx a.m | sed 's/ window=5/ window=0/' | nlp-mat from-mtx > window0.m
	run --separate-stderr nlp-cooccur -m window0.m
	assert_failure 1
	assert_equal "$stderr" "nlp-cooccur: window0.m: the cooccur line of its record has no valid window"
}

@test "cooccur --merge: files without a record (the previous version) merge as before, alone or with recorded ones" {
	cd "$BATS_TEST_TMPDIR"
	split -l 5 "$CO/small.txt" shard.
	for s in shard.a?; do
		nlp-cooccur -v "$CO/small.vocab" -w 3 --weight flat "$s" > "$s.m"
		strip_record "$s.m" > "$s.old"
		run record_len "$s.old"
		assert_output 0
	done
	nlp-cooccur -v "$CO/small.vocab" -w 3 --weight flat "$CO/small.txt" > want
	strip_record want > want.old
	# old files need the settings on the command line, and give no record
	nlp-cooccur -m -w 3 --weight flat shard.aa.old shard.ab.old > got
	assert_same got want.old
	# with a recorded shard, the settings come from its record; the sum records nothing, since
	# not every shard says how it was counted
	nlp-cooccur -m shard.aa.m shard.ab.old > got
	assert_same got want.old
	nlp-cooccur -m shard.aa.old shard.ab.m > got
	assert_same got want.old
	run --separate-stderr nlp-cooccur -m -w 4 shard.aa.old shard.ab.m
	assert_failure 1
	assert_equal "$stderr" "nlp-cooccur: shard.ab.m: counted with window=3, not the --window 4 given"
	# without the options, old files are taken as counted with the defaults (window 5,
	# harmonic), whose units flat counts are whole numbers of: the same sum
	nlp-cooccur -m shard.aa.old shard.ab.old > got
	assert_same got want.old
}

# ---- errors ----

@test "cooccur: a bad vocabulary is an error (exit 1) with the file, the line and the reason" {
	cd "$BATS_TEST_TMPDIR"
	check() { # FILE-CONTENT (printf %b) MESSAGE
		printf '%b' "$1" > v
		run --separate-stderr nlp-cooccur -v v -t "$CO/seed.txt"
		assert_failure 1
		assert_equal "$stderr" "nlp-cooccur: v: $2"
		assert_output ''
	}
	check 'you\t1\nsay 2\n' 'line 2: no tab between the key and the count'
	check 'you\t1\nsay\t2\ngood bye\t1\n' 'line 3: a token with a space is not a vocabulary entry'
	check 'you\t1\nsay\t2\nyou\t1\n' 'line 3: the token is already in the vocabulary'
	check 'you\t1\nsay\tmany\n' 'line 2: the count is not a decimal integer'
	check 'you\t1\n\t3\n' 'line 2: empty key'
	check 'you\t1\nsa\xffy\t2\n' 'line 2: invalid UTF-8'
	run --separate-stderr nlp-cooccur -v /no/such.tsv -t "$CO/seed.txt"
	assert_failure 1
	assert_equal "$stderr" "nlp-cooccur: open /no/such.tsv: No such file or directory"
	run --separate-stderr nlp-cooccur -v "$BATS_TEST_TMPDIR" -t "$CO/seed.txt"
	assert_failure 1
	[[ "$stderr" == "nlp-cooccur: "*"$BATS_TEST_TMPDIR"*"Is a directory" ]] || fail "$stderr"
}

@test "cooccur: usage errors exit 2 with the usage line (or a bad value's reason) on stderr" {
	cd "$BATS_TEST_TMPDIR"
	nlp-cooccur -v "$CO/seed.vocab" "$CO/seed.txt" > m
	bad=''
	check() { # MESSAGE ARGS...: every case is tried, the failures listed at the end
		local want="$1"
		shift
		run --separate-stderr nlp-cooccur "$@" < "$CO/seed.txt"
		if [ "$status" -ne 2 ]; then
			bad+="$*: exit $status ($stderr)"$'\n'
		elif [[ "$stderr" != *"$want"* ]]; then
			bad+="$*: no '$want' in: $stderr"$'\n'
		elif [ "${need_usage:-1}" = 1 ] && [[ "$stderr" != *"usage: nlp-cooccur"* ]]; then
			bad+="$*: no usage line in: $stderr"$'\n'
		elif [ -n "$output" ]; then
			bad+="$*: output $output"$'\n'
		fi
	}
	check '--vocab is required' -t
	check '--vocab is required' -w 3 "$CO/seed.txt"
	check '--left and --right exclude each other' -v "$CO/seed.vocab" --left --right
	check '--merge takes matrices' -m -v "$CO/seed.vocab" m
	check '--merge takes matrices' --merge
	check '--merge takes matrices' -m --left m
	check '--merge takes matrices' -m --cross-lines m
	check '--merge takes matrices' -m --drop-oov after m
	check '--merge takes matrices' -m -M 1M m
	check '--merge takes matrices' -m --invalid skip m
	check "unrecognized option '--bogus'" -v "$CO/seed.vocab" --bogus
	check "requires an argument" -v
	# a value out of range: its reason alone, exit 2, as every stage gives it (cli/opt.c, base/num.c)
	need_usage=0
	check "--window: value '0' is too small" -v "$CO/seed.vocab" --window 0
	check "--window: value '10001' is too large" -v "$CO/seed.vocab" --window 10001
	check "--window: value 'five' is invalid" -v "$CO/seed.vocab" -w five
	check "--weight: 'cubic' is not flat or harmonic" -v "$CO/seed.vocab" --weight cubic
	check "--drop-oov: 'never' is not before or after" -v "$CO/seed.vocab" --drop-oov never
	check "--memory: '12Q' is not a size" -v "$CO/seed.vocab" -M 12Q
	check "--memory: '1023K' is below the least budget, 1M" -v "$CO/seed.vocab" --memory 1023K
	check "--invalid: 'bogus' is not replace, skip or fail" -v "$CO/seed.vocab" --invalid bogus
	[ -z "$bad" ] || fail "$bad"
}

@test "cooccur: an input file that cannot be opened is reported (exit 1), and no matrix passes for the whole" {
	run --separate-stderr nlp-cooccur -v "$CO/seed.vocab" -t /no/such.txt "$CO/seed.txt"
	assert_failure 1
	assert_equal "$stderr" "nlp-cooccur: open /no/such.txt: No such file or directory"
	assert_output ''
	run --separate-stderr nlp-cooccur -v "$CO/seed.vocab" "$CO/seed.txt" /no/such.txt
	assert_failure 1
	assert_equal "$stderr" "nlp-cooccur: open /no/such.txt: No such file or directory"
	assert_output ''
	# the same for invalid UTF-8 under --invalid fail, after a first good line
	run --separate-stderr bash -c "printf 'say hello\nsay \xff\n' | nlp-cooccur -v '$CO/seed.vocab' -t --invalid fail"
	assert_failure 1
	assert_equal "$stderr" "nlp-cooccur: <stdin>: line 2, byte 5: invalid UTF-8"
	assert_output ''
}

@test "cooccur: binary output to a terminal is refused before reading input; --text is fine" {
	command -v script > /dev/null || skip "needs script (bsdutils)"
	cd "$BATS_TEST_TMPDIR"
	mkfifo never-written
	# the FIFO would block a program that opened its input before checking its output
	run timeout 20 script -qec "nlp-cooccur -v '$CO/seed.vocab' never-written" /dev/null
	assert_failure 1
	assert_output --partial 'nlp-cooccur: not writing a binary matrix to a terminal (use --text, or redirect)'
	run timeout 20 script -qec "nlp-cooccur -m '$CO/small.txt'" /dev/null
	assert_failure 1
	assert_output --partial 'not writing a binary matrix to a terminal'
	run timeout 20 script -qec "nlp-cooccur -t -v '$CO/seed.vocab' '$CO/seed.txt'" /dev/null
	assert_success
	assert_output --partial "$(printf '0\t1\t1.2\r\n0\t2\t0.5\r\n')"
	run timeout 20 script -qec "nlp-cooccur -v '$CO/seed.vocab' '$CO/seed.txt' | nlp-mat info" /dev/null
	assert_success
	assert_output --partial "$(printf 'nonzeros\t%s' "$(nlp-cooccur -t -v "$CO/seed.vocab" "$CO/seed.txt" | wc -l)")"
}

@test "cooccur: a full disk is an error (exit 1) with the reason" {
	for args in "-v $CO/small.vocab $CO/small.txt" "-t -v $CO/small.vocab $CO/small.txt" "-m $BATS_TEST_TMPDIR/m"; do
		nlp-cooccur -v "$CO/small.vocab" "$CO/small.txt" > "$BATS_TEST_TMPDIR/m"
		# shellcheck disable=SC2086
		run --separate-stderr nlp-cooccur $args
		assert_success
		run --separate-stderr bash -c "nlp-cooccur $args > /dev/full"
		assert_failure 1
		[[ "$stderr" == *"nlp-cooccur: write <stdout>: No space left on device"* ]] || fail "$args: $stderr"
	done
}

@test "cooccur: a closed output pipe ends the program quietly" {
	run --separate-stderr bash -c "nlp-cooccur -t -v '$BATS_FILE_TMPDIR/gen.vocab' '$BATS_FILE_TMPDIR/gen.txt' | head -n 1; echo \"\${PIPESTATUS[0]}\""
	assert_equal "$stderr" ''
	assert_line --index 0 --regexp $'^0\t0\t[0-9.]+$'
	assert_line --index 1 --regexp '^(0|141)$'
}

# ---- the other options ----

@test "cooccur --progress: a report on stderr, the output unchanged; nothing on stderr without it" {
	run --separate-stderr nlp-cooccur -v "$CO/small.vocab" -t --progress "$CO/small.txt"
	assert_success
	assert_output "$(nlp-cooccur -v "$CO/small.vocab" -t "$CO/small.txt")"
	assert_equal "$(sed 's/[0-9.]* s, peak [0-9.]* [kMG]*B$/TIME/' <<<"$stderr")" \
		'nlp-cooccur: 10 lines read, 18 words, 175 non-zeros, TIME'
	run --separate-stderr nlp-cooccur -v "$CO/small.vocab" -t "$CO/small.txt"
	assert_equal "$stderr" ''
}

@test "cooccur -h, --help and --version" {
	run --separate-stderr nlp-cooccur --help
	assert_success
	assert_equal "$stderr" ''
	assert_line --index 0 --partial 'usage: nlp-cooccur -v vocab'
	for o in '-v, --vocab FILE' '-w, --window N' --left --right '--weight WEIGHT' --cross-lines \
		'--drop-oov WHEN' '-t, --text' --f32 '-m, --merge' '-M, --memory SIZE' '--invalid POLICY' \
		--progress '-h, --help' --version; do
		assert_output --partial " $o "
	done
	run nlp-cooccur -h
	assert_success
	assert_line --index 0 --partial 'usage: nlp-cooccur -v vocab'
	run --separate-stderr nlp-cooccur --version
	assert_success
	assert_output --regexp '^nlp-cooccur [0-9]+\.[0-9]+\.[0-9]+$'
}

# ---- the Penn Treebank (../shared): its first 10,000 lines (setup_file) ----

@test "cooccur PTB (10,000 lines): window 5 harmonic (default) and flat, --left, --right, --cross-lines agree with NumPy/SciPy" {
	need_shared ptb/ptb.train.txt
	need_python_module scipy
	check_ref "$BATS_FILE_TMPDIR/ptb.vocab" "$BATS_FILE_TMPDIR/ptb.txt" 'bin|' 'bin|--weight flat' 'bin|--left' 'text|--right' 'bin|--cross-lines'
	assert_line --regexp '^ok \[\] bin: nnz [5-9][0-9]{5}, '
	run info_field "$BATS_TEST_TMPDIR/r1.bin" rows
	assert_output "$(wc -l < "$BATS_FILE_TMPDIR/ptb.vocab")"
}

@test "cooccur PTB (10,000 lines): --drop-oov after with a --min-count 50 vocabulary agrees with NumPy/SciPy" {
	need_shared ptb/ptb.train.txt
	need_python_module scipy
	check_ref "$BATS_FILE_TMPDIR/ptb50.vocab" "$BATS_FILE_TMPDIR/ptb.txt" 'bin|--drop-oov after'
}

@test "cooccur PTB (10,000 lines): --memory 9M spills runs and gives the same bytes as the default; \$TMPDIR left empty" {
	need_shared ptb/ptb.train.txt
	export TMPDIR="$BATS_TEST_TMPDIR/tmp"
	mkdir "$TMPDIR"
	nlp-cooccur -v "$BATS_FILE_TMPDIR/ptb.vocab" -M 9M --progress "$BATS_FILE_TMPDIR/ptb.txt" > "$BATS_TEST_TMPDIR/got" \
		2> "$BATS_TEST_TMPDIR/progress"
	assert_same "$BATS_TEST_TMPDIR/got" "$BATS_FILE_TMPDIR/ptb.mat"
	run ls -A "$TMPDIR"
	assert_output ''
	# more runs than a counting thread keeps open (16): they merge as they accumulate
	runs=$(tr '\r' '\n' < "$BATS_TEST_TMPDIR/progress" | sed -n 's/.* \([0-9]*\) runs spilled .*/\1/p' | tail -n 1)
	[ "${runs:-0}" -gt 16 ] || fail "${runs:-no} runs spilled: $(tail -c 300 "$BATS_TEST_TMPDIR/progress")"
}

@test "cooccur PTB (10,000 lines): shards counted by GNU parallel merge into exactly the single run" {
	need_shared ptb/ptb.train.txt
	command -v parallel > /dev/null || skip "needs GNU parallel"
	cd "$BATS_TEST_TMPDIR"
	v="$BATS_FILE_TMPDIR/ptb.vocab"
	mkdir parts
	parallel --will-cite --pipe --block 300k "nlp-cooccur -v '$v' > parts/{#}.m" < "$BATS_FILE_TMPDIR/ptb.txt"
	[ "$(ls parts | wc -l)" -ge 4 ] || fail "$(ls parts)"
	nlp-cooccur --merge parts/*.m > got
	assert_same got "$BATS_FILE_TMPDIR/ptb.mat"
}
