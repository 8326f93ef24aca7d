#!/usr/bin/env bats
# rnnlm-parity: nlp-rnnlm's layers against PyTorch (issue 14's "Parity test interface"). For each
# cell (tanh RNN, LSTM, GRU), tied and untied, tests/rnn_ref.py makes a 2-layer model with wide
# random parameters and random ids (V=7, T=4, B=3), `test-nn rnnlm-grad` runs it in the C code,
# and rnn_ref.py runs it in float64 PyTorch: the loss, logits, every parameter's gradient and the
# final states agree within 1e-5 x max(1, |ref|). Then the checker itself: a value off by 1e-4, a
# corrupted model file and a foreign one are refused. Each test imports torch twice at most (a
# few seconds each on a loaded machine, nothing through $PYT, whose server has preloaded it).

load helper

REF="$NLP_TOP/tests/rnn_ref.py"

setup() {
	# looked up without importing it, as need_python_module does
	$PY -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('torch') is None)" \
		2>/dev/null || skip "needs python3-torch"
	T="$BATS_TEST_TMPDIR"
}

# make_model ARGS: rnn_ref.py make ARGS with the sizes every test shares, into $T/model and $T/ids,
# then the C side's output for them in $T/ours.
make_model() {
	run --separate-stderr $PYT "$REF" make --layers 2 --vocab 7 --steps 4 --batch 3 "$@" \
		"$T/model" "$T/ids"
	assert_success
	assert_equal "$stderr" ""
	test-nn rnnlm-grad "$T/model" "$T/ids" > "$T/ours" 2> "$T/err" ||
		fail "test-nn rnnlm-grad: exit $?: $(cat "$T/err")"
	assert_equal "$(cat "$T/err")" ""
}

# parity ARGS: the C side's output for rnn_ref.py make ARGS against the reference.
parity() {
	make_model "$@"
	run --separate-stderr $PYT "$REF" check "$T/model" "$T/ids" "$T/ours"
	printf '%s\n' "$stderr"   # the worst item, when one is off (assert_success shows stdout)
	assert_success
	assert_line --regexp '^max diff [0-9.e+-]+$'
	assert_line --regexp '^grad:out\.b [0-9.e+-]+ [0-9.e+-]+$'
}

@test "rnnlm-parity: tanh RNN, tied, against PyTorch" {
	parity --cell rnn --emb 5 --hidden 5 --tie --seed 1
}

@test "rnnlm-parity: tanh RNN, untied, against PyTorch" {
	parity --cell rnn --emb 5 --hidden 5 --seed 2
}

@test "rnnlm-parity: LSTM, tied, against PyTorch" {
	parity --cell lstm --emb 5 --hidden 5 --tie --seed 3
	assert_line --regexp '^c:1 '
}

@test "rnnlm-parity: LSTM, untied, emb 6 hidden 4, against PyTorch" {
	parity --cell lstm --emb 6 --hidden 4 --seed 4
	assert_line --regexp '^grad:out\.w '
}

@test "rnnlm-parity: GRU, tied, against PyTorch" {
	parity --cell gru --emb 5 --hidden 5 --tie --seed 5
	refute_line --regexp '^grad:out\.w '
}

@test "rnnlm-parity: GRU, untied, against PyTorch" {
	parity --cell gru --emb 5 --hidden 5 --seed 6
}

@test "rnnlm-parity: the checker refuses a value off by 1e-4, a corrupted model and a foreign one" {
	make_model --cell lstm --emb 6 --hidden 4 --seed 7
	# the third value of layer 1's recurrent weight gradient, 1e-4 more
	awk '$1 == "grad" && $2 == "1.w_hh" { $5 = sprintf("%.9g", $5 + 1e-4) } { print }' \
		"$T/ours" > "$T/off"
	run --separate-stderr $PYT "$REF" check "$T/model" "$T/ids" "$T/off"
	assert_failure 1
	[[ "$stderr" == "rnn_ref.py: grad:1.w_hh[2] is "*", the reference "*" > 1e-05" ]] ||
		fail "stderr: $stderr"
	assert_line --regexp '^grad:1\.w_hh 0?\.0001 '
	refute_line --partial 'max diff'
	# one bit of a parameter flipped (they start at byte 256 here): the checksum says so, before
	# any number is computed
	cp "$T/model" "$T/bad"
	b=$(od -An -tu1 -j 300 -N 1 "$T/bad")
	printf "$(printf '\\%03o' $((b ^ 1)))" | dd of="$T/bad" bs=1 seek=300 conv=notrunc status=none
	run --separate-stderr $PYT "$REF" check "$T/bad" "$T/ids" "$T/ours"
	assert_failure 1
	assert_output ""
	[[ "$stderr" == "rnn_ref.py: $T/bad: checksum 0x"*" in the header, 0x"*" computed" ]] ||
		fail "stderr: $stderr"
	# another magic
	cp "$T/model" "$T/bad"
	printf 'NLPRNNLX' | dd of="$T/bad" bs=1 conv=notrunc status=none
	run --separate-stderr $PYT "$REF" check "$T/bad" "$T/ids" "$T/ours"
	assert_failure 1
	assert_equal "$stderr" "rnn_ref.py: $T/bad: magic b'NLPRNNLX', not b'NLPRNNLM'"
}
