#!/usr/bin/env bats
# Pipelines of stages, as the README and nlp(7) show them.

load helper

@test "pipeline: normalize | tokenize | stopword on the bundled sample" {
	run bash -c "nlp-normalize --lower '$NLP_TOP/examples/sample.txt' | nlp-tokenize | nlp-stopword --lang en,ko --split-particles | head -n 1"
	assert_success
	assert_output --partial 'alice beginning get tired sitting sister bank'
	run bash -c "nlp-normalize --lower '$NLP_TOP/examples/sample.txt' | nlp-tokenize | nlp-stopword | wc -l"
	assert_output "$(wc -l < "$NLP_TOP/examples/sample.txt")"
}

@test "pipeline: sentences then words keeps every word of the text" {
	a=$(nlp-tokenize "$NLP_TOP/examples/sample.txt" | tr ' ' '\n' | grep -c .)
	b=$(nlp-tokenize --sentences "$NLP_TOP/examples/sample.txt" | nlp-tokenize | tr ' ' '\n' | grep -c .)
	[ "$a" -eq "$b" ] || fail "$a words directly, $b through sentences"
}

@test "pipeline: the same through the nlp dispatcher" {
	want=$(nlp-normalize -l "$NLP_TOP/examples/sample.txt" | nlp-tokenize | md5sum)
	got=$(nlp normalize -l "$NLP_TOP/examples/sample.txt" | nlp tokenize | md5sum)
	[ "$want" = "$got" ]
}

@test "pipeline: make demo's main job runs from the README" {
	run sh "$NLP_TOP/examples/demo.sh"
	assert_success
	assert_output --partial 'alice'
	assert_output --partial '<date>'
}
