#!/usr/bin/env bats
# nlp-w2v: word2vec on tiny deterministic corpora: words that share contexts end up closer (two
# synthetic topics), with negative sampling, hierarchical softmax (--hs) or both; a seeded
# single-threaded run repeats byte for byte; the negative-sampling and hierarchical-softmax kernels
# (skip-gram and CBOW) against a NumPy reference one step at a time; the Huffman codes against a
# heapq reference; the output read by gensim (text and binary) and by nlp-similar, --vocab,
# --output-vectors, stdin spooled, and bad input and options.

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

# topic_near K MODE...: trains on the topics with MODE and checks that the K nearest neighbours
# of a0 are a words and those of b3 b words.
topic_near() {
	local k=$1 q
	shift
	nlp-w2v "$@" -d 16 --epochs 20 --min-count 1 --sample 0 -T 1 --seed 3 "$T" > "$BATS_TEST_TMPDIR/v.vec"
	for q in a0 b3; do
		run nlp-similar -k "$k" "$BATS_TEST_TMPDIR/v.vec" $q
		assert_success
		echo "$* $q: $(printf '%s\n' "$output" | cut -f 1 | tr '\n' ' ')"
		[ "$(printf '%s\n' "$output" | grep -c "^${q:0:1}")" -eq "$k" ]
	done
}

# CBOW's word vectors need only their mean to name the topic, so its nine nearest are looser:
# gensim 4.2 (hs=1, negative 0 or 5, the same settings) puts one word of the other topic among
# b3's nine too; the five nearest are the test for CBOW.
@test "w2v: --hs: words of one topic end up nearer each other (skip-gram, CBOW; hs alone and with --neg 5)" {
	topic_near 9 --skipgram --hs
	topic_near 9 --skipgram --hs --neg 5
	topic_near 5 --cbow --hs
	topic_near 5 --cbow --hs --neg 5
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
	nlp-w2v --hs -d 10 --min-count 1 -T 1 --seed 7 "$T" > "$BATS_TEST_TMPDIR/5.vec"
	nlp-w2v --hs -d 10 --min-count 1 -T 1 --seed 7 "$T" > "$BATS_TEST_TMPDIR/6.vec"
	cmp "$BATS_TEST_TMPDIR/5.vec" "$BATS_TEST_TMPDIR/6.vec"
	! cmp -s "$BATS_TEST_TMPDIR/1.vec" "$BATS_TEST_TMPDIR/5.vec"
}

@test "w2v: two threads train (the sanitizer build), CBOW too" {
	for i in 1 2 3 4 5 6 7 8; do cat "$T"; done > "$BATS_TEST_TMPDIR/big.txt"
	run --separate-stderr nlp-w2v -d 8 --min-count 1 -T 2 "$BATS_TEST_TMPDIR/big.txt"
	assert_success
	assert_line -n 0 "20 8"
	run --separate-stderr nlp-w2v --cbow -d 8 --min-count 1 -T 2 "$BATS_TEST_TMPDIR/big.txt"
	assert_success
	assert_line -n 0 "20 8"
	run --separate-stderr nlp-w2v --hs -d 8 --min-count 1 -T 2 "$BATS_TEST_TMPDIR/big.txt"
	assert_success
	assert_line -n 0 "20 8"
	run --separate-stderr nlp-w2v --cbow --hs --neg 3 -d 8 --min-count 1 -T 2 "$BATS_TEST_TMPDIR/big.txt"
	assert_success
	assert_line -n 0 "20 8"
}

# kernel_check MODE NC: one step of the kernel on random tiny inputs against NumPy. MODE
# skipgram or cbow (negative sampling: targets[0] the positive, the rest negatives), or
# skipgram-hs or cbow-hs (hierarchical softmax: C holds the inner nodes' vectors, targets the
# target word's path and codes its branches).
kernel_check() {
	need_python_module numpy
	$PY - "$@" <<'EOF'
import sys, subprocess, numpy as np
mode, nc = sys.argv[1], int(sys.argv[2])
hs = mode.endswith('-hs')
rng = np.random.default_rng(5)
dim, rows, nt, alpha = 7, 6, 4, 0.3
W = rng.uniform(-1, 1, (rows, dim)).astype(np.float32)
C = rng.uniform(-1, 1, (rows, dim)).astype(np.float32)
targets = [2, 0, 5, 3]
codes = [1, 0, 0, 1]
ctx = [1, 4, 0][:nc]
inp = '%s %d %d %d %d %r\n' % (mode, dim, rows, nt, nc, alpha)
inp += ' '.join(repr(float(x)) for x in W.ravel()) + '\n'
inp += ' '.join(repr(float(x)) for x in C.ravel()) + '\n'
inp += ' '.join(map(str, targets)) + '\n'
if hs:
    inp += ' '.join(map(str, codes)) + '\n'
inp += ' '.join(map(str, ctx)) + '\n'
out = subprocess.run(['test-lib', 'w2v-step'], input=inp, capture_output=True, text=True, check=True).stdout.split('\n')
loss = float(out[0])
got = np.array([[float(x) for x in l.split()] for l in out[1:1 + 2 * rows]])
# the reference, in float64
W, C = W.astype(np.float64), C.astype(np.float64)
cbow = mode.startswith('cbow')
h = W[ctx].mean(axis=0) if cbow else W[ctx[0]].copy()
dh = np.zeros(dim)
ref_loss = 0.0
sig = lambda x: 1 / (1 + np.exp(-x))
for k, t in enumerate(targets):
    # negative sampling: the positive's label is 1, the negatives' 0; hierarchical softmax:
    # sigmoid(f) is the probability of branch 0, so the label is 1 - code
    label = 1.0 - codes[k] if hs else (1.0 if k == 0 else 0.0)
    f = h @ C[t]
    ref_loss -= np.log(sig(f) if label else sig(-f))
    g = alpha * (label - sig(f))
    dh += g * C[t]
    C[t] += g * h
for j in (ctx if cbow else ctx[:1]):
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

@test "w2v: the skip-gram hierarchical-softmax step (a path of four nodes) equals NumPy's within 1e-5" {
	run kernel_check skipgram-hs 1
	echo "$output"
	assert_success
}

@test "w2v: the CBOW hierarchical-softmax step (mean of three contexts) equals NumPy's within 1e-5" {
	run kernel_check cbow-hs 3
	echo "$output"
	assert_success
}

@test "w2v: the Huffman codes are optimal and prefix-free, their paths a tree (heapq reference)" {
	run $PY - <<'EOF'
import heapq, random, subprocess, sys

def reference(counts):
    # code lengths of a Huffman code by heapq; a sequence number breaks ties
    heap = [(c, i, [i]) for i, c in enumerate(counts)]
    heapq.heapify(heap)
    length, seq = [0] * len(counts), len(counts)
    while len(heap) > 1:
        c1, _, a = heapq.heappop(heap)
        c2, _, b = heapq.heappop(heap)
        for i in a + b:
            length[i] += 1
        heapq.heappush(heap, (c1 + c2, seq, a + b))
        seq += 1
    return length

def check(name, counts, same_lengths):
    out = subprocess.run(['test-lib', 'w2v-huffman'], input=''.join('%d\n' % c for c in counts),
                         capture_output=True, text=True, check=True).stdout.split('\n')[:-1]
    assert len(out) == len(counts), name
    codes, node = [], {}
    for line in out:
        f = line.split()
        code = '' if f[0] == '-' else f[0]
        points = [int(p) for p in f[1:]]
        assert len(points) == len(code), (name, line)
        # the inner node a prefix of a code leads to is one node, the same for every word
        for d, p in enumerate(points):
            assert node.setdefault(code[:d], p) == p, (name, 'prefix', code[:d])
        codes.append(code)
    n = len(counts)
    assert sorted(node.values()) == list(range(n - 1)), (name, 'inner nodes')
    assert n == 1 or node[''] == n - 2, (name, 'the root')
    for i, a in enumerate(codes):
        for j, b in enumerate(codes):
            assert i == j or not b.startswith(a), (name, 'not prefix-free', a, b)
    got = [len(c) for c in codes]
    want = reference(counts)
    total_got = sum(c * l for c, l in zip(counts, got))
    total_want = sum(c * l for c, l in zip(counts, want))
    print('%s: %d words, weighted length %d (reference %d), longest code %d' %
          (name, n, total_got, total_want, max(got)))
    assert total_got == total_want, name
    if same_lengths:
        assert got == want, (name, got, want)

r = random.Random(4)
check('one word', [7], True)
check('two words', [3, 9], True)
check('the vocabulary order', [5, 3, 2, 1, 1], False)
check('ties', [4, 4, 2, 2, 2, 2, 1, 1, 1, 1], False)
check('zero counts', [9, 0, 0, 0, 0], False)
# distinct large random counts: no ties, so the lengths are those of the one optimal code
big = sorted((r.randrange(1, 10**9) for _ in range(40)), reverse=True)
check('random counts, sorted', big, True)
shuffled = big[:]
r.shuffle(shuffled)
check('random counts, unsorted (a --vocab file)', shuffled, True)
# Fibonacci counts give the longest codes: 70 words, a code of 69 bits (word2vec.c stops at 40)
fib = [1, 1]
while len(fib) < 70:
    fib.append(fib[-1] + fib[-2])
check('Fibonacci counts', fib[::-1], False)
EOF
	echo "$output"
	assert_success
	assert_line --partial "random counts, unsorted (a --vocab file): 40 words"
	assert_line --regexp "^Fibonacci counts: 70 words, weighted length ([0-9]+) \(reference \1\), longest code 69$"
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
	[[ "${stderr_lines[0]}" =~ ^"nlp-w2v: training needs about "[0-9.]+" "[kM]"B of memory: 2.6 kB of parameters (20 words, 8 dimensions)" ]]
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

@test "w2v: --hs takes --neg 0 (its default); --neg 0 alone and --output-vectors with --hs alone exit 2" {
	run --separate-stderr nlp-w2v --hs --neg 0 -d 4 --min-count 1 -T 1 "$T"
	assert_success
	assert_line -n 0 "20 4"
	nlp-w2v --hs -d 4 --min-count 1 -T 1 "$T" > "$BATS_TEST_TMPDIR/default.vec"
	assert_equal "$output" "$(cat "$BATS_TEST_TMPDIR/default.vec")"
	run --separate-stderr nlp-w2v --neg 0 "$T"
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "nlp-w2v: --neg 0 leaves nothing to train without --hs"
	[[ "${stderr_lines[1]}" == "usage: nlp-w2v "* ]]
	run --separate-stderr nlp-w2v --hs --output-vectors "$BATS_TEST_TMPDIR/c.vec" "$T"
	assert_failure 2
	[[ "$stderr" == "nlp-w2v: --output-vectors writes negative sampling's output vectors"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/c.vec" ]
	# with both, --output-vectors writes negative sampling's context vectors, one per word
	run --separate-stderr nlp-w2v --hs --neg 2 -d 4 --min-count 1 -T 1 \
		--output-vectors "$BATS_TEST_TMPDIR/c.vec" --output "$BATS_TEST_TMPDIR/w.vec" "$T"
	assert_success
	run cut -d ' ' -f 1 "$BATS_TEST_TMPDIR/c.vec"
	assert_output "$(cut -d ' ' -f 1 "$BATS_TEST_TMPDIR/w.vec")"
	assert_line -n 0 "20"
	! cmp -s "$BATS_TEST_TMPDIR/w.vec" "$BATS_TEST_TMPDIR/c.vec"
}

@test "w2v: --hs with a --vocab file not sorted by count trains its words in its order" {
	printf 'a1\t1\nb2\t900\na3\t40\nb4\t7\na5\t300\n' > "$BATS_TEST_TMPDIR/vocab.tsv"
	run --separate-stderr nlp-w2v --hs -d 4 -T 1 -v "$BATS_TEST_TMPDIR/vocab.tsv" "$T"
	assert_success
	run cut -d ' ' -f 1 <<< "$output"
	assert_output "$(printf '5\na1\nb2\na3\nb4\na5')"
}

@test "w2v: a corpus on one line of 1.6 MB (text8's shape) is read whole, in pieces, by both threads" {
	awk 'BEGIN { x = 7; for (i = 0; i < 400000; i++) { x = (x * 1103515245 + 12345) % 2147483648;
		printf "%s%s", (i ? " " : ""), "w" int(x / 65536) % 50 } }' > "$BATS_TEST_TMPDIR/one.txt"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/one.txt")" -eq 0 ]
	[ "$(wc -c < "$BATS_TEST_TMPDIR/one.txt")" -gt 1100000 ]
	run --separate-stderr nlp-w2v --progress -d 4 --epochs 1 -T 2 "$BATS_TEST_TMPDIR/one.txt"
	assert_success
	assert_line -n 0 "50 4"
	# every word read once: 400.0k of them (the summary's count), none lost at the threads' border
	[[ "${stderr_lines[-1]}" == "nlp-w2v: 400.0k words, 50 in the vocabulary, 1 epochs, "* ]]
}

@test "w2v: CBOW with subwords on windows that repeat a word and hold long tokens (the sanitizer build)" {
	long=$(printf 'x%.0s' $(seq 1 60))
	{ echo "a b c a b c"; for i in 1 2 3 4 5 6; do printf '%s ' "$long"; done; echo a; } > "$BATS_TEST_TMPDIR/rep.txt"
	run --separate-stderr nlp-w2v --cbow --subword 3-6 --buckets 100 --min-count 1 -d 4 -w 5 -T 2 "$BATS_TEST_TMPDIR/rep.txt"
	assert_success
	assert_line -n 0 "4 4"
	[ "${#lines[@]}" -eq 5 ]
}

@test "w2v: --max-vocab keeps the most frequent words; -M spills the counting to the same vocabulary" {
	run --separate-stderr nlp-w2v --max-vocab 3 -d 4 -T 1 "$T"
	assert_success
	assert_line -n 0 "3 4"
	run cut -d ' ' -f 1 <<<"$output"
	assert_output "$(printf '3\n'; tr ' ' '\n' < "$T" | sort | uniq -c | sort -k1,1nr -k2 | head -n 3 | awk '{ print $2 }')"
	# 60000 distinct words counted in 1 MB: runs spilled and merged, the same vectors
	awk 'BEGIN { for (i = 0; i < 60000; i++) print "w" i, "w" (i + 1), "w" (i + 2) }' > "$BATS_TEST_TMPDIR/many.txt"
	nlp-w2v --min-count 2 -d 2 --epochs 1 -T 1 "$BATS_TEST_TMPDIR/many.txt" > "$BATS_TEST_TMPDIR/a.vec"
	# (to files: run would split the 1.5 MB of vectors into lines)
	nlp-w2v --progress -M 1M --min-count 2 -d 2 --epochs 1 -T 1 "$BATS_TEST_TMPDIR/many.txt" \
		> "$BATS_TEST_TMPDIR/b.vec" 2> "$BATS_TEST_TMPDIR/err" || fail "exit $?: $(cat "$BATS_TEST_TMPDIR/err")"
	[[ "$(< "$BATS_TEST_TMPDIR/err")" == *" runs spilled ("* ]] || fail "$(cat "$BATS_TEST_TMPDIR/err")"
	assert_same "$BATS_TEST_TMPDIR/b.vec" "$BATS_TEST_TMPDIR/a.vec"
	run --separate-stderr nlp-w2v -M 1M -v "$BATS_TEST_TMPDIR/a.vec" "$T"
	assert_failure 2
	[[ "${stderr_lines[0]}" == *"--min-count, --max-vocab and --memory go without it" ]]
}

@test "w2v: --window, --no-shrink and --alpha change the training; --version" {
	nlp-w2v -d 8 --min-count 1 -T 1 --seed 4 "$T" > "$BATS_TEST_TMPDIR/base.vec"
	for opt in "--window 2" "--no-shrink" "--alpha 0.05" "--min-alpha 0.01"; do
		nlp-w2v -d 8 --min-count 1 -T 1 --seed 4 $opt "$T" > "$BATS_TEST_TMPDIR/o.vec"
		head -n 1 "$BATS_TEST_TMPDIR/o.vec" | grep -qx "20 8"
		! cmp -s "$BATS_TEST_TMPDIR/base.vec" "$BATS_TEST_TMPDIR/o.vec" || fail "$opt changed nothing"
	done
	# the default window is 5
	nlp-w2v -d 8 --min-count 1 -T 1 --seed 4 --window 5 "$T" | cmp - "$BATS_TEST_TMPDIR/base.vec"
	run nlp-w2v --version
	assert_success
	assert_output --regexp '^nlp-w2v [0-9]'
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
