#!/usr/bin/env bats
# s2s-grad: the sequence-to-sequence model's gradients (lib/s2s/s2s.c: the encoder of
# nn/stack.c, the decoder started from the encoder's last states through nn/stack.c's h0, dh0
# and dfin, attention, the output layer and the cross-entropy of the real target units) against
# central differences of its loss, parameter by parameter: `test-nn s2sgrad` covers each
# attention (none, dot, general, additive), peeky decoding, each cell, one and two layers, a
# bidirectional encoder, dropout with its masks fixed, and targets of different lengths in one
# batch (their padding out of the loss). Tolerance 2e-3 (test-nn's); each line prints the
# largest error of one tensor.

load helper

@test "s2s-grad: every gradient of the sequence-to-sequence model within tolerance" {
	command -v test-nn >/dev/null || skip "test-nn is not built"
	run --separate-stderr test-nn s2sgrad
	assert_success
	assert_equal "$stderr" ''
	echo "# largest error: $(grep -o 'error [0-9.e+-]*' <<<"$output" | awk '{print $2}' | sort -g | tail -n 1)" >&3
	run grep -cv '^ok ' <<<"$output"
	assert_output 0
	run test-nn s2sgrad
	local what
	for what in 'lstm 1 layer none src.emb' 'lstm 1 layer none peeky dec.0.w_hh' \
		'lstm 1 layer dot enc.0.0.w_hh' 'lstm 2 layers bidirectional general peeky att.w' \
		'gru 1 layer bidirectional additive att.v' 'gru 1 layer bidirectional additive att.w2' \
		'gru 2 layers dot peeky dropout enc.1.0.w_ih' 'rnn 1 layer bidirectional none enc.0.1.w_hh' \
		'lstm 2 layers bidirectional additive peeky dropout comb.w'; do
		assert_line --partial "ok s2sgrad $what:"
	done
	[ "${#lines[@]}" -ge 160 ]
}
