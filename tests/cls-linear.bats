#!/usr/bin/env bats
# cls/linear: fastText's supervised classifier (issue 15) through test-linear: the gradient of
# one SGD step against central differences in double precision (softmax and hs; word rows,
# character n-gram rows, word n-gram rows, output rows; --freeze), and a tiny model whose
# probabilities are worked out by hand in tests/test-linear.c (fastText's hashes of word bigrams
# with their sign extension, unknown words, zero n-gram rows counted in the mean).

load helper

setup() {
	command -v test-linear >/dev/null || skip "test-linear is not built"
}

@test "cls-linear: test-linear gradcheck: every kind of row, softmax and hs, within tolerance" {
	run --separate-stderr test-linear gradcheck
	assert_success
	assert_equal "$stderr" ''
	run grep -cv '^ok ' <<<"$output"
	assert_output 0
	run test-linear gradcheck
	local loss kind
	for loss in softmax hs; do
		for kind in 'word rows' 'character n-gram rows' 'word n-gram rows' 'output rows'; do
			assert_line --partial "ok gradcheck $loss $kind: largest error"
		done
		assert_line "ok gradcheck $loss freeze: word rows fixed, n-gram rows trained"
	done
}

@test "cls-linear: test-linear hand: the probabilities worked out by hand, per line and batch" {
	run --separate-stderr test-linear hand
	assert_success
	assert_equal "$stderr" ''
	assert_line 'hand softmax "a b": 0.492501 0.507499'
	assert_line 'hand softmax "a c": 0.546738 0.453262'
	assert_line 'hand hs "a b": 0.472528 0.527472'
	assert_line 'hand hs "a c": 0.453262 0.546738'
	assert_line --partial 'ok hand softmax: largest difference'
	assert_line --partial 'ok hand hs: largest difference'
}

@test "cls-linear: test-linear: a usage error exits 2" {
	run -2 test-linear nothing
}
