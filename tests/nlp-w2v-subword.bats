#!/usr/bin/env bats
# nlp-w2v --subword, --save-model, nlp-w2v oov and nlp-similar --model: the subword input side
# (the mean of a word's rows, the gradient added to each) against NumPy one step at a time; the
# n-grams and their hashes against a Python reference and gensim's copy of fastText's; unseen
# Korean forms near their stems on a tiny synthetic corpus; the model's round trip (oov of the
# vocabulary repeats the written vectors byte for byte); truncated, foreign and inconsistent
# model files rejected; bad options.

load helper

# korean OUT: 1200 sentences of 8 forms (a stem and a particle) drawn by a fixed linear
# congruential generator, mostly forms of the sentence's own stem, so that a stem's forms share
# contexts; four forms never occur (영화관에서, 김치를, 냉면으로, 박물관까지), though their stems
# and, but for 를 and 까지, their particles do.
korean() {
	awk 'BEGIN { n = split("영화관 도서관 박물관 학교 병원 시장 김치 비빔밥 냉면 떡볶이 불고기 만두", S, " ")
		np = split("에서 을 이 은 으로 에 도 의", P, " ")
		held["영화관에서"]; held["김치를"]; held["냉면으로"]; held["박물관까지"]
		x = 12345
		for (s = 0; s < 1200; s++) { line = ""; k = s % n + 1
			for (i = 0; i < 8; i++) {
				do { x = (x * 1103515245 + 12345) % 2147483648; r = int(x / 65536)
					w = (r % 4 ? S[k] : S[int(r / 4) % n + 1]) P[int(r / 64) % np + 1]
				} while (w in held)
				line = line (i ? " " : "") w }
			print line } }' > "$1"
}

setup() {
	K="$BATS_TEST_TMPDIR/ko.txt"
	korean "$K"
	# the options of every model below: small, seeded, one thread
	SMALL="-d 24 --epochs 5 --min-count 1 --sample 0 -T 1 --seed 3"
}

# subword_check NP NC ROWS...: one step of the subword input side on random tiny inputs against
# NumPy: the mean of the input rows (which may repeat) predicts NP targets sets.
subword_check() {
	need_python_module numpy
	$PY - "$@" <<'EOF'
import sys, subprocess, numpy as np
npred, inrows = int(sys.argv[1]), [int(x) for x in sys.argv[2:]]
rng = np.random.default_rng(7)
dim, rows, nt, alpha = 7, 9, 4, 0.3
W = rng.uniform(-1, 1, (rows, dim)).astype(np.float32)
C = rng.uniform(-1, 1, (rows, dim)).astype(np.float32)
targets = rng.integers(0, rows, (npred, nt))
inp = '%d %d %d %d %d %r\n' % (dim, rows, nt, len(inrows), npred, alpha)
inp += ' '.join(repr(float(x)) for x in W.ravel()) + '\n'
inp += ' '.join(repr(float(x)) for x in C.ravel()) + '\n'
inp += ' '.join(map(str, targets.ravel())) + '\n' + ' '.join(map(str, inrows)) + '\n'
out = subprocess.run(['test-lib', 'w2v-subword-step'], input=inp, capture_output=True, text=True,
                     check=True).stdout.split('\n')
loss = float(out[0])
got = np.array([[float(x) for x in l.split()] for l in out[1:1 + 2 * rows]])
# the reference, in float64: h is the mean of the rows; each prediction's gradient goes to dh
# (before its output vectors change); dh is added, unscaled, to each row as often as it is listed
W, C = W.astype(np.float64), C.astype(np.float64)
h = W[inrows].mean(axis=0)
dh = np.zeros(dim)
ref_loss = 0.0
sig = lambda x: 1 / (1 + np.exp(-x))
for p in range(npred):
    for k, t in enumerate(targets[p]):
        label = 1.0 if k == 0 else 0.0
        f = h @ C[t]
        ref_loss -= np.log(sig(f) if label else sig(-f))
        g = alpha * (label - sig(f))
        dh += g * C[t]
        C[t] += g * h
for r in inrows:
    W[r] += dh
want = np.vstack([W, C])
diff = max(np.abs(got - want).max(), abs(loss - ref_loss))
print('largest difference %.3g' % diff)
sys.exit(0 if diff < 1e-5 else 1)
EOF
}

@test "w2v subword: the skip-gram step (a center's 4 rows predict 3 context words) equals NumPy's within 1e-5" {
	run subword_check 3 2 5 7 8
	echo "$output"
	assert_success
	assert_output --partial 'largest difference'
}

@test "w2v subword: the CBOW step (the rows of two context words, one row twice) equals NumPy's within 1e-5" {
	run subword_check 1 1 6 8 3 6 7
	echo "$output"
	assert_success
	assert_output --partial 'largest difference'
}

@test "w2v subword: n-grams and hashes (English, Korean, invalid bytes) equal a Python reference and gensim's fastText hash" {
	printf '%s\n' where 영화관에서 a é '<x>' 'naïve' $'\xff\x80b\xc3' > "$BATS_TEST_TMPDIR/words"
	for spec in "3 6 1000" "1 2 7" "5 5 100" "2 64 2000000"; do
		test-lib subwords $spec < "$BATS_TEST_TMPDIR/words" > "$BATS_TEST_TMPDIR/got.$spec"
	done
	run $PY - "$BATS_TEST_TMPDIR" <<'EOF'
import sys, os
d = sys.argv[1]
words = open(os.path.join(d, 'words'), 'rb').read().split(b'\n')[:-1]

def fnv(b):
    # FNV-1a 32 over the bytes taken as signed chars, as fastText hashes
    h = 2166136261
    for c in b:
        h ^= (c - 256 if c >= 128 else c) & 0xffffffff
        h = (h * 16777619) & 0xffffffff
    return h

def grams(word, minn, maxn):
    try:
        chars = ['<'] + list(word.decode()) + ['>']   # characters, when it is UTF-8
    except UnicodeDecodeError:
        # bytes that are no UTF-8: a character is a byte that is not 10xxxxxx and those after it
        b, chars = b'<' + word + b'>', []
        for c in b:
            if chars and c & 0xc0 == 0x80:
                chars[-1] += bytes([c])
            else:
                chars.append(bytes([c]))
        chars = [c if isinstance(c, bytes) else c.encode() for c in chars]
    chars = [c.encode() if isinstance(c, str) else c for c in chars]
    out = []
    for i in range(len(chars)):
        for n in range(minn, maxn + 1):
            if i + n > len(chars) or (n == 1 and (i == 0 or i + n == len(chars))):
                continue
            out.append(b''.join(chars[i:i + n]))
    return out

try:
    from gensim.models.fasttext_inner import ft_hash_bytes, compute_ngrams_bytes
except ImportError:
    ft_hash_bytes = None
bad, checked = 0, 0
for spec in ('3 6 1000', '1 2 7', '5 5 100', '2 64 2000000'):
    minn, maxn, buckets = map(int, spec.split())
    got = open(os.path.join(d, 'got.' + spec), 'rb').read().split(b'\n\n')[:-1]
    assert len(got) == len(words), (spec, len(got))
    for w, block in zip(words, got):
        lines = block.split(b'\n')
        want = [(g, fnv(g), fnv(g) % buckets) for g in grams(w, minn, maxn)]
        have = [(l.split(b'\t')[0], int(l.split(b'\t')[1]), int(l.split(b'\t')[2])) for l in lines[:-1]]
        tail = lines[-1].split(b'\t')
        rows = [int(x) for x in tail[2].split()] if tail[2] else []
        if have != want or int(tail[1]) != len(want) or rows != [b for _, _, b in want]:
            print('differs:', spec, w, have[:4], want[:4])
            bad += 1
        if ft_hash_bytes:
            try:
                s = w.decode()
            except UnicodeDecodeError:
                continue
            ref = [(g, ft_hash_bytes(g)) for g in compute_ngrams_bytes(s, minn, maxn)]
            if [(g, h) for g, h, _ in have] != ref:
                print('differs from gensim:', spec, w)
                bad += 1
        checked += len(want)
print('%d n-grams checked, %d words differ%s' % (checked, bad, '' if ft_hash_bytes else ' (no gensim)'))
sys.exit(1 if bad else 0)
EOF
	echo "$output"
	assert_success
	assert_output --partial ', 0 words differ'
	# Korean syllables are one character each: 영화관에서 has 7 characters wrapped, 5 n-grams of 5
	run bash -c "printf '영화관에서\n' | test-lib subwords 5 5 100 | cut -f 1"
	assert_output "$(printf '<영화관에\n영화관에서\n화관에서>\n\n')"
}

@test "w2v subword: unseen Korean forms are nearest to their stem's forms (nlp-similar --model)" {
	nlp-w2v $SMALL --subword 2-4 --buckets 2000 --save-model "$BATS_TEST_TMPDIR/ko.w2v" "$K" > /dev/null
	for w in 영화관에서 김치를 냉면으로 박물관까지; do
		run grep -c -w "$w" "$K"
		assert_output 0
		run nlp-similar --model "$BATS_TEST_TMPDIR/ko.w2v" -k 3 "$w"
		echo "$w: $output"
		assert_success
		stem=${w:0:2}
		[ "$(printf '%s\n' "$output" | grep -c "^$stem")" -eq 3 ]
	done
	# an unseen form in an analogy and with -q, a known word too
	run nlp-similar --model "$BATS_TEST_TMPDIR/ko.w2v" -k 2 -q 영화관에서 '김치 김치를 냉면'
	assert_success
	assert_equal "$(printf '%s\n' "$output" | cut -f 1 | sort -u | tr '\n' ' ')" "김치 김치를 냉면 영화관에서 "
	[ "${#lines[@]}" -eq 4 ]
}

@test "w2v subword: nlp-similar --model answers for the vocabulary as the written vectors do" {
	nlp-w2v $SMALL --subword 2-4 --buckets 2000 --save-model "$BATS_TEST_TMPDIR/ko.w2v" "$K" > "$BATS_TEST_TMPDIR/ko.vec"
	run nlp-similar --model "$BATS_TEST_TMPDIR/ko.w2v" -k 5 학교에 '학교에 학교의 병원에'
	assert_success
	model=$output
	run nlp-similar "$BATS_TEST_TMPDIR/ko.vec" -k 5 학교에 '학교에 학교의 병원에'
	assert_success
	# the file's values are rounded to 6 digits: the same words, the scores within 1e-5
	paste <(printf '%s\n' "$model") <(printf '%s\n' "$output") | awk -F'\t' '
		$1 != $3 { print "word " NR ": " $1 " and " $3; bad = 1 }
		($2 - $4) > 1e-5 || ($4 - $2) > 1e-5 { print "score " NR ": " $2 " and " $4; bad = 1 }
		END { exit bad }'
	# a word with no vector is refused, the others answered; exit 1
	run --separate-stderr nlp-similar --model "$BATS_TEST_TMPDIR/ko.w2v" -k 1 학교에 'a b'
	assert_failure 1
	[ "${#lines[@]}" -eq 1 ]
}

@test "w2v subword: the model round trip: oov of the vocabulary writes the trained vectors byte for byte" {
	for mode in --skipgram --cbow; do
		nlp-w2v $mode $SMALL --subword 3-6 --buckets 1000 --save-model "$BATS_TEST_TMPDIR/m.w2v" "$K" > "$BATS_TEST_TMPDIR/v.vec"
		tail -n +2 "$BATS_TEST_TMPDIR/v.vec" | cut -d ' ' -f 1 | nlp-w2v oov --model "$BATS_TEST_TMPDIR/m.w2v" > "$BATS_TEST_TMPDIR/oov.vec"
		assert_same "$BATS_TEST_TMPDIR/oov.vec" "$BATS_TEST_TMPDIR/v.vec"
	done
	# without subwords too, and in binary
	nlp-w2v $SMALL -b --output "$BATS_TEST_TMPDIR/v.bin" --save-model "$BATS_TEST_TMPDIR/plain.w2v" "$K"
	tail -n +2 "$BATS_TEST_TMPDIR/v.vec" | cut -d ' ' -f 1 | nlp-w2v oov -b --model "$BATS_TEST_TMPDIR/plain.w2v" > "$BATS_TEST_TMPDIR/oov.bin"
	assert_same "$BATS_TEST_TMPDIR/oov.bin" "$BATS_TEST_TMPDIR/v.bin"
	# the size is the header, the words and the matrix: 94 words, 24 dimensions, no buckets
	words=$(tail -n +2 "$BATS_TEST_TMPDIR/v.vec" | cut -d ' ' -f 1 | wc -c)
	run stat -c %s "$BATS_TEST_TMPDIR/plain.w2v"
	assert_output "$((128 + words - 94 + 94 * 12 + 94 * 24 * 4))"
}

@test "w2v subword: oov: unseen words get their n-grams' mean; repeats once; no vector: a message, exit 1" {
	nlp-w2v $SMALL --subword 3-4 --buckets 1000 --save-model "$BATS_TEST_TMPDIR/m.w2v" "$K" > /dev/null
	run --separate-stderr nlp-w2v oov --model "$BATS_TEST_TMPDIR/m.w2v" <<< $'영화관에서 김치를\n\n  영화관에서\tx'
	assert_success
	assert_line -n 0 "3 24"
	assert_equal "$(printf '%s\n' "$output" | cut -d ' ' -f 1 | tr '\n' ' ')" "3 영화관에서 김치를 x "
	# gensim reads it
	if $PY -c 'import gensim' 2>/dev/null; then
		printf '%s\n' "$output" > "$BATS_TEST_TMPDIR/oov.vec"
		$PY -c 'import sys, logging; logging.disable(logging.CRITICAL)
from gensim.models import KeyedVectors
k = KeyedVectors.load_word2vec_format(sys.argv[1]); assert len(k) == 3' "$BATS_TEST_TMPDIR/oov.vec"
	fi
	# too short for n-grams of 5 and 6 characters: "<x>" has 3
	nlp-w2v $SMALL --subword 5-6 --buckets 1000 --save-model "$BATS_TEST_TMPDIR/long.w2v" "$K" > /dev/null
	run --separate-stderr nlp-w2v oov --model "$BATS_TEST_TMPDIR/long.w2v" <<< $'x 김치를'
	assert_failure 1
	assert_equal "$stderr" "nlp-w2v: 'x': not in the vocabulary, and no n-gram of 5 to 6 characters"
	assert_line -n 0 "1 24"
	assert_equal "$(printf '%s\n' "$output" | cut -d ' ' -f 1 | tr '\n' ' ')" "1 김치를 "
	# a model without subwords knows only its vocabulary
	nlp-w2v $SMALL --save-model "$BATS_TEST_TMPDIR/plain.w2v" "$K" > /dev/null
	run --separate-stderr nlp-w2v oov --model "$BATS_TEST_TMPDIR/plain.w2v" <<< $'학교에 김치를'
	assert_failure 1
	assert_equal "$stderr" "nlp-w2v: '김치를': not in the vocabulary, and the model has no subwords"
	assert_line -n 0 "1 24"
	assert_line -n 1 --partial "학교에 "
	run --separate-stderr nlp-similar --model "$BATS_TEST_TMPDIR/plain.w2v" 김치를
	assert_failure 1
	assert_equal "$stderr" "nlp-similar: '김치를' is not among the vectors"
}

@test "w2v subword: truncated, foreign and inconsistent model files are rejected (exit 1, the reason)" {
	local m="$BATS_TEST_TMPDIR/m.w2v" b="$BATS_TEST_TMPDIR/bad"
	nlp-w2v $SMALL --subword 3-4 --buckets 1000 --save-model "$m" "$K" > "$BATS_TEST_TMPDIR/v.vec"
	size=$(stat -c %s "$m")
	# check FILE MESSAGE: both readers refuse FILE with "FILE: MESSAGE"
	check() {
		run --separate-stderr nlp-w2v oov --model "$1" <<< 학교에
		echo "$stderr"
		assert_failure 1
		assert_output ''
		assert_equal "$stderr" "nlp-w2v: $1: $2"
		run --separate-stderr nlp-similar --model "$1" 학교에
		assert_failure 1
		assert_equal "$stderr" "nlp-similar: $1: $2"
	}
	for n in 100 $((size - 1)) $((size / 2)); do
		head -c $n "$m" > "$b"
		run --separate-stderr nlp-w2v oov --model "$b" <<< 학교에
		echo "$n: $stderr"
		assert_failure 1
		[[ "$stderr" == "nlp-w2v: $b: truncated: "* ]]
	done
	check "$BATS_TEST_TMPDIR/v.vec" "not an nlp-w2v model (no NLPW2VMD at its start)"
	: > "$b"
	check "$b" "an empty file, not an nlp-w2v model"
	# patch OFFSET BYTES: the model with BYTES (printf escapes) written at OFFSET
	patch() {
		cp "$m" "$b"
		printf "$2" | dd of="$b" bs=1 seek="$1" conv=notrunc status=none
	}
	patch 8 '\002\000\000\000'
	check "$b" "a model of version 2; this nlp-w2v reads version 1"
	patch 12 '\001\002\003\004'
	check "$b" "a model written in big-endian byte order; this one is little-endian"
	patch 20 '\377\377\377\177' # dim
	check "$b" "the dimension 2147483647 is not within 1..10000"
	patch 24 '\000\000\000\001' # 2^24 words: a header that asks for more than the file holds
	check "$b" "truncated: the header gives 16777216 words and 1000 buckets of 24 dimensions and a word table of $(od -An -tu8 -j112 -N8 "$m" | tr -d ' ') bytes, more than the file's $size bytes"
	patch 32 '\000\000\000\000' # no buckets, but n-gram lengths
	check "$b" "n-grams of 3 to 4 characters but no buckets"
	patch 128 '\000\000\000\000' # the first word's length
	check "$b" "word 1 (byte 128): a length of 0 bytes"
	patch 132 ' ' # a blank in the first word
	[[ "$(nlp-w2v oov --model "$b" <<< x 2>&1)" == *"word 1, '"*"', has a blank" ]]
	# a value that is not a number: the last float of the file
	patch $((size - 4)) '\000\000\300\177'
	check "$b" "bucket 1000, value 24: not a finite number"
	# one byte more than the header gives
	cp "$m" "$b" && printf x >> "$b"
	run --separate-stderr nlp-w2v oov --model "$b" <<< 학교에
	assert_failure 1
	[[ "$stderr" == "nlp-w2v: $b: $((size - 127)) bytes after the header, the header gives $((size - 128)) "* ]]
	# not a regular file
	run --separate-stderr nlp-w2v oov --model /dev/null <<< x
	assert_failure 1
	assert_equal "$stderr" "nlp-w2v: /dev/null: not a regular file: a model is read from a file"
	run --separate-stderr nlp-w2v oov --model "$BATS_TEST_TMPDIR/nonesuch" <<< x
	assert_failure 1
	[[ "$stderr" == "nlp-w2v: open $BATS_TEST_TMPDIR/nonesuch: No such file or directory" ]]
}

@test "w2v subword: a seeded single-threaded run repeats; two threads train (the sanitizer build), CBOW too" {
	nlp-w2v $SMALL --subword 3-6 --buckets 1000 "$K" > "$BATS_TEST_TMPDIR/1.vec"
	nlp-w2v $SMALL --subword 3-6 --buckets 1000 "$K" > "$BATS_TEST_TMPDIR/2.vec"
	assert_same "$BATS_TEST_TMPDIR/1.vec" "$BATS_TEST_TMPDIR/2.vec"
	# the words' rows start as without subwords, but train otherwise
	nlp-w2v $SMALL "$K" > "$BATS_TEST_TMPDIR/3.vec"
	! cmp -s "$BATS_TEST_TMPDIR/1.vec" "$BATS_TEST_TMPDIR/3.vec"
	for i in 1 2 3 4; do cat "$K"; done > "$BATS_TEST_TMPDIR/big.txt"
	for mode in --skipgram --cbow; do
		run --separate-stderr nlp-w2v $mode -d 8 --min-count 1 -T 2 --epochs 1 --subword 2-5 --buckets 500 "$BATS_TEST_TMPDIR/big.txt"
		assert_success
		assert_line -n 0 "94 8"
		[ "${#lines[@]}" -eq 95 ]
	done
}

@test "w2v subword: with hierarchical softmax (--hs alone, and with negatives), the round trip holds" {
	for out in "--hs" "--hs --neg 3 --cbow"; do
		nlp-w2v $out $SMALL --subword 2-4 --buckets 500 --save-model "$BATS_TEST_TMPDIR/hs.w2v" "$K" > "$BATS_TEST_TMPDIR/hs.vec"
		tail -n +2 "$BATS_TEST_TMPDIR/hs.vec" | cut -d ' ' -f 1 | nlp-w2v oov --model "$BATS_TEST_TMPDIR/hs.w2v" > "$BATS_TEST_TMPDIR/oov.vec"
		assert_same "$BATS_TEST_TMPDIR/oov.vec" "$BATS_TEST_TMPDIR/hs.vec"
		run nlp-similar --model "$BATS_TEST_TMPDIR/hs.w2v" -k 3 김치를
		assert_success
		[ "${#lines[@]}" -eq 3 ]
	done
	# the header records it: hs 1 at offset 68, the negatives (0 with --hs alone) at 60
	nlp-w2v --hs $SMALL --subword 2-4 --buckets 500 --save-model "$BATS_TEST_TMPDIR/hs.w2v" "$K" > /dev/null
	run od -An -tu4 -j60 -N12 "$BATS_TEST_TMPDIR/hs.w2v"
	assert_equal "$(echo $output)" "0 5 1"
}

@test "w2v subword: the buckets count in the memory a run needs, and a run that cannot fit stops" {
	run --separate-stderr nlp-w2v --progress $SMALL --subword 3-6 --buckets 1000 "$K"
	assert_success
	[[ "$stderr" == *"training needs about "*" of parameters (94 words and 1000 buckets, 24 dimensions)"* ]]
	run --separate-stderr nlp-w2v -d 10000 --min-count 1 --subword 3-6 --buckets 100000000 "$K"
	assert_failure 1
	assert_output ''
	[[ "$stderr" == "nlp-w2v: training needs about "*" of parameters: 94 words and 100000000 buckets, 10000 dimensions), more than the "*" of memory: keep fewer words (--min-count, --max-vocab), buckets (--buckets) or dimensions" ]]
}

@test "w2v subword: bad options exit 2 with a usage line" {
	for bad in "--subword 0" "--subword 7-3" "--subword 3-65" "--subword x" "--subword 3-" \
		"--subword 3-6 --buckets 0" "--subword 3-6 --buckets 100000001" "--buckets 10"; do
		run --separate-stderr nlp-w2v $bad "$K"
		echo "$bad: $stderr"
		assert_failure 2
		[[ "$stderr" == nlp-w2v:* || "$stderr" == usage:* ]]
	done
	run --separate-stderr nlp-w2v oov < /dev/null
	assert_failure 2
	[[ "$stderr" == "nlp-w2v: oov needs the model: --model FILE"* ]]
	run --separate-stderr nlp-similar --model x --format text y
	assert_failure 2
	run nlp-w2v oov -h
	assert_success
	assert_line -n 1 --partial "nlp-w2v oov --model file"
}
