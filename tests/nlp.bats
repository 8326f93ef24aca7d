#!/usr/bin/env bats
# nlp: the dispatcher.

load helper

@test "nlp: alone lists the stages with their one-line descriptions" {
	run nlp
	assert_success
	for p in $PROGS; do
		assert_line --regexp "^  $p +[A-Za-z]"
	done
}

@test "nlp STAGE ARGS runs nlp-STAGE with the arguments and stdin" {
	run nlp tokenize --ptb <<<"don't stop."
	assert_success
	assert_output "do n't stop ."
	run nlp normalize --lower <<<'ABC'
	assert_output 'abc'
}

@test "nlp: the stage's exit status passes through" {
	run --separate-stderr nlp normalize --bogus
	assert_failure 2
	[[ "$stderr" == *"usage: nlp-normalize"* ]]
}

@test "nlp: an unknown stage is a usage error" {
	run --separate-stderr nlp frobnicate
	assert_failure 2
	[[ "$stderr" == "nlp: 'frobnicate' is not a stage; run 'nlp' for the list" ]]
	run --separate-stderr nlp ../../bin/sh
	assert_failure 2
}

@test "nlp help STAGE shows the man page from the build tree" {
	run env MANPAGER=cat PAGER=cat MANWIDTH=80 nlp help tokenize
	assert_success
	assert_output --partial 'nlp-tokenize'
	assert_output --partial 'SYNOPSIS'
	run env MANPAGER=cat PAGER=cat nlp help
	assert_success
	assert_output --partial 'NLP(7)'
}

@test "nlp --version and a bad option" {
	run nlp --version
	assert_output --regexp '^nlp [0-9]+\.[0-9]+'
	run --separate-stderr nlp --bogus
	assert_failure 2
}
