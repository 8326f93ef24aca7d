#!/usr/bin/env bats
# nlp-classify: text classifiers (issue 15), on tiny models (--emb 8 --hidden 8, 1 to 3 epochs)
# trained on tests/data/cls (gen.sh: 300/100/100 tokenized NSMC reviews, a synthetic 3-class text
# whose class is a keyword, bad inputs). Train: every option's mark on the model file (its header
# fields, its size by nlp-classify-model(5)'s formula) or on the predictions, the keyword text
# learnt to 95%, determinism (-T 1 and -T 2 the same bytes for a recurrent model, a seeded linear
# run repeated), --pretrained and --freeze on the embedding's rows, --valid and --patience on the
# log; predict's format, --probs, --show-attention, --max-len; eval's report against an awk
# computation from predict's output and --json through Python's json; bad text, damaged models,
# models of another kind and usage errors with their exit status and message. The kernels are
# tests/test-cls.c and tests/test-linear.c (tests/cls-linear.bats).

load helper

CD="$DATA/cls"
KW="$CD/kw-train.tsv"
KWT="$CD/kw-test.tsv"
NS="$CD/nsmc-train.tsv"
NSV="$CD/nsmc-valid.tsv"
NST="$CD/nsmc-test.tsv"
TAB=$'\t'
# the tiny recurrent configuration most tests train
TINY=(--emb 8 --hidden 8 --epochs 1 -T 1)

setup_file() {
	command -v nlp-classify >/dev/null || return 0
	local d="$BATS_FILE_TMPDIR"
	# the shared models: a recurrent one (attention) and a linear one that have learnt the
	# keyword text, and a recurrent one of the reviews
	nlp-classify train --emb 8 --hidden 8 --epochs 3 --lr 0.05 --batch 16 -T 1 \
		--output "$d/kw.cls" "$KW"
	nlp-classify train --linear --dim 8 --epochs 5 --lr 0.5 -T 1 --output "$d/kw.ft" "$KW"
	nlp-classify train "${TINY[@]}" --epochs 2 --output "$d/ns.cls" "$NS"
}

setup() {
	command -v nlp-classify >/dev/null || skip "nlp-classify is not built"
	T="$BATS_TEST_TMPDIR"
	M="$BATS_FILE_TMPDIR/kw.cls"
	LM="$BATS_FILE_TMPDIR/kw.ft"
	NM="$BATS_FILE_TMPDIR/ns.cls"
}

# ---- helpers ----

# field MODEL NAME: a field of the model's header, by nlp-classify-model(5)'s names. The header
# is read by one Python for all its fields, kept in the test's directory under the file's path,
# size, modification time and inode (a test asks for many fields of one model, and may write
# another model where one was).
field() {
	local id cache name value
	id=$(stat -c '%s-%y-%i' -- "$1") || return 1
	cache="$BATS_TEST_TMPDIR/.fields${1//[^A-Za-z0-9]/_}-${id//[^0-9]/_}"
	if [ ! -f "$cache" ]; then
		$PY - "$1" > "$cache.new" <<'EOF' || return 1
import struct, sys
d = open(sys.argv[1], 'rb').read(256)
u = dict(zip(('kind classes words emb cell layers hidden bidirectional pool attention max_len '
              'word_ngrams minn maxn buckets loss kept epochs batch').split(),
             struct.unpack_from('<19I', d, 64)))
u.update(zip('dropout rdropout lr'.split(), struct.unpack_from('<3d', d, 144)))
u['seed'], = struct.unpack_from('<Q', d, 168)
u['valid_acc'], = struct.unpack_from('<d', d, 176)
u['parameters'], = struct.unpack_from('<Q', d, 32)
for k, v in u.items():
    print(k, v)
EOF
		mv "$cache.new" "$cache"
	fi
	while read -r name value; do
		[ "$name" = "$2" ] && { echo "$value"; return 0; }
	done < "$cache"
	echo "field: no field $2" >&2
	return 1
}

# layout MODEL: "ok" when the header's parameter count is nlp-classify-model(5)'s formula of its
# configuration (a recurrent model's embedding with character n-grams has words + buckets rows)
# and the file's size is 256 + the tables + the padding to 64 + 4 per parameter; else why not.
layout() {
	$PY - "$1" <<'EOF'
import os, struct, sys
d = open(sys.argv[1], 'rb').read()
tb, P = struct.unpack_from('<2Q', d, 24)
(kind, C, V, E, cell, L, H, bi, pool, A, maxlen, ng, minn, maxn, buckets, loss,
 K) = struct.unpack_from('<17I', d, 64)
if kind == 0:
    G = {0: 1, 1: 4, 2: 3}[cell]
    D = 2 if bi else 1
    want = (V + (buckets if maxn else 0)) * E + A * (D * H + 2) + C * (D * H + 1)
    for l in range(L):
        I = E if l == 0 else D * H
        want += D * G * H * (I + H + 2)
else:
    want = (V + K) * E + K + (C * E if loss == 0 else (C - 1) * E + C)
size = 256 + tb
size += -size % 64 + 4 * P
if P != want or len(d) != size:
    print('parameters %d, formula %d; size %d, expected %d' % (P, want, len(d), size))
else:
    print('ok')
EOF
}

# rows MODEL: the first tensor's rows of the words (the embedding, or the linear model's "in"),
# "word v1 v2 ..." a line in id order, the values as Python's repr of the float32.
rows() {
	$PY - "$1" <<'EOF'
import struct, sys
d = open(sys.argv[1], 'rb').read()
tb, = struct.unpack_from('<Q', d, 24)
C, V, E = struct.unpack_from('<3I', d, 68)
at = 256
words = []
for t in range(2):
    n, = struct.unpack_from('<I', d, at)
    at += 4
    for _ in range(n):
        k, = struct.unpack_from('<I', d, at)
        if t == 1:
            words.append(d[at + 4:at + 4 + k].decode())
        at += 4 + k
p = 256 + tb
p += -p % 64
for w in range(V):
    v = struct.unpack_from('<%df' % E, d, p + 4 * E * w)
    print(w and words[w] or words[0], ' '.join(repr(x) for x in v))
EOF
}

# labels MODEL: the model's labels, one a line, in class order.
labels() {
	$PY - "$1" <<'EOF'
import struct, sys
d = open(sys.argv[1], 'rb').read()
n, = struct.unpack_from('<I', d, 256)
at = 260
for _ in range(n):
    k, = struct.unpack_from('<I', d, at)
    print(d[at + 4:at + 4 + k].decode())
    at += 4 + k
EOF
}

# accuracy MODEL FILE: eval's accuracy, the figure alone.
accuracy() {
	nlp-classify eval --model "$1" "$2" | awk 'NR == 1 { print $2 }'
}

# ---- the model file ----

@test "train: the recurrent model's header and size (the defaults: lstm, 1 layer, attention of D H)" {
	run -0 field "$M" kind; assert_output 0
	run -0 field "$M" classes; assert_output 3
	# the words: <unk> and every distinct word of the text (--min-count 1)
	n=$(cut -f 2 "$KW" | tr ' ' '\n' | sort -u | wc -l)
	run -0 field "$M" words; assert_output $((n + 1))
	run -0 field "$M" emb; assert_output 8
	run -0 field "$M" cell; assert_output 1
	run -0 field "$M" layers; assert_output 1
	run -0 field "$M" hidden; assert_output 8
	run -0 field "$M" bidirectional; assert_output 0
	run -0 field "$M" pool; assert_output 3
	run -0 field "$M" attention; assert_output 8
	run -0 field "$M" epochs; assert_output 3
	run -0 field "$M" batch; assert_output 16
	# the rate as training had it, a float32 widened
	run -0 field "$M" lr; assert_output 0.05000000074505806
	run -0 field "$M" dropout; assert_output 0.30000001192092896
	run -0 field "$M" seed; assert_output 1
	run -0 field "$M" valid_acc; assert_output nan
	run -0 layout "$M"; assert_output ok
	# labels and words by count, then bytes: the three labels have 100 lines each
	run -0 labels "$M"; assert_output "$(printf 'food\nsport\ntech')"
	run -0 rows "$M"; assert_line -n 0 --regexp '^<unk> '
	head -c 8 "$M" | grep -q '^NLPCLSFY$'
}

@test "train: the keyword text learnt to at least 95% by both kinds" {
	run -0 accuracy "$M" "$KWT"
	awk -v a="$output" 'BEGIN { exit !(a >= 0.95) }'
	run -0 accuracy "$LM" "$KWT"
	awk -v a="$output" 'BEGIN { exit !(a >= 0.95) }'
}

@test "train: --cell rnn, lstm, gru: the header's cell, the gates in the size, other predictions" {
	for c in rnn lstm gru; do
		nlp-classify train "${TINY[@]}" --cell "$c" --output "$T/$c" "$KW"
		run -0 layout "$T/$c"; assert_output ok
		nlp-classify predict --model "$T/$c" "$KWT" > "$T/$c.out"
	done
	run -0 field "$T/rnn" cell; assert_output 0
	run -0 field "$T/lstm" cell; assert_output 1
	run -0 field "$T/gru" cell; assert_output 2
	# 1, 4 and 3 gates: the files grow with them
	[ "$(stat -c %s "$T/rnn")" -lt "$(stat -c %s "$T/gru")" ]
	[ "$(stat -c %s "$T/gru")" -lt "$(stat -c %s "$T/lstm")" ]
	! cmp -s "$T/rnn.out" "$T/lstm.out"
	! cmp -s "$T/gru.out" "$T/lstm.out"
	cmp "$T/lstm" <(cat "$T/lstm")
	nlp-classify train "${TINY[@]}" --output "$T/default" "$KW"
	cmp "$T/default" "$T/lstm"
}

@test "train: --layers 2 and --bidirectional: the header, the size, the attention of 2 H" {
	nlp-classify train "${TINY[@]}" --layers 2 --output "$T/l2" "$KW"
	run -0 field "$T/l2" layers; assert_output 2
	run -0 layout "$T/l2"; assert_output ok
	nlp-classify train "${TINY[@]}" --bidirectional --output "$T/bi" "$KW"
	run -0 field "$T/bi" bidirectional; assert_output 1
	run -0 field "$T/bi" attention; assert_output 16
	run -0 layout "$T/bi"; assert_output ok
	nlp-classify train "${TINY[@]}" --bidirectional --layers 2 --cell gru --output "$T/bi2" "$KW"
	run -0 layout "$T/bi2"; assert_output ok
	run -0 nlp-classify predict --model "$T/bi2" "$KWT"
	assert_equal "${#lines[@]}" "$(wc -l < "$KWT")"
}

@test "train: --pool last, mean, max, attention: the header, no attention tensors but with it, other predictions" {
	for p in last mean max attention; do
		nlp-classify train "${TINY[@]}" --pool "$p" --output "$T/$p" "$KW"
		run -0 layout "$T/$p"; assert_output ok
		nlp-classify predict --model "$T/$p" --probs "$KWT" > "$T/$p.out"
	done
	run -0 field "$T/last" pool; assert_output 0
	run -0 field "$T/mean" pool; assert_output 1
	run -0 field "$T/max" pool; assert_output 2
	run -0 field "$T/attention" pool; assert_output 3
	for p in last mean max; do
		run -0 field "$T/$p" attention; assert_output 0
	done
	# the same initial layers and seed: only the pooling makes the predictions differ
	! cmp -s "$T/last.out" "$T/mean.out"
	! cmp -s "$T/mean.out" "$T/max.out"
	! cmp -s "$T/max.out" "$T/attention.out"
}

@test "train: --attention-size: A in the header and the size" {
	nlp-classify train "${TINY[@]}" --attention-size 3 --output "$T/a3" "$KW"
	run -0 field "$T/a3" attention; assert_output 3
	run -0 layout "$T/a3"; assert_output ok
	nlp-classify train "${TINY[@]}" --bidirectional --attention-size 5 --output "$T/a5" "$KW"
	run -0 field "$T/a5" attention; assert_output 5
	run -0 layout "$T/a5"; assert_output ok
}

@test "train: --dropout and --recurrent-dropout: kept in the header, they change the model" {
	nlp-classify train "${TINY[@]}" --dropout 0 --output "$T/d0" "$KW"
	nlp-classify train "${TINY[@]}" --dropout 0.5 --output "$T/d5" "$KW"
	nlp-classify train "${TINY[@]}" --dropout 0 --recurrent-dropout 0.5 --output "$T/r5" "$KW"
	run -0 field "$T/d0" dropout; assert_output 0.0
	run -0 field "$T/d5" dropout; assert_output 0.5
	run -0 field "$T/r5" rdropout; assert_output 0.5
	run -0 field "$T/d5" rdropout; assert_output 0.0
	! cmp -s "$T/d0" "$T/d5"
	! cmp -s "$T/d0" "$T/r5"
	# the same layout: dropout is training's only
	[ "$(stat -c %s "$T/d0")" -eq "$(stat -c %s "$T/r5")" ]
	# predictions have no dropout: the same input, the same output, run after run
	run -0 nlp-classify predict --model "$T/d5" --probs "$KWT"
	first=$output
	run -0 nlp-classify predict --model "$T/d5" --probs "$KWT"
	assert_equal "$output" "$first"
}

@test "train: --subword with --buckets (recurrent): the n-gram rows, unknown words told apart" {
	nlp-classify train "${TINY[@]}" --subword 2-3 --buckets 64 --output "$T/sw" "$KW"
	run -0 field "$T/sw" minn; assert_output 2
	run -0 field "$T/sw" maxn; assert_output 3
	run -0 field "$T/sw" buckets; assert_output 64
	run -0 layout "$T/sw"; assert_output ok
	nlp-classify train "${TINY[@]}" --subword 2-3 --buckets 32 --output "$T/sw32" "$KW"
	[ $(($(stat -c %s "$T/sw") - $(stat -c %s "$T/sw32"))) -eq $((32 * 8 * 4)) ]
	# two words the model never saw: both <unk> without n-grams, told apart by theirs
	nlp-classify train "${TINY[@]}" --output "$T/plain" "$KW"
	run -0 nlp-classify predict --model "$T/plain" --probs <<< $'zzgoalzz\nqqsoupqq'
	assert_equal "${lines[0]}" "${lines[1]}"
	run -0 nlp-classify predict --model "$T/sw" --probs <<< $'zzgoalzz\nqqsoupqq'
	[ "${lines[0]}" != "${lines[1]}" ]
}

@test "train: --pretrained (word2vec text): --emb from its dimension, the rows of its words copied" {
	# two words of the text and one it does not have, 4 dimensions; float32-exact values
	printf '3 4\ngoal 0.5 -0.25 0.125 1\nsoup -1 2 0.75 -0.5\nnothere 1 1 1 1\n' > "$T/vec.txt"
	nlp-classify train --hidden 4 --epochs 1 -T 1 --lr 1e-9 --optimizer sgd \
		--pretrained "$T/vec.txt" --output "$T/pre" "$KW"
	run -0 field "$T/pre" emb; assert_output 4
	run -0 rows "$T/pre"
	# a rate of 1e-9 with sgd: the rows are the pretrained ones, to float32's precision
	assert_line --regexp '^goal 0\.5 -0\.25 0\.125 1\.0$|^goal 0\.4999'
	assert_line --regexp '^soup -1\.0 2\.0 0\.75 -0\.5$|^soup -0\.9999|^soup -1\.0000'
	refute_line --regexp '^nothere '
	# another dimension than --emb's: a runtime error
	run -1 nlp-classify train --emb 8 --hidden 4 --epochs 1 --pretrained "$T/vec.txt" \
		--output "$T/x" "$KW"
	assert_output --partial 'the pretrained vectors have 4 dimensions, the embedding 8'
	[ ! -e "$T/x" ]
}

@test "train: --freeze: the embedding unchanged by training, predictions unlike the unfrozen run's, repeated" {
	printf '2 8\ngoal 0.5 -0.25 0.125 1 0 0 0 0.5\nsoup -1 2 0.75 -0.5 0 0 0 0.25\n' > "$T/vec.txt"
	for e in 1 3; do
		nlp-classify train --hidden 8 --epochs $e -T 1 --lr 0.05 --pretrained "$T/vec.txt" \
			--freeze --output "$T/fz$e" "$KW"
		rows "$T/fz$e" > "$T/fz$e.rows"
	done
	# three epochs of Adam at 0.05 left the embedding as the first epoch did: as initialised
	cmp "$T/fz1.rows" "$T/fz3.rows"
	grep -qx 'goal 0.5 -0.25 0.125 1.0 0.0 0.0 0.0 0.5' "$T/fz3.rows"
	grep -qx 'soup -1.0 2.0 0.75 -0.5 0.0 0.0 0.0 0.25' "$T/fz3.rows"
	# the rest of the model has learnt
	! cmp -s "$T/fz1" "$T/fz3"
	nlp-classify train --hidden 8 --epochs 3 -T 1 --lr 0.05 --pretrained "$T/vec.txt" \
		--output "$T/nofz" "$KW"
	rows "$T/nofz" > "$T/nofz.rows"
	! cmp -s "$T/nofz.rows" "$T/fz3.rows"
	! grep -qx 'goal 0.5 -0.25 0.125 1.0 0.0 0.0 0.0 0.5' "$T/nofz.rows"
	run -0 nlp-classify predict --model "$T/fz3" --probs "$KWT"
	frozen=$output
	run -0 nlp-classify predict --model "$T/nofz" --probs "$KWT"
	[ "$output" != "$frozen" ]
	nlp-classify train --hidden 8 --epochs 3 -T 1 --lr 0.05 --pretrained "$T/vec.txt" \
		--freeze --output "$T/fz3b" "$KW"
	cmp "$T/fz3" "$T/fz3b"
}

@test "train: --max-len: in the header; predict reads the first N tokens alone" {
	nlp-classify train "${TINY[@]}" --max-len 2 --output "$T/ml" "$KW"
	run -0 field "$T/ml" max_len; assert_output 2
	run -0 nlp-classify predict --model "$T/ml" --probs <<< $'the a goal soup chip\nthe a'
	assert_equal "${lines[0]}" "${lines[1]}"
	run -0 nlp-classify predict --model "$T/ml" --show-attention <<< 'the a goal soup chip'
	[[ "$output" == *"${TAB}the/"*" a/"* ]]
	[[ "$output" != *goal* ]]
	nlp-classify train "${TINY[@]}" --output "$T/all" "$KW"
	run -0 nlp-classify predict --model "$T/all" --probs <<< $'the a goal soup chip\nthe a'
	[ "${lines[0]}" != "${lines[1]}" ]
}

@test "train: --optimizer sgd and --lr: the rate's defaults (0.001 adam, 0.1 sgd), kept and logged" {
	nlp-classify train "${TINY[@]}" --optimizer sgd --log "$T/sgd.log" --output "$T/sgd" "$KW"
	run -0 field "$T/sgd" lr; assert_output 0.10000000149011612
	run -0 awk -F '\t' 'NR == 2 { print $2 }' "$T/sgd.log"; assert_output 0.1
	nlp-classify train "${TINY[@]}" --log "$T/adam.log" --output "$T/adam" "$KW"
	run -0 awk -F '\t' 'NR == 2 { print $2 }' "$T/adam.log"; assert_output 0.001
	nlp-classify train "${TINY[@]}" --optimizer sgd --lr 0.5 --log "$T/lr.log" --output "$T/lr" "$KW"
	run -0 field "$T/lr" lr; assert_output 0.5
	run -0 awk -F '\t' 'NR == 2 { print $2 }' "$T/lr.log"; assert_output 0.5
	! cmp -s "$T/sgd" "$T/adam"
	! cmp -s "$T/sgd" "$T/lr"
	nlp-classify train "${TINY[@]}" --optimizer adam --output "$T/adam2" "$KW"
	cmp "$T/adam" "$T/adam2"
}

@test "train: --batch and --clip change the model; --batch is kept in the header" {
	nlp-classify train "${TINY[@]}" --batch 4 --output "$T/b4" "$KW"
	nlp-classify train "${TINY[@]}" --output "$T/b64" "$KW"
	run -0 field "$T/b4" batch; assert_output 4
	run -0 field "$T/b64" batch; assert_output 64
	! cmp -s "$T/b4" "$T/b64"
	# clipping at a tiny norm slows every step; 0 is no clipping, like a huge norm
	nlp-classify train "${TINY[@]}" --clip 0.001 --output "$T/c" "$KW"
	nlp-classify train "${TINY[@]}" --clip 0 --output "$T/c0" "$KW"
	nlp-classify train "${TINY[@]}" --clip 1e9 --output "$T/cbig" "$KW"
	! cmp -s "$T/c" "$T/b64"
	cmp "$T/c0" "$T/cbig"
}

@test "train: --epochs and --log: the header line, a line an epoch, nan without --valid" {
	nlp-classify train "${TINY[@]}" --epochs 3 --log "$T/log" --output "$T/m" "$KW"
	run -0 field "$T/m" epochs; assert_output 3
	run -0 head -n 1 "$T/log"
	assert_output "epoch${TAB}lr${TAB}train_loss${TAB}train_acc${TAB}valid_loss${TAB}valid_acc${TAB}examples_per_s${TAB}seconds"
	run -0 awk -F '\t' 'NR > 1 && NF == 8 && $1 == NR - 1 && $5 == "nan" && $6 == "nan" &&
		$3 > 0 && $4 >= 0 && $4 <= 1 && $7 > 0 && $8 >= 0 { n++ } END { print n, NR }' "$T/log"
	assert_output '3 4'
	# the figures' formats: lr %.6g, accuracy and loss as decimals, %.1f and %.2f
	run -0 awk -F '\t' 'NR > 1 { print ($3 ~ /^[0-9]+\.[0-9]+$/) ($4 ~ /^[01]\.[0-9]+$/) \
		($7 ~ /^[0-9]+\.[0-9]$/) ($8 ~ /^[0-9]+\.[0-9][0-9]$/) }' "$T/log"
	assert_output "$(printf '1111\n1111\n1111')"
}

@test "train: --valid with --patience: fewer epochs in the log, the best epoch kept" {
	# a rate too small to move the validation accuracy: it stops after the first epoch + 1
	nlp-classify train "${TINY[@]}" --epochs 20 --lr 1e-6 --valid "$NSV" --patience 1 \
		--log "$T/log" --output "$T/m" "$NS"
	run -0 awk 'END { print NR - 1 }' "$T/log"
	assert_output 2
	run -0 awk -F '\t' 'NR > 1 && ($5 == "nan" || $6 == "nan") { print }' "$T/log"
	assert_output ''
	# the best: the highest accuracy, of equal ones the lowest loss
	best=$(awk -F '\t' 'NR > 1 && (b == "" || $6 > b || ($6 == b && $5 < l)) { b = $6; l = $5; e = $1 }
		END { print e }' "$T/log")
	run -0 field "$T/m" epochs; assert_output "$best"
	# the accuracy kept in the header is eval's on the validation text
	acc=$(field "$T/m" valid_acc)
	run -0 accuracy "$T/m" "$NSV"
	awk -v a="$acc" -v b="$output" 'BEGIN { exit !(a - b < 1e-4 && b - a < 1e-4) }'
	# --patience 0 never stops
	nlp-classify train "${TINY[@]}" --epochs 4 --lr 1e-6 --valid "$NSV" --patience 0 \
		--log "$T/log0" --output "$T/m0" "$NS"
	run -0 awk 'END { print NR - 1 }' "$T/log0"
	assert_output 4
	[ ! -e "$T/m.tmp" ]
}

@test "train: --min-count: rarer words leave the vocabulary" {
	nlp-classify train "${TINY[@]}" --min-count 2 --output "$T/m" "$NS"
	n=$(cut -f 2 "$NS" | tr ' ' '\n' | grep -v '^$' | sort | uniq -c | awk '$1 >= 2' | wc -l)
	run -0 field "$T/m" words; assert_output $((n + 1))
	run -0 layout "$T/m"; assert_output ok
}

@test "train: -T 1 and -T 2 write the same recurrent model; --seed changes it" {
	nlp-classify train --emb 8 --hidden 8 --epochs 2 --bidirectional -T 1 --output "$T/t1" "$NS"
	nlp-classify train --emb 8 --hidden 8 --epochs 2 --bidirectional -T 2 --output "$T/t2" "$NS"
	cmp "$T/t1" "$T/t2"
	nlp-classify train --emb 8 --hidden 8 --epochs 2 --bidirectional --seed 7 --output "$T/s7" "$NS"
	run -0 field "$T/s7" seed; assert_output 7
	! cmp -s "$T/t1" "$T/s7"
	nlp-classify train --emb 8 --hidden 8 --epochs 2 --bidirectional --seed 7 --output "$T/s7b" "$NS"
	cmp "$T/s7" "$T/s7b"
}

@test "train: --invalid replace (warns), skip, fail (line and byte, exit 1)" {
	run -0 nlp-classify train "${TINY[@]}" --output "$T/r" "$CD/bad-utf8.tsv"
	assert_output --partial 'line 1: invalid UTF-8 replaced by U+FFFD'
	rows "$T/r" | grep -q $'^film\xef\xbf\xbd\\|^\xef\xbf\xbdfilm '
	run -0 nlp-classify train "${TINY[@]}" --invalid skip --output "$T/s" "$CD/bad-utf8.tsv"
	rows "$T/s" | grep -q '^film '
	! rows "$T/s" | grep -q $'\xef\xbf\xbd'
	run -1 nlp-classify train "${TINY[@]}" --invalid fail --output "$T/f" "$CD/bad-utf8.tsv"
	assert_output "nlp-classify: $CD/bad-utf8.tsv: line 1, byte 10: invalid UTF-8"
	[ ! -e "$T/f" ]
}

@test "train: --progress: the epochs and the summary on stderr; quiet without it" {
	run -0 --separate-stderr nlp-classify train "${TINY[@]}" --epochs 2 --output "$T/m" "$KW"
	assert_equal "$stderr" ''
	assert_output ''
	run -0 --separate-stderr nlp-classify train "${TINY[@]}" --epochs 2 --progress \
		--output "$T/m" "$KW"
	assert_output ''
	[[ "$stderr" == *"epoch 1: train loss "* ]]
	[[ "$stderr" == *"epoch 2: train loss "* ]]
	[[ "$stderr" == *"2 epochs, 300 texts, "*" words, 3 classes"* ]]
}

@test "train: stdin and '-'; the model is written through MODEL.tmp" {
	nlp-classify train "${TINY[@]}" --output "$T/a" < "$KW"
	nlp-classify train "${TINY[@]}" --output "$T/b" - < "$KW"
	nlp-classify train "${TINY[@]}" --output "$T/c" "$KW"
	cmp "$T/a" "$T/c"
	cmp "$T/b" "$T/c"
	[ ! -e "$T/c.tmp" ]
}

# ---- the linear model ----

@test "train --linear: the header and size; --dim; no n-grams, no buckets" {
	run -0 field "$LM" kind; assert_output 1
	run -0 field "$LM" emb; assert_output 8
	run -0 field "$LM" word_ngrams; assert_output 1
	run -0 field "$LM" kept; assert_output 0
	run -0 field "$LM" loss; assert_output 0
	run -0 field "$LM" cell; assert_output 0
	run -0 field "$LM" epochs; assert_output 5
	# batch, dropout and recurrent dropout are 0 in a linear model
	run -0 field "$LM" batch; assert_output 0
	run -0 field "$LM" dropout; assert_output 0.0
	run -0 field "$LM" rdropout; assert_output 0.0
	run -0 field "$LM" lr; assert_output 0.5
	run -0 layout "$LM"; assert_output ok
	run -0 rows "$LM"; assert_line -n 0 --regexp '^</s> '
	nlp-classify train --linear --dim 4 --epochs 1 -T 1 --output "$T/d4" "$KW"
	run -0 field "$T/d4" emb; assert_output 4
	run -0 layout "$T/d4"; assert_output ok
	nlp-classify train --linear --emb 4 --epochs 1 -T 1 --output "$T/e4" "$KW"
	cmp "$T/d4" "$T/e4"
	nlp-classify train --linear --epochs 1 -T 1 --output "$T/d100" "$KW"
	run -0 field "$T/d100" emb; assert_output 100
}

@test "train --linear: --word-ngrams, --buckets: kept n-gram rows within the buckets" {
	nlp-classify train --linear --dim 8 --epochs 2 -T 1 --word-ngrams 2 --output "$T/ng" "$KW"
	run -0 field "$T/ng" word_ngrams; assert_output 2
	run -0 field "$T/ng" buckets; assert_output 2000000
	k=$(field "$T/ng" kept)
	[ "$k" -gt 0 ]
	run -0 layout "$T/ng"; assert_output ok
	nlp-classify train --linear --dim 8 --epochs 2 -T 1 --word-ngrams 3 --buckets 64 \
		--output "$T/ng64" "$KW"
	run -0 field "$T/ng64" buckets; assert_output 64
	k64=$(field "$T/ng64" kept)
	[ "$k64" -gt 0 ] && [ "$k64" -le 64 ]
	run -0 layout "$T/ng64"; assert_output ok
	nlp-classify predict --model "$T/ng" --probs "$KWT" > "$T/ng.out"
	nlp-classify predict --model "$LM" --probs "$KWT" > "$T/plain.out"
	! cmp -s "$T/ng.out" "$T/plain.out"
}

@test "train --linear: --subword: character n-grams in the header, unknown words told apart" {
	nlp-classify train --linear --dim 8 --epochs 2 -T 1 --subword 2-4 --buckets 128 \
		--output "$T/sw" "$KW"
	run -0 field "$T/sw" minn; assert_output 2
	run -0 field "$T/sw" maxn; assert_output 4
	run -0 field "$T/sw" buckets; assert_output 128
	k=$(field "$T/sw" kept)
	[ "$k" -gt 0 ] && [ "$k" -le 128 ]
	run -0 layout "$T/sw"; assert_output ok
	run -0 nlp-classify predict --model "$LM" --probs <<< $'zzgoalzz\nqqsoupqq'
	assert_equal "${lines[0]}" "${lines[1]}"
	run -0 nlp-classify predict --model "$T/sw" --probs <<< $'zzgoalzz\nqqsoupqq'
	[ "${lines[0]}" != "${lines[1]}" ]
}

@test "train --linear: --loss hs: the header, the size, probabilities summing to 1" {
	nlp-classify train --linear --dim 8 --epochs 5 --lr 0.5 -T 1 --loss hs --output "$T/hs" "$KW"
	run -0 field "$T/hs" loss; assert_output 1
	run -0 layout "$T/hs"; assert_output ok
	# a label count beyond 2^64 (a whole float32): rejected by the reader
	$PY -c 'import struct, sys; d = bytearray(open(sys.argv[1], "rb").read())
struct.pack_into("<f", d, len(d) - 12, 2.88278e26); h = 0xcbf29ce484222325
for b in d[256:]: h = ((h ^ b) * 0x100000001b3) % 2**64
struct.pack_into("<Q", d, 40, h); open(sys.argv[2], "wb").write(d)' "$T/hs" "$T/hsbad"
	run -1 nlp-classify predict --model "$T/hsbad" "$KWT"
	assert_output "nlp-classify: $T/hsbad: the count of class 1 is not a positive integer below 2^64"
	run -0 accuracy "$T/hs" "$KWT"
	awk -v a="$output" 'BEGIN { exit !(a >= 0.9) }'
	nlp-classify predict --model "$T/hs" --probs "$KWT" |
		awk -F '\t' '{ s = 0; for (i = 2; i <= NF; i += 2) s += $i
			if (NF != 6 || s < 1 - 1e-5 || s > 1 + 1e-5) { print "line " NR ": " $0; exit 1 } }'
}

@test "train --linear: --epochs and -T 1 repeat bit for bit; --seed changes the model" {
	nlp-classify train --linear --dim 8 --epochs 3 -T 1 --word-ngrams 2 --output "$T/a" "$NS"
	nlp-classify train --linear --dim 8 --epochs 3 -T 1 --word-ngrams 2 --output "$T/b" "$NS"
	cmp "$T/a" "$T/b"
	run -0 field "$T/a" epochs; assert_output 3
	nlp-classify train --linear --dim 8 --epochs 3 -T 1 --word-ngrams 2 --seed 9 --output "$T/c" "$NS"
	! cmp -s "$T/a" "$T/c"
	# Hogwild threads: a model all the same (not the same bytes)
	nlp-classify train --linear --dim 8 --epochs 3 -T 2 --word-ngrams 2 --output "$T/t2" "$NS"
	run -0 layout "$T/t2"; assert_output ok
}

@test "train --linear: --valid and --log, --pretrained and --freeze on the word rows" {
	nlp-classify train --linear --dim 8 --epochs 4 -T 1 --valid "$NSV" --log "$T/log" \
		--output "$T/v" "$NS"
	run -0 awk -F '\t' 'NR > 1 && $6 != "nan" && $5 != "nan"' "$T/log"
	[ "${#lines[@]}" -ge 1 ]
	[ "$(field "$T/v" valid_acc)" != nan ]
	printf '2 4\ngoal 0.5 -0.25 0.125 1\nsoup -1 2 0.75 -0.5\n' > "$T/vec.txt"
	nlp-classify train --linear --epochs 2 -T 1 --pretrained "$T/vec.txt" --freeze \
		--output "$T/fz" "$KW"
	run -0 field "$T/fz" emb; assert_output 4
	run -0 rows "$T/fz"
	assert_line 'goal 0.5 -0.25 0.125 1.0'
	assert_line 'soup -1.0 2.0 0.75 -0.5'
	nlp-classify train --linear --epochs 2 -T 1 --pretrained "$T/vec.txt" --output "$T/nofz" "$KW"
	run -0 rows "$T/nofz"
	refute_line 'goal 0.5 -0.25 0.125 1.0'
}

# ---- predict ----

@test "predict: label TAB probability a line, for lines with a label and without" {
	run -0 nlp-classify predict --model "$M" "$KWT"
	assert_equal "${#lines[@]}" "$(wc -l < "$KWT")"
	printf '%s\n' "${lines[@]}" | awk -F '\t' 'NF != 2 || $1 !~ /^(food|sport|tech)$/ ||
		$2 !~ /^(1|0\.[0-9]+(e-[0-9]+)?|[0-9]\.[0-9]+e-[0-9]+)$/ || $2 < 1/3 - 1e-6 { exit 1 }'
	labelled=$output
	run -0 nlp-classify predict --model "$M" < <(cut -f 2 "$KWT")
	assert_equal "$output" "$labelled"
	# the probability in %.6g: at most 6 significant digits
	printf '%s\n' "${lines[@]}" | cut -f 2 | awk '{ s = $1; sub(/e.*/, "", s); gsub(/[^0-9]/, "", s)
		sub(/^0+/, "", s); if (length(s) > 6) exit 1 }'
	# and the linear model the same format
	run -0 nlp-classify predict --model "$LM" "$KWT"
	printf '%s\n' "${lines[@]}" | awk -F '\t' 'NF != 2 || $1 !~ /^(food|sport|tech)$/ { exit 1 }'
}

@test "predict --probs: every class once, the most probable first, summing to 1" {
	for m in "$M" "$LM" "$NM"; do
		nlp-classify predict --model "$m" --probs "$KWT" "$NST" > "$T/p"
		[ "$(wc -l < "$T/p")" -eq $(($(wc -l < "$KWT") + $(wc -l < "$NST"))) ]
		C=$(field "$m" classes)
		awk -F '\t' -v C="$C" '{ s = 0; delete seen
			if (NF != 2 * C) { print "fields: " $0; exit 1 }
			for (i = 1; i <= NF; i += 2) {
				if ($i in seen) { print "twice: " $0; exit 1 }
				seen[$i] = 1; s += $(i + 1)
				if (i > 1 && $(i + 1) > $(i - 1)) { print "order: " $0; exit 1 }
			}
			if (s < 1 - 1e-5 || s > 1 + 1e-5) { print "sum " s ": " $0; exit 1 } }' "$T/p"
		# the first pair is predict's line
		nlp-classify predict --model "$m" "$KWT" "$NST" > "$T/one"
		cut -f 1,2 "$T/p" | cmp - "$T/one"
	done
}

@test "predict --show-attention: the tokens as token/weight, weights summing to 1" {
	run -0 nlp-classify predict --model "$M" --show-attention "$KWT"
	assert_equal "${#lines[@]}" "$(wc -l < "$KWT")"
	printf '%s\n' "${lines[@]}" > "$T/att"
	# the third field's tokens are the text's
	cut -f 3 "$T/att" | sed 's#/[0-9.]*\( \|$\)#\1#g' | cmp - <(cut -f 2 "$KWT")
	awk -F '\t' 'NF != 3 { exit 1 } { n = split($3, t, " "); s = 0
		for (i = 1; i <= n; i++) { if (t[i] !~ /\/[01]\.[0-9][0-9][0-9]$/) exit 1
			sub(/.*\//, "", t[i]); s += t[i] }
		if (s < 0.99 || s > 1.01) { print "sum " s ": " $0; exit 1 } }' "$T/att"
	# the first two fields are predict's
	cut -f 1,2 "$T/att" | cmp - <(nlp-classify predict --model "$M" "$KWT")
	# the learnt model looks at the keyword
	run -0 nlp-classify predict --model "$M" --show-attention <<< 'the of and goal it'
	[[ "$output" =~ goal/0\.([5-9]|[0-9]{2}[1-9]) ]] || [[ "$output" == *goal/1.000* ]]
	# with --probs: the classes, then the tokens
	run -0 nlp-classify predict --model "$M" --probs --show-attention <<< 'the goal'
	[[ "$output" =~ ^[a-z]+$TAB[0-9.e-]+$TAB[a-z]+$TAB[0-9.e-]+$TAB[a-z]+$TAB[0-9.e-]+${TAB}the/[0-9.]+\ goal/[0-9.]+$ ]]
}

@test "predict: -T does not change the output; several files in turn" {
	run -0 nlp-classify predict --model "$NM" -T 1 "$NST" "$KWT"
	one=$output
	run -0 nlp-classify predict --model "$NM" -T 2 "$NST" "$KWT"
	assert_equal "$output" "$one"
	run -0 nlp-classify eval --model "$LM" -T 1 "$KWT"
	a=$output
	run -0 nlp-classify eval --model "$LM" -T 2 "$KWT"
	assert_equal "$output" "$a"
}

# ---- eval ----

# The report eval should write, from predict's labels and the text's: awk over "true<TAB>pred"
# lines and the model's labels.
report() {
	awk -F '\t' -v labels="$2" '
	BEGIN { C = split(labels, L, " "); for (k = 1; k <= C; k++) id[L[k]] = k }
	{ n++; t = $1; p = $2; if (t == p) ok++; sup[t]++; pr[p]++; if (t == p) tp[t]++; cm[t, p]++ }
	END {
		printf "accuracy %.4f (%d/%d)\n", ok / n, ok, n
		for (k = 1; k <= C; k++) {
			l = L[k]; P = pr[l] ? tp[l] / pr[l] : 0; R = sup[l] ? tp[l] / sup[l] : 0
			F = P + R ? 2 * P * R / (P + R) : 0
			line[k] = sprintf("%s %.4f %.4f %.4f %d", l, P, R, F, sup[l])
			if (sup[l] || pr[l]) { mf += F; mc++ }
		}
		printf "macro F1 %.4f\n", mf / mc
		print "label precision recall F1 support"
		for (k = 1; k <= C; k++) print line[k]
		print "confusion (rows: true, columns: predicted)"
		s = ""; for (k = 1; k <= C; k++) s = s " " L[k]; print substr(s, 2)
		for (i = 1; i <= C; i++) {
			s = L[i]; for (k = 1; k <= C; k++) s = s " " (cm[L[i], L[k]] + 0); print s
		}
	}' "$1"
}

@test "eval: the report's figures are those of predict's labels (recurrent and linear)" {
	for m in "$M" "$LM" "$NM"; do
		f=$KWT
		[ "$m" = "$NM" ] && f=$NST
		nlp-classify predict --model "$m" "$f" | cut -f 1 | paste <(cut -f 1 "$f") - > "$T/tp"
		run -0 nlp-classify eval --model "$m" "$f"
		# the columns are aligned: squeezed to one space for the comparison
		printf '%s\n' "${lines[@]}" | sed 's/  */ /g; s/^ //; s/ $//' > "$T/got"
		report "$T/tp" "$(labels "$m" | xargs)" > "$T/want"
		assert_same "$T/got" "$T/want"
	done
}

@test "eval: the columns aligned, at least two spaces apart" {
	run -0 nlp-classify eval --model "$M" "$KWT"
	assert_line -n 0 --regexp '^accuracy  [01]\.[0-9]{4}  \([0-9]+/90\)$'
	assert_line -n 1 --regexp '^macro F1  [01]\.[0-9]{4}$'
	assert_line -n 2 --regexp '^label +precision  recall  F1 +support$'
	assert_line -n 6 'confusion (rows: true, columns: predicted)'
	[ "${#lines[@]}" -eq 11 ]
	# the table's and the matrix's columns start where their headers' do
	printf '%s\n' "${lines[@]}" | awk '
		# the columns where the fields of s start
		function starts(s,   i, r, p, c) { r = ""; p = " "
			for (i = 1; i <= length(s); i++) {
				c = substr(s, i, 1); if (c != " " && p == " ") r = r " " i; p = c }
			return r }
		NR == 3 || NR == 8 { h = starts($0); next }
		NR >= 4 && NR <= 6 && starts($0) != h { print NR ": " $0; exit 1 }
		NR >= 9 { r = starts($0); sub(/^ 1/, "", r); if (r != h) { print NR ": " $0; exit 1 } }'
	assert_line -n 7 --regexp '^ +food  +sport  +tech$'
}

@test "eval --json: one object that Python reads, the same figures as the text" {
	run -0 nlp-classify eval --model "$M" --json "$KWT"
	[ "${#lines[@]}" -eq 1 ]
	text=$(nlp-classify eval --model "$M" "$KWT")
	$PY - "$output" "$text" <<'EOF'
import json, sys
j = json.loads(sys.argv[1])
t = sys.argv[2].split('\n')
assert set(j) == {'accuracy', 'correct', 'total', 'macro_f1', 'classes', 'confusion',
                  'unknown_labels'}, j.keys()
acc = t[0].split()
assert '%.4f' % j['accuracy'] == acc[1], (j['accuracy'], acc)
assert '(%d/%d)' % (j['correct'], j['total']) == acc[2]
assert abs(j['accuracy'] - j['correct'] / j['total']) < 1e-6
assert '%.4f' % j['macro_f1'] == t[1].split()[2]
assert [c['label'] for c in j['classes']] == ['food', 'sport', 'tech']
for c, line in zip(j['classes'], t[3:6]):
    f = line.split()
    assert f[0] == c['label'] and int(f[4]) == c['support'], (c, f)
    for k, v in zip(('precision', 'recall', 'f1'), f[1:4]):
        assert '%.4f' % c[k] == v, (k, c, f)
assert j['confusion'] == [[int(x) for x in line.split()[1:]] for line in t[8:11]]
assert sum(map(sum, j['confusion'])) == j['total'] == 90
assert j['unknown_labels'] == []
EOF
}

@test "eval: labels the model does not know: wrong, rows after the classes, not in the macro F1" {
	{ cat "$KWT"; printf 'zeta\tthe goal\nalpha\tthe soup\nalpha\tthe chip\n'; } > "$T/u.tsv"
	run -0 nlp-classify eval --model "$M" "$T/u.tsv"
	assert_line -n 0 --regexp '\([0-9]+/93\)$'
	last=$(printf '%s\n' "${lines[@]}" | tail -n 2 | sed 's/  */ /g')
	assert_equal "$(sed 's/ [0-9]*//g' <<< "$last" | xargs)" 'alpha zeta'
	[ "$(awk '{ s = 0; for (i = 2; i <= NF; i++) s += $i; t += s } END { print t }' <<< "$last")" -eq 3 ]
	# the macro F1 and the table of the model's classes: the unknown labels' predictions are
	# wrong predictions of the classes, their rows count in no F1
	nlp-classify predict --model "$M" "$T/u.tsv" | cut -f 1 | paste <(cut -f 1 "$T/u.tsv") - > "$T/tp"
	printf '%s\n' "${lines[@]}" | sed -n 1,6p | sed 's/  */ /g; s/^ //; s/ $//' > "$T/got"
	report "$T/tp" "food sport tech" | sed -n 1,6p > "$T/want"
	assert_same "$T/got" "$T/want"
	run -0 nlp-classify eval --model "$M" --json "$T/u.tsv"
	$PY -c 'import json, sys; j = json.loads(sys.argv[1]); assert j["unknown_labels"] == ["alpha", "zeta"] and len(j["confusion"]) == 5 and j["total"] == 93, j' "$output"
}

@test "eval: no example: the figures are nan (text) and null (--json)" {
	run -0 nlp-classify eval --model "$M" < /dev/null
	assert_line -n 0 --regexp '^accuracy  nan  \(0/0\)$'
	run -0 nlp-classify eval --model "$M" --json < /dev/null
	$PY -c 'import json, sys; j = json.loads(sys.argv[1]); assert j["accuracy"] is None and j["total"] == 0, j' "$output"
}

# ---- bad input ----

@test "bad text: no tab, an empty text, an empty label: exit 1 with the file and line" {
	for cmd in "train ${TINY[*]} --output $T/m" "eval --model $M"; do
		# shellcheck disable=SC2086
		run -1 nlp-classify $cmd "$CD/bad-notab.tsv"
		assert_output "nlp-classify: $CD/bad-notab.tsv: line 2: no tab between the label and the text"
		# shellcheck disable=SC2086
		run -1 nlp-classify $cmd "$CD/bad-emptytext.tsv"
		assert_output "nlp-classify: $CD/bad-emptytext.tsv: line 2: an empty text (no token after the tab)"
		# shellcheck disable=SC2086
		run -1 nlp-classify $cmd "$CD/bad-emptylabel.tsv"
		assert_output "nlp-classify: $CD/bad-emptylabel.tsv: line 1: an empty label"
	done
	[ ! -e "$T/m" ]
	# predict: a line without a tab is a text; an empty one is an error
	run -1 nlp-classify predict --model "$M" "$CD/bad-emptytext.tsv"
	assert_line "nlp-classify: $CD/bad-emptytext.tsv: line 2: an empty text (no token after the tab)"
	run -1 nlp-classify predict --model "$M" <<< $'the goal\n\n'
	assert_line --partial 'line 2: an empty text'
	# a NUL byte in a word: no model's word table may hold it
	printf 'a\tx\0y b\na\tb c\nb\td e\nb\td f\n' > "$T/nul.tsv"
	run -1 nlp-classify train "${TINY[@]}" --output "$T/m" "$T/nul.tsv"
	assert_output "nlp-classify: $T/nul.tsv: line 1: a NUL byte in the text"
	# a bad line in --valid
	run -1 nlp-classify train "${TINY[@]}" --valid "$CD/bad-notab.tsv" --output "$T/m" "$KW"
	assert_output --partial "$CD/bad-notab.tsv: line 2: no tab"
}

@test "bad text: a label seen once, a single class, an empty file: exit 1" {
	run -1 nlp-classify train "${TINY[@]}" --output "$T/m" "$CD/bad-once.tsv"
	assert_output --regexp "label '?meh'? is seen once.*line 5.*a class needs at least 2 examples|line 5: label '?meh'? is seen once"
	run -1 nlp-classify train "${TINY[@]}" --output "$T/m" "$CD/bad-oneclass.tsv"
	assert_output "nlp-classify: $CD/bad-oneclass.tsv: a single class: a classifier needs at least 2"
	run -1 nlp-classify train "${TINY[@]}" --output "$T/m" "$CD/bad-empty.tsv"
	assert_output "nlp-classify: $CD/bad-empty.tsv: no labelled text"
	run -1 nlp-classify train --linear --dim 4 --epochs 1 --output "$T/m" "$CD/bad-once.tsv"
	assert_output --partial 'is seen once'
	[ ! -e "$T/m" ]
	[ ! -e "$T/m.tmp" ]
	run -1 nlp-classify train "${TINY[@]}" --output "$T/m" "$T/nonexistent"
	assert_output "nlp-classify: open $T/nonexistent: No such file or directory"
}

@test "bad models: another kind (nlp-rnnlm), truncated, a byte changed, not a file, none" {
	command -v nlp-rnnlm >/dev/null || skip "nlp-rnnlm is not built"
	nlp-rnnlm train --emb 4 --hidden 4 --epochs 1 --output "$T/lm.rnn" "$KW" 2>/dev/null
	for cmd in predict eval; do
		run -1 nlp-classify "$cmd" --model "$T/lm.rnn" "$KWT"
		assert_output "nlp-classify: $T/lm.rnn: an nlp-rnnlm language model, not a classifier"
	done
	head -c 1000 "$M" > "$T/trunc"
	run -1 nlp-classify predict --model "$T/trunc" "$KWT"
	assert_output --regexp "^nlp-classify: $T/trunc: truncated"
	head -c 100 "$M" > "$T/short"
	run -1 nlp-classify predict --model "$T/short" "$KWT"
	assert_output --partial "$T/short: "
	# a byte of the parameters changed: the checksum
	cp "$M" "$T/bad"
	printf '\125' | dd of="$T/bad" bs=1 seek=$(($(stat -c %s "$M") - 7)) conv=notrunc 2>/dev/null
	run -1 nlp-classify predict --model "$T/bad" "$KWT"
	assert_output "nlp-classify: $T/bad: the checksum does not match: the file is damaged"
	run -1 nlp-classify eval --model "$T/bad" "$KWT"
	assert_output --partial 'checksum'
	# a byte after the end
	{ cat "$M"; printf x; } > "$T/long"
	run -1 nlp-classify predict --model "$T/long" "$KWT"
	assert_output --partial "$T/long: "
	# a header of 8 layers of 8192 units over the parameters of 1 layer of 8 (the checksum
	# right): rejected by its size before the reader takes the 16 GB it says
	$PY -c 'import struct, sys; d = bytearray(open(sys.argv[1], "rb").read())
struct.pack_into("<2I", d, 84, 8, 8192); h = 0xcbf29ce484222325
for b in d[256:]: h = ((h ^ b) * 0x100000001b3) % 2**64
struct.pack_into("<Q", d, 40, h); open(sys.argv[2], "wb").write(d)' "$M" "$T/huge"
	run -1 nlp-classify predict --model "$T/huge" "$KWT"
	assert_output --regexp "^nlp-classify: $T/huge: [0-9]+ parameters; its configuration has [0-9]+$"
	# text
	run -1 nlp-classify predict --model "$KW" "$KWT"
	assert_output --partial "$KW: "
	run -1 nlp-classify predict --model "$T/none" "$KWT"
	assert_output "nlp-classify: open $T/none: No such file or directory"
}

@test "predict --show-attention with a model without attention: exit 1" {
	nlp-classify train "${TINY[@]}" --pool mean --output "$T/mean" "$KW"
	run -1 nlp-classify predict --model "$T/mean" --show-attention "$KWT"
	assert_output "nlp-classify: $T/mean: --show-attention needs a model pooled by attention"
	run -1 nlp-classify predict --model "$LM" --show-attention "$KWT"
	assert_output "nlp-classify: $LM: --show-attention needs a model pooled by attention"
}

@test "train: an unwritable --output or --log: exit 1, nothing left behind" {
	run -1 nlp-classify train "${TINY[@]}" --output "$T/no/such/dir/m" "$KW"
	assert_output --partial "$T/no/such/dir/m.tmp"
	run -1 nlp-classify train "${TINY[@]}" --log "$T/no/log" --output "$T/m" "$KW"
	assert_output --partial "$T/no/log"
	# a directory in the way of the rename
	mkdir "$T/dir"
	run -1 nlp-classify train "${TINY[@]}" --output "$T/dir" "$KW"
	assert_output --partial "$T/dir"
}

# ---- usage errors ----

@test "usage: unknown options and commands, -o, missing --output and --model: exit 2" {
	run -2 nlp-classify train --bogus --output "$T/m" "$KW"
	assert_line -n 0 "nlp-classify: unrecognized option '--bogus'"
	assert_line -n 1 --regexp '^usage: nlp-classify train --output model '
	# --output has no short letter
	run -2 nlp-classify train -o "$T/m" "$KW"
	assert_line -n 0 "nlp-classify: invalid option -- 'o'"
	run -2 nlp-classify train "$KW"
	assert_line -n 0 'nlp-classify: train: which --output file?'
	run -2 nlp-classify predict "$KWT"
	assert_line -n 0 'nlp-classify: predict: which --model?'
	run -2 nlp-classify eval "$KWT"
	assert_line -n 0 'nlp-classify: eval: which --model?'
	run -2 nlp-classify frob
	assert_line -n 0 "nlp-classify: unknown command 'frob': train, predict or eval"
	run -2 nlp-classify
	assert_line -n 0 'nlp-classify: which command? train, predict or eval'
	# an option of predict or eval given to the other
	run -2 nlp-classify predict --model "$M" --json "$KWT"
	assert_line --regexp '^usage: nlp-classify predict '
	run -2 nlp-classify eval --model "$M" --probs "$KWT"
	assert_line --regexp '^usage: nlp-classify eval '
	run -2 nlp-classify eval --model "$M" --show-attention "$KWT"
	run -2 nlp-classify predict --model "$M" --output x "$KWT"
	run -2 nlp-classify train --model "$M" --output "$T/m" "$KW"
	[ ! -e "$T/m" ]
}

@test "usage: values out of range or not among the choices: exit 2" {
	while read -r opt val msg; do
		run -2 nlp-classify train --output "$T/m" "$opt" "$val" "$KW"
		assert_line -n 0 --partial "$opt"
		[ -z "$msg" ] || assert_line -n 0 --partial "$msg"
	done <<'EOF'
--layers 9 too large
--layers 0 too small
--hidden 8193 too large
--emb 0 too small
--dropout 1 too large
--recurrent-dropout -0.1 too small
--init 11 too large
--lr 0
--epochs 0 too small
--batch 0 too small
--clip -1 too small
--patience -1
--min-count 0 too small
--seed -1
--threads 257 too large
--cell cnn
--pool sum
--optimizer rmsprop
--invalid ignore
--attention-size 0 too small
--buckets 16777217 too large
--subword 3-2
--subword 0-2
--subword x
--max-len -1
EOF
	run -2 nlp-classify train --linear --output "$T/m" --loss nce "$KW"
	assert_line -n 0 --partial '--loss'
	run -2 nlp-classify train --linear --output "$T/m" --word-ngrams 17 "$KW"
	assert_line -n 0 --partial 'too large'
	run -2 nlp-classify predict --model "$M" -T 0 "$KWT"
	run -2 nlp-classify train --output "$T/m" --epochs "$KW"
	[ ! -e "$T/m" ]
}

@test "usage: options of the other kind, and of options that need another: exit 2" {
	run -2 nlp-classify train --linear --cell gru --output "$T/m" "$KW"
	assert_line -n 0 'nlp-classify: --cell is an option of the recurrent model, not of --linear'
	for o in "--layers 2" "--hidden 4" --bidirectional "--pool max" "--attention-size 4" \
		"--dropout 0.1" "--recurrent-dropout 0.1" "--init 0.2" "--optimizer sgd" "--batch 4" \
		"--clip 1"; do
		# shellcheck disable=SC2086
		run -2 nlp-classify train --linear $o --output "$T/m" "$KW"
		assert_line -n 0 "nlp-classify: ${o%% *} is an option of the recurrent model, not of --linear"
	done
	run -2 nlp-classify train --word-ngrams 2 --output "$T/m" "$KW"
	assert_line -n 0 'nlp-classify: --word-ngrams is an option of the linear model: give --linear'
	run -2 nlp-classify train --loss hs --output "$T/m" "$KW"
	assert_line -n 0 'nlp-classify: --loss is an option of the linear model: give --linear'
	run -2 nlp-classify train --freeze --output "$T/m" "$KW"
	assert_line -n 0 'nlp-classify: --freeze needs --pretrained'
	run -2 nlp-classify train --linear --freeze --output "$T/m" "$KW"
	assert_line -n 0 'nlp-classify: --freeze needs --pretrained'
	run -2 nlp-classify train --patience 2 --output "$T/m" "$KW"
	assert_line -n 0 'nlp-classify: --patience needs --valid'
	run -2 nlp-classify train --pool max --attention-size 4 --output "$T/m" "$KW"
	assert_line -n 0 'nlp-classify: --attention-size needs --pool attention'
	[ ! -e "$T/m" ]
}

@test "--help and --version: exit 0 on stdout" {
	run -0 --separate-stderr nlp-classify --help
	assert_line -n 0 --regexp '^usage: nlp-classify train --output model '
	assert_line --regexp '^ +--word-ngrams N'
	# --output has no short letter
	assert_line --regexp '^      --output FILE '
	refute_line --regexp '^  -o'
	assert_equal "$stderr" ''
	for c in train predict eval; do
		run -0 --separate-stderr nlp-classify "$c" --help
		assert_line -n 0 --regexp "^usage: nlp-classify $c "
	done
	run -0 nlp-classify --version
	assert_output --regexp '^nlp-classify [0-9]'
	run -0 nlp-classify train --version
	assert_output --regexp '^nlp-classify [0-9]'
}

@test "predict: a reader that goes away ends the program quietly" {
	run -0 --separate-stderr bash -c "for i in 1 2 3 4 5 6 7 8; do cat '$KWT'; done |
		nlp-classify predict --model '$M' | head -n 1"
	[ "${#lines[@]}" -eq 1 ]
	assert_equal "$stderr" ''
}
