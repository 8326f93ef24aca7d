#!/usr/bin/env bats
# cls-grad: the recurrent classifier's gradients (lib/cls/rnncls.c over lib/nn's layers) against
# central differences of its loss, parameter by parameter: `test-nn clsgrad` covers each cell,
# one and two layers, one direction and two, each pooling (last, mean, max, attention), dropout
# and recurrent dropout with their masks fixed, and the embedding bag of character n-gram rows.
# Its tolerance (2e-3, absolute below 1e-2, relative above) is test-nn's; each line prints the
# largest error of one tensor.

load helper

@test "cls-grad: every gradient of the recurrent classifier within tolerance" {
	command -v test-nn >/dev/null || skip "test-nn is not built"
	run --separate-stderr test-nn clsgrad
	assert_success
	assert_equal "$stderr" ''
	echo "# largest error: $(awk '{print $NF}' <<<"$output" | sort -g | tail -n 1)" >&3
	run grep -cv '^ok ' <<<"$output"
	assert_output 0
	run test-nn clsgrad
	local what
	for what in 'lstm 1 layer last emb' 'lstm 2 layers bidirectional attention 1.1.w_hh' \
		'lstm 2 layers bidirectional attention att.v' 'gru 1 layer bidirectional last 0.1.b_hh' \
		'gru 2 layers bidirectional mean dropout recurrent-dropout 1.0.w_hh' \
		'rnn 1 layer bidirectional max 0.1.w_ih' 'rnn 2 layers attention dropout att.w' \
		'lstm 1 layer bidirectional max recurrent-dropout 0.0.w_hh' \
		'lstm 1 layer bidirectional attention dropout n-gram rows emb' \
		'gru 2 layers mean n-gram rows emb' 'gru 1 layer bidirectional last out.b'; do
		assert_line --partial "ok clsgrad $what"
	done
	[ "${#lines[@]}" -ge 140 ]
}
