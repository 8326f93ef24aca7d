#!/usr/bin/env bats
# classify-parity: nlp-classify's recurrent model against PyTorch (issue 15). For each cell (tanh
# RNN, LSTM, GRU) and pooling (last, mean, max, attention), with 1 and 2 layers, one direction and
# two: tests/cls_ref.py writes a model with random parameters in [-1, 1] (wider than training's
# 0.1, so that a slip shows) and 8 lines of text (some labelled, some with unknown words, one of a
# single token), `nlp-classify predict --probs` runs it, and cls_ref.py computes every class's
# probability in float64 twice, with nn.LSTM/GRU/RNN and with a NumPy loop written from the spec:
# ours agree with them within 1e-5, mapped by label; each check prints its largest difference.
# Attention models: the weights of `--show-attention` agree within the rounding of their %.3f.
# Models with character n-grams (--subword) too. Then the checker itself: a probability off by
# 1e-4, a corrupted model and a foreign one are refused. Each test checks all its models in one
# cls_ref.py, as each imports torch (seconds on a loaded machine, unless the server of
# tests/py-torch has: $PYT).

load helper

REF="$NLP_TOP/tests/cls_ref.py"

setup() {
	$PY -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('torch') is None)" \
		2>/dev/null || skip "needs python3-torch"
	T="$BATS_TEST_TMPDIR"
}

# Skips the test, visibly, until the Makefile builds nlp-classify.
need_classify() {
	[[ " $PROGS " == *" classify "* ]] || skip "nlp-classify is not in the Makefile's PROGS yet"
}

# models CELL POOL [ARGS]: for 1 and 2 layers, one direction and two, a random model (ARGS added
# to cls_ref.py --write-random) and its text, to be written and run by check_all. (The arguments
# are words without blanks: a line of $T/specs each.)
models() {
	local cell=$1 pool=$2 layers bi seed=0
	shift 2
	need_classify
	nth=$((${nth:-0} + 1))
	for layers in 1 2; do
		for bi in "" --bidirectional; do
			seed=$((seed + 1))
			local m="$T/$nth-$cell-$pool-m$layers$bi" t="$T/$nth-$cell-$pool-t$layers$bi"
			echo --write-random "$m" --text "$t" --cell "$cell" --pool "$pool" \
				--layers "$layers" $bi --emb 4 --hidden 5 --classes 3 --vocab 12 --init 1 \
				--seed "$seed" "$@" >> "$T/specs"
			ms+=("$m") ts+=("$t") pools+=("$pool")
		done
	done
}

# check_all: writes the models so far (cls_ref.py --write-random for each line of $T/specs, all
# in one Python), runs each by nlp-classify predict --probs (and --show-attention when pooled by
# attention), and checks them all against the reference, in one cls_ref.py; a line
# `OURS max diff X` for each, then `max diff X`.
check_all() {
	local i m t checks=()
	$PY - "$REF" "$T/specs" <<-'EOF' || fail "cls_ref.py --write-random failed"
	import os, sys
	ref, specs = sys.argv[1], sys.argv[2]
	sys.path.insert(0, os.path.dirname(ref))
	import cls_ref
	for line in open(specs):
	    sys.argv = [ref] + line.split()
	    cls_ref.main()
	EOF
	for i in "${!ms[@]}"; do
		m=${ms[$i]} t=${ts[$i]}
		nlp-classify predict --probs --model "$m" "$t" > "$m.probs" 2> "$T/err" ||
			fail "nlp-classify predict --probs: exit $?: $(cat "$T/err")"
		assert_equal "$(cat "$T/err")" ""
		checks+=(--check "$m" "$t" "$m.probs")
		if [ "${pools[$i]}" = attention ]; then
			nlp-classify predict --show-attention --model "$m" "$t" > "$m.att" 2> "$T/err" ||
				fail "nlp-classify predict --show-attention: exit $?: $(cat "$T/err")"
			checks+=(--check-attention "$m" "$t" "$m.att")
		fi
	done
	run --separate-stderr $PYT "$REF" "${checks[@]}"
	printf '%s\n' "$stderr"   # the line off, when one is (assert_success shows stdout)
	assert_success
	assert_line --regexp '^max diff [0-9.e+-]+$'
}

# every_pool CELL: the cell's models pooled by the last state, the mean, the max and attention.
every_pool() {
	local pool
	for pool in last mean max attention; do
		models "$1" "$pool"
	done
}

@test "classify-parity: tanh RNN, each pooling (last, mean, max, attention), against PyTorch" {
	every_pool rnn
	check_all
	assert_equal "${#lines[@]}" 21
	assert_line --regexp '4-rnn-attention-m2--bidirectional\.att max diff [0-9.e+-]+ weights [0-9.e+-]+$'
}

@test "classify-parity: LSTM, each pooling, attention of size 3, and 4 classes, 40 words, the first 5 tokens (max_len)" {
	every_pool lstm
	models lstm attention --attention-size 3
	models lstm attention --classes 4 --vocab 40 --max-len 5 --emb 6 --hidden 3
	check_all
	assert_equal "${#lines[@]}" 37
}

@test "classify-parity: GRU, each pooling (last, mean, max, attention), against PyTorch" {
	every_pool gru
	check_all
	assert_equal "${#lines[@]}" 21
}

# Character n-grams: the embedding's rows V + FNV-1a % buckets, a token's vector the mean of its
# word's row and its n-grams'. The texts have Hangul words known and unknown, one-letter words
# known (가, x) and unknown (q: with n-grams from 4 characters it has none, so <unk>'s row),
# `<unk>` itself and a word of 80 letters (2126 n-grams of 1 to 32 characters: the first 1023).
@test "classify-parity: character n-grams (--subword), LSTM attention, GRU last, RNN mean, against PyTorch" {
	models lstm attention --subword 1-3 --buckets 1009
	models gru last --subword 4-6 --buckets 101
	models rnn mean --subword 1-32 --buckets 2003 --vocab 20
	models lstm max --subword 2-5 --buckets 7 --emb 6 --hidden 3
	check_all
	assert_equal "${#lines[@]}" 21
}

@test "classify-parity: the checker refuses a probability off by 1e-4, a damaged model and a foreign one" {
	$PY "$REF" --write-random "$T/m" --text "$T/t" --cell gru --layers 2 --bidirectional \
		--pool attention --init 1 --seed 7
	# the reference in nlp-classify's format passes, and shows its rounding to 6 digits
	$PYT "$REF" --as-predict "$T/m" "$T/t" > "$T/ours"
	$PYT "$REF" --as-predict --attention "$T/m" "$T/t" > "$T/att"
	run --separate-stderr $PYT "$REF" --check "$T/m" "$T/t" "$T/ours" \
		--check-attention "$T/m" "$T/t" "$T/att"
	assert_success
	assert_line --regexp '^max diff [0-9.e+-]+$'
	# line 3's second probability 1e-4 more
	awk -F '\t' -v OFS='\t' 'NR == 3 { $4 = sprintf("%.6g", $4 + 1e-4) } { print }' \
		"$T/ours" > "$T/off"
	run --separate-stderr $PYT "$REF" --check "$T/m" "$T/t" "$T/off"
	assert_failure 1
	[[ "$stderr" == "cls_ref.py: $T/off:3: p("*") is "*", the reference "*" > 1e-05" ]] ||
		fail "stderr: $stderr"
	# a weight 0.002 off
	awk -F '\t' -v OFS='\t' 'NR == 2 { split($3, w, " "); sub(/\/.*/, "", w[1]);
		$3 = w[1] "/0.999 " substr($3, index($3, " ") + 1) } { print }' "$T/att" > "$T/off"
	run --separate-stderr $PYT "$REF" --check-attention "$T/m" "$T/t" "$T/off"
	assert_failure 1
	[[ "$stderr" == "cls_ref.py: $T/off:2: attention weights 0.999000 "* ]] ||
		fail "stderr: $stderr"
	# one bit of a parameter flipped (the last byte of the file): the checksum says so
	cp "$T/m" "$T/bad"
	size=$(stat -c %s "$T/bad")
	b=$(od -An -tu1 -j $((size - 1)) -N 1 "$T/bad")
	printf "$(printf '\\%03o' $((b ^ 1)))" |
		dd of="$T/bad" bs=1 seek=$((size - 1)) conv=notrunc status=none
	run --separate-stderr $PYT "$REF" --check "$T/bad" "$T/t" "$T/ours"
	assert_failure 1
	[[ "$stderr" == "cls_ref.py: $T/bad: checksum 0x"*" in the header, 0x"*" computed" ]] ||
		fail "stderr: $stderr"
	# another magic: an nlp-rnnlm model's
	cp "$T/m" "$T/bad"
	printf 'NLPRNNLM' | dd of="$T/bad" bs=1 conv=notrunc status=none
	run --separate-stderr $PYT "$REF" --check "$T/bad" "$T/t" "$T/ours"
	assert_failure 1
	assert_equal "$stderr" "cls_ref.py: $T/bad: magic b'NLPRNNLM', not b'NLPCLSFY'"
}
