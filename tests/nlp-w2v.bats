#!/usr/bin/env bats
# nlp-w2v: word2vec on tiny deterministic corpora: words that share contexts end up closer (two
# synthetic topics), a seeded single-threaded run repeats byte for byte, the negative-sampling
# kernels (skip-gram and CBOW) against a NumPy reference one step at a time, the output read by
# gensim (text and binary) and by nlp-similar, --vocab, --output-vectors, stdin spooled, and bad
# input and options.

load helper

# topics OUT: 400 sentences, each of 8 words of one topic (a0..a9 or b0..b9), drawn by a fixed
# linear congruential generator so that the file is the same everywhere.
topics() {
	awk 'BEGIN { x = 12345; for (s = 0; s < 400; s++) { t = s % 2 ? "a" : "b"; line = "";
		for (i = 0; i < 8; i++) { x = (x * 1103515245 + 12345) % 2147483648;
			line = line (i ? " " : "") t int(x / 65536) % 10 }
		print line } }' > "$1"
}

setup() {
	topics "$BATS_TEST_TMPDIR/topics.txt"
	T="$BATS_TEST_TMPDIR/topics.txt"
}

@test "w2v: words of one topic end up nearer each other than the other topic's (skip-gram, CBOW)" {
	for mode in --skipgram --cbow; do
		nlp-w2v $mode -d 16 --epochs 20 --min-count 1 --sample 0 -T 1 --seed 3 "$T" > "$BATS_TEST_TMPDIR/v.vec"
		run nlp-similar -k 9 "$BATS_TEST_TMPDIR/v.vec" a0
		assert_success
		echo "$mode: $output"
		# the nine neighbours of a0 are the other a words
		[ "$(printf '%s\n' "$output" | grep -c '^a')" -eq 9 ]
	done
}

@test "w2v: a seeded single-threaded run repeats byte for byte; stdin gives the file's result" {
	nlp-w2v -d 10 --min-count 1 -T 1 --seed 7 "$T" > "$BATS_TEST_TMPDIR/1.vec"
	nlp-w2v -d 10 --min-count 1 -T 1 --seed 7 "$T" > "$BATS_TEST_TMPDIR/2.vec"
	cat "$T" | nlp-w2v -d 10 --min-count 1 -T 1 --seed 7 > "$BATS_TEST_TMPDIR/3.vec"
	nlp-w2v -d 10 --min-count 1 -T 1 --seed 8 "$T" > "$BATS_TEST_TMPDIR/4.vec"
	cmp "$BATS_TEST_TMPDIR/1.vec" "$BATS_TEST_TMPDIR/2.vec"
	cmp "$BATS_TEST_TMPDIR/1.vec" "$BATS_TEST_TMPDIR/3.vec"
	! cmp -s "$BATS_TEST_TMPDIR/1.vec" "$BATS_TEST_TMPDIR/4.vec"
	run head -n 1 "$BATS_TEST_TMPDIR/1.vec"
	assert_output "20 10"
}

@test "w2v: two threads train (the sanitizer build), CBOW too" {
	for i in 1 2 3 4 5 6 7 8; do cat "$T"; done > "$BATS_TEST_TMPDIR/big.txt"
	run --separate-stderr nlp-w2v -d 8 --min-count 1 -T 2 "$BATS_TEST_TMPDIR/big.txt"
	assert_success
	assert_line -n 0 "20 8"
	run --separate-stderr nlp-w2v --cbow -d 8 --min-count 1 -T 2 "$BATS_TEST_TMPDIR/big.txt"
	assert_success
	assert_line -n 0 "20 8"
}

# kernel_check MODE NC: one step of the kernel on random tiny inputs against NumPy.
kernel_check() {
	need_python_module numpy
	$PY - "$@" <<'EOF'
import sys, subprocess, numpy as np
mode, nc = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(5)
dim, rows, nt, alpha = 7, 6, 4, 0.3
W = rng.uniform(-1, 1, (rows, dim)).astype(np.float32)
C = rng.uniform(-1, 1, (rows, dim)).astype(np.float32)
targets = [2, 0, 5, 3]
ctx = [1, 4, 0][:nc]
inp = '%s %d %d %d %d %r\n' % (mode, dim, rows, nt, nc, alpha)
inp += ' '.join(repr(float(x)) for x in W.ravel()) + '\n'
inp += ' '.join(repr(float(x)) for x in C.ravel()) + '\n'
inp += ' '.join(map(str, targets)) + '\n' + ' '.join(map(str, ctx)) + '\n'
out = subprocess.run(['test-lib', 'w2v-step'], input=inp, capture_output=True, text=True, check=True).stdout.split('\n')
loss = float(out[0])
got = np.array([[float(x) for x in l.split()] for l in out[1:1 + 2 * rows]])
# the reference, in float64
W, C = W.astype(np.float64), C.astype(np.float64)
h = W[ctx].mean(axis=0) if mode == 'cbow' else W[ctx[0]].copy()
dh = np.zeros(dim)
ref_loss = 0.0
sig = lambda x: 1 / (1 + np.exp(-x))
for k, t in enumerate(targets):
    label = 1.0 if k == 0 else 0.0
    f = h @ C[t]
    ref_loss -= np.log(sig(f) if label else sig(-f))
    g = alpha * (label - sig(f))
    dh += g * C[t]
    C[t] += g * h
for j in (ctx if mode == 'cbow' else ctx[:1]):
    W[j] += dh
want = np.vstack([W, C])
diff = max(np.abs(got - want).max(), abs(loss - ref_loss))
print('largest difference %.3g' % diff)
sys.exit(0 if diff < 1e-5 else 1)
EOF
}

@test "w2v: the skip-gram negative-sampling step equals NumPy's within 1e-5" {
	run kernel_check skipgram 1
	echo "$output"
	assert_success
}

@test "w2v: the CBOW step (mean of three contexts) equals NumPy's within 1e-5" {
	run kernel_check cbow 3
	echo "$output"
	assert_success
}

@test "w2v: gensim loads the text and the binary vectors, with the same values" {
	need_python_module gensim
	nlp-w2v -d 12 --min-count 1 -T 1 "$T" > "$BATS_TEST_TMPDIR/v.txt"
	nlp-w2v -d 12 --min-count 1 -T 1 -b --output "$BATS_TEST_TMPDIR/v.bin" "$T"
	run $PY - "$BATS_TEST_TMPDIR/v.txt" "$BATS_TEST_TMPDIR/v.bin" <<'EOF'
import sys, logging, numpy as np
from gensim.models import KeyedVectors
logging.disable(logging.CRITICAL)
t = KeyedVectors.load_word2vec_format(sys.argv[1], binary=False)
b = KeyedVectors.load_word2vec_format(sys.argv[2], binary=True)
assert t.index_to_key == b.index_to_key and len(t.index_to_key) == 20
d = np.abs(t.vectors - b.vectors).max()
print('largest difference %.3g' % d)
sys.exit(0 if d < 1e-6 else 1)
EOF
	echo "$output"
	assert_success
}

@test "w2v: --vocab keeps its words and order; --output-vectors writes the context vectors" {
	printf 'a1\t5\nzz\t3\nb2\t1\n' > "$BATS_TEST_TMPDIR/vocab.tsv"
	nlp-w2v -d 4 -T 1 -v "$BATS_TEST_TMPDIR/vocab.tsv" --output-vectors "$BATS_TEST_TMPDIR/c.vec" \
		--output "$BATS_TEST_TMPDIR/w.vec" "$T"
	run cut -d ' ' -f 1 "$BATS_TEST_TMPDIR/w.vec"
	assert_output "$(printf '3\na1\nzz\nb2')"
	run cut -d ' ' -f 1 "$BATS_TEST_TMPDIR/c.vec"
	assert_output "$(printf '3\na1\nzz\nb2')"
	! cmp -s "$BATS_TEST_TMPDIR/w.vec" "$BATS_TEST_TMPDIR/c.vec"
}

@test "w2v: bad input: an empty corpus, no word left after --min-count, a missing file" {
	run --separate-stderr nlp-w2v /dev/null
	assert_failure 1
	[[ "$stderr" == "nlp-w2v: "*"no word"* ]]
	: > "$BATS_TEST_TMPDIR/empty"
	run --separate-stderr nlp-w2v "$BATS_TEST_TMPDIR/empty"
	assert_failure 1
	run --separate-stderr nlp-w2v --min-count 1000 "$T"
	assert_failure 1
	assert_equal "$stderr" "nlp-w2v: $T: no word is counted 1000 times or more (--min-count)"
	run --separate-stderr nlp-w2v "$BATS_TEST_TMPDIR/nonesuch"
	assert_failure 1
	[[ "$stderr" == "nlp-w2v: "*"nonesuch"*"No such file or directory" ]]
}

@test "w2v: --invalid: malformed UTF-8 replaced (a word of its own), skipped, or an error with its place" {
	printf 'a b \377 c\nb c a\n' > "$BATS_TEST_TMPDIR/bad.txt"
	run --separate-stderr nlp-w2v --min-count 1 -d 4 -T 1 "$BATS_TEST_TMPDIR/bad.txt"
	assert_success
	assert_equal "$stderr" "nlp-w2v: $BATS_TEST_TMPDIR/bad.txt: line 1: invalid UTF-8 replaced by U+FFFD (later cases are counted)"
	assert_line -n 0 "4 4"
	assert_line -n 4 --regexp $'^\xef\xbf\xbd '
	run --separate-stderr nlp-w2v --invalid skip --min-count 1 -d 4 -T 1 "$BATS_TEST_TMPDIR/bad.txt"
	assert_success
	assert_line -n 0 "3 4"
	[[ "$stderr" == *"invalid UTF-8 skipped"* ]]
	run --separate-stderr nlp-w2v --invalid fail --min-count 1 -d 4 -T 1 "$BATS_TEST_TMPDIR/bad.txt"
	assert_failure 1
	assert_output ""
	assert_equal "$stderr" "nlp-w2v: $BATS_TEST_TMPDIR/bad.txt: line 1, byte 5: invalid UTF-8"
	# with --vocab there is no counting pass: the training finds the byte
	printf 'a\t2\nb\t2\nc\t2\n' > "$BATS_TEST_TMPDIR/v.tsv"
	run --separate-stderr nlp-w2v --invalid fail -v "$BATS_TEST_TMPDIR/v.tsv" -d 4 -T 1 "$BATS_TEST_TMPDIR/bad.txt"
	assert_failure 1
	assert_equal "$stderr" "nlp-w2v: $BATS_TEST_TMPDIR/bad.txt: byte 5: invalid UTF-8"
	run --separate-stderr nlp-w2v -v "$BATS_TEST_TMPDIR/v.tsv" -d 4 -T 1 "$BATS_TEST_TMPDIR/bad.txt"
	assert_success
	assert_equal "$stderr" "nlp-w2v: $BATS_TEST_TMPDIR/bad.txt: byte 5: invalid UTF-8 replaced by U+FFFD (later cases are counted)"
	run --separate-stderr nlp-w2v --invalid maybe "$BATS_TEST_TMPDIR/bad.txt"
	assert_failure 2
}

@test "w2v: the memory a run needs is printed before it starts, and a run that cannot fit stops" {
	run --separate-stderr nlp-w2v --progress --min-count 1 -d 8 -T 1 "$T"
	assert_success
	# 20 words, 2 x 16 floats each (8 dimensions padded to 16)
	[[ "${stderr_lines[0]}" =~ ^"nlp-w2v: training needs about "[0-9.]+" "[kM]"B of memory: 2.6 kB of parameters (20 words, 8 dimensions, input and output)" ]]
	# more words of 10000 dimensions than the physical memory holds
	kb=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
	n=$(( kb * 1024 / (10000 * 8) + 1000 ))
	seq 1 "$n" > "$BATS_TEST_TMPDIR/many.txt"
	run --separate-stderr nlp-w2v --min-count 1 -d 10000 -T 1 "$BATS_TEST_TMPDIR/many.txt"
	assert_failure 1
	assert_output ""
	echo "$stderr"
	[[ "$stderr" == "nlp-w2v: training needs about "*" of parameters: $n words, 10000 dimensions), more than the "*" of memory: keep fewer words (--min-count, --max-vocab) or dimensions" ]]
}

@test "w2v: bad options exit 2 with a usage line; -h exits 0" {
	for bad in "--dim 0" "--window 0" "--window 100000" "--neg 0" "--epochs 0" "--alpha -1" \
		"--sample 2" "--threads 0" "-Z" "--min-count 0" "--alpha 0.01 --min-alpha 0.1"; do
		run --separate-stderr nlp-w2v $bad "$T"
		echo "$bad: $stderr"
		assert_failure 2
		[[ "$stderr" == nlp-w2v:* || "$stderr" == usage:* ]]
	done
	run --separate-stderr nlp-w2v -v /dev/null --min-count 2 "$T"
	assert_failure 2
	run --separate-stderr nlp-w2v "$T" "$T"
	assert_failure 2
	run nlp-w2v -h
	assert_success
	assert_line -n 0 --partial "usage: nlp-w2v"
}
