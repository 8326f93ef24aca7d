#!/usr/bin/env bats
# classify-parity: nlp-classify's recurrent model against PyTorch (issue 15). For each cell (tanh
# RNN, LSTM, GRU) and pooling (last, mean, max, attention), with 1 and 2 layers, one direction and
# two: tests/cls_ref.py writes a model with random parameters in [-1, 1] (wider than training's
# 0.1, so that a slip shows) and 8 lines of text (some labelled, some with unknown words, one of a
# single token), `nlp-classify predict --probs` runs it, and cls_ref.py computes every class's
# probability in float64 twice, with nn.LSTM/GRU/RNN and with a NumPy loop written from the spec:
# ours agree with them within 1e-5, mapped by label; each check prints its largest difference.
# Attention models: the weights of `--show-attention` agree within the rounding of their %.3f.
# Then the checker itself: a probability off by 1e-4, a corrupted model and a foreign one are
# refused. Each test imports torch once (a second or so).

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

# parity CELL POOL [ARGS]: for 1 and 2 layers, one direction and two, a random model (ARGS added
# to cls_ref.py --write-random) run by nlp-classify predict and checked against the reference in
# one cls_ref.py process.
parity() {
	local cell=$1 pool=$2 layers bi seed=0 checks=()
	shift 2
	need_classify
	for layers in 1 2; do
		for bi in "" --bidirectional; do
			seed=$((seed + 1))
			local m="$T/m$layers$bi" t="$T/t$layers$bi"
			$PY "$REF" --write-random "$m" --text "$t" --cell "$cell" --pool "$pool" \
				--layers "$layers" $bi --emb 4 --hidden 5 --classes 3 --vocab 12 --init 1 \
				--seed "$seed" "$@" || fail "cls_ref.py --write-random failed"
			nlp-classify predict --probs --model "$m" "$t" > "$m.probs" 2> "$T/err" ||
				fail "nlp-classify predict --probs: exit $?: $(cat "$T/err")"
			assert_equal "$(cat "$T/err")" ""
			checks+=(--check "$m" "$t" "$m.probs")
			if [ "$pool" = attention ]; then
				nlp-classify predict --show-attention --model "$m" "$t" > "$m.att" 2> "$T/err" ||
					fail "nlp-classify predict --show-attention: exit $?: $(cat "$T/err")"
				checks+=(--check-attention "$m" "$t" "$m.att")
			fi
		done
	done
	run --separate-stderr $PY "$REF" "${checks[@]}"
	printf '%s\n' "$stderr"   # the line off, when one is (assert_success shows stdout)
	assert_success
	assert_line --regexp '^max diff [0-9.e+-]+$'
}

@test "classify-parity: tanh RNN, last state, against PyTorch" {
	parity rnn last
}

@test "classify-parity: tanh RNN, mean pooling, against PyTorch" {
	parity rnn mean
}

@test "classify-parity: tanh RNN, max pooling, against PyTorch" {
	parity rnn max
}

@test "classify-parity: tanh RNN, attention, against PyTorch" {
	parity rnn attention
	assert_line --regexp 'm2--bidirectional\.att max diff [0-9.e+-]+ weights [0-9.e+-]+$'
}

@test "classify-parity: LSTM, last state, against PyTorch" {
	parity lstm last
}

@test "classify-parity: LSTM, mean pooling, against PyTorch" {
	parity lstm mean
}

@test "classify-parity: LSTM, max pooling, against PyTorch" {
	parity lstm max
}

@test "classify-parity: LSTM, attention of size 3, against PyTorch" {
	parity lstm attention --attention-size 3
}

@test "classify-parity: LSTM, attention, 4 classes, 40 words, the first 5 tokens (max_len)" {
	parity lstm attention --classes 4 --vocab 40 --max-len 5 --emb 6 --hidden 3
}

@test "classify-parity: GRU, last state, against PyTorch" {
	parity gru last
}

@test "classify-parity: GRU, mean pooling, against PyTorch" {
	parity gru mean
}

@test "classify-parity: GRU, max pooling, against PyTorch" {
	parity gru max
}

@test "classify-parity: GRU, attention, against PyTorch" {
	parity gru attention
}

@test "classify-parity: the checker refuses a probability off by 1e-4, a damaged model and a foreign one" {
	$PY "$REF" --write-random "$T/m" --text "$T/t" --cell gru --layers 2 --bidirectional \
		--pool attention --init 1 --seed 7
	# the reference in nlp-classify's format passes, and shows its rounding to 6 digits
	$PY "$REF" --as-predict "$T/m" "$T/t" > "$T/ours"
	$PY "$REF" --as-predict --attention "$T/m" "$T/t" > "$T/att"
	run --separate-stderr $PY "$REF" --check "$T/m" "$T/t" "$T/ours" \
		--check-attention "$T/m" "$T/t" "$T/att"
	assert_success
	assert_line --regexp '^max diff [0-9.e+-]+$'
	# line 3's second probability 1e-4 more
	awk -F '\t' -v OFS='\t' 'NR == 3 { $4 = sprintf("%.6g", $4 + 1e-4) } { print }' \
		"$T/ours" > "$T/off"
	run --separate-stderr $PY "$REF" --check "$T/m" "$T/t" "$T/off"
	assert_failure 1
	[[ "$stderr" == "cls_ref.py: $T/off:3: p("*") is "*", the reference "*" > 1e-05" ]] ||
		fail "stderr: $stderr"
	# a weight 0.002 off
	awk -F '\t' -v OFS='\t' 'NR == 2 { split($3, w, " "); sub(/\/.*/, "", w[1]);
		$3 = w[1] "/0.999 " substr($3, index($3, " ") + 1) } { print }' "$T/att" > "$T/off"
	run --separate-stderr $PY "$REF" --check-attention "$T/m" "$T/t" "$T/off"
	assert_failure 1
	[[ "$stderr" == "cls_ref.py: $T/off:2: attention weights 0.999000 "* ]] ||
		fail "stderr: $stderr"
	# one bit of a parameter flipped (the last byte of the file): the checksum says so
	cp "$T/m" "$T/bad"
	size=$(stat -c %s "$T/bad")
	b=$(od -An -tu1 -j $((size - 1)) -N 1 "$T/bad")
	printf "$(printf '\\%03o' $((b ^ 1)))" |
		dd of="$T/bad" bs=1 seek=$((size - 1)) conv=notrunc status=none
	run --separate-stderr $PY "$REF" --check "$T/bad" "$T/t" "$T/ours"
	assert_failure 1
	[[ "$stderr" == "cls_ref.py: $T/bad: checksum 0x"*" in the header, 0x"*" computed" ]] ||
		fail "stderr: $stderr"
	# another magic: an nlp-rnnlm model's
	cp "$T/m" "$T/bad"
	printf 'NLPRNNLM' | dd of="$T/bad" bs=1 conv=notrunc status=none
	run --separate-stderr $PY "$REF" --check "$T/bad" "$T/t" "$T/ours"
	assert_failure 1
	assert_equal "$stderr" "cls_ref.py: $T/bad: magic b'NLPRNNLM', not b'NLPCLSFY'"
}
