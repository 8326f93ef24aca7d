#!/usr/bin/env bats
# tag-grad: the recurrent tagger's gradients (lib/tag/tagrnn.c: the character encoder of
# nn/charcnn.c, nn/stack.c's layers, a softmax at every token) against central differences of
# its loss, parameter by parameter: `test-nn taggrad` covers each cell, one and two layers, one
# direction and two, dropout and recurrent dropout with their masks fixed, convolutions of
# width 1, 3 and 5 over words of 1 to 7 characters, and no character encoder. A step that moves
# one of the encoder's maxima to another position (where the loss has a kink) is tried 10 and
# 100 times shorter, and left out when it still does; at most a tenth of a tensor may be left
# out. Tolerance 2e-3 (test-nn's); each line prints the largest error of one tensor.

load helper

@test "tag-grad: every gradient of the recurrent tagger within tolerance" {
	command -v test-nn >/dev/null || skip "test-nn is not built"
	run --separate-stderr test-nn taggrad
	assert_success
	assert_equal "$stderr" ''
	echo "# largest error: $(grep -o 'error [0-9.e+-]*' <<<"$output" | awk '{print $2}' | sort -g | tail -n 1)" >&3
	run grep -cv '^ok ' <<<"$output"
	assert_output 0
	run test-nn taggrad
	local what
	for what in 'lstm 1 layer bidirectional width 3 cemb' 'lstm 1 layer bidirectional width 3 conv.w' \
		'lstm 2 layers bidirectional dropout recurrent-dropout width 5 1.1.w_hh' \
		'gru 1 layer bidirectional width 1 conv.w' 'gru 2 layers dropout width 0 emb' \
		'rnn 1 layer width 5 cemb' 'rnn 1 layer width 5 out.w'; do
		assert_line --partial "ok taggrad $what"
	done
	[ "${#lines[@]}" -ge 70 ]
}
