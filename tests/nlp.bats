#!/usr/bin/env bats
# nlp: the dispatcher.

load helper

@test "nlp: alone lists the stages with their one-line descriptions" {
	run --separate-stderr nlp
	assert_success
	assert_equal "$stderr" ''
	assert_line --index 0 'usage: nlp [STAGE [ARGS ...] | help [STAGE] | --version]'
	for p in $PROGS; do
		assert_line --regexp "^  $p +[A-Za-z]"
	done
	# exactly the stages of the Makefile, in byte order
	listed=$(printf '%s\n' "${lines[@]}" | sed -n 's/^  \([a-z0-9-]*\)  .*/\1/p' | tr '\n' ' ')
	assert_equal "$listed" "$(printf '%s\n' $PROGS | LC_ALL=C sort | tr '\n' ' ')"
}

@test "nlp STAGE ARGS runs nlp-STAGE with the arguments and stdin" {
	run --separate-stderr nlp tokenize --ptb <<<"don't stop."
	assert_success
	assert_output "do n't stop ."
	assert_equal "$stderr" ''
	run nlp normalize --lower <<<'ABC'
	assert_success
	assert_output 'abc'
	# file operands and '-' reach the stage in their order
	printf 'Two Words\n' > "$BATS_TEST_TMPDIR/in.txt"
	run nlp normalize --lower "$BATS_TEST_TMPDIR/in.txt" - "$BATS_TEST_TMPDIR/in.txt" <<<'FROM STDIN'
	assert_success
	assert_output "$(printf 'two words\nfrom stdin\ntwo words')"
}

@test "nlp: the stage's exit status passes through" {
	run --separate-stderr nlp normalize --bogus
	assert_failure 2
	assert_output ''
	[[ "$stderr" == *"usage: nlp-normalize"* ]] || fail "stderr: $stderr"
	# a runtime error (1), with the stage's own message
	run --separate-stderr nlp tokenize "$BATS_TEST_TMPDIR/missing"
	assert_failure 1
	assert_equal "$stderr" "nlp-tokenize: open $BATS_TEST_TMPDIR/missing: No such file or directory"
}

@test "nlp: an unknown stage is a usage error" {
	run --separate-stderr nlp frobnicate
	assert_failure 2
	[[ "$stderr" == "nlp: 'frobnicate' is not a stage; run 'nlp' for the list" ]]
	assert_output ''
	# a path is not a stage: nothing outside the stages runs
	run --separate-stderr nlp ../../bin/sh -c 'echo ran'
	assert_failure 2
	assert_output ''
	[[ "$stderr" == "nlp: '../../bin/sh' is not a stage; run 'nlp' for the list" ]] || fail "stderr: $stderr"
}

@test "nlp help NAME of no stage: the message and exit status of 'nlp NAME', not man's" {
	want="nlp: 'frobnicate' is not a stage; run 'nlp' for the list"
	run --separate-stderr nlp frobnicate
	assert_failure 2
	assert_equal "$stderr" "$want"
	# man would say "No manual entry for nlp-frobnicate" and exit 16; man is not even run
	run --separate-stderr env MANPAGER=cat PAGER=cat nlp help frobnicate
	assert_failure 2
	assert_equal "$stderr" "$want"
	assert_output ''
	# a name that cannot be a stage, the same
	run --separate-stderr nlp help ../../bin/sh
	assert_failure 2
	assert_equal "$stderr" "nlp: '../../bin/sh' is not a stage; run 'nlp' for the list"
	assert_output ''
	# a stage found on PATH but with no page beside nlp is still left to man: it is a stage
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	printf '#!/bin/sh\n' > "$BATS_TEST_TMPDIR/bin/nlp-extra"
	chmod +x "$BATS_TEST_TMPDIR/bin/nlp-extra"
	run --separate-stderr env PATH="$BATS_TEST_TMPDIR/bin:$PATH" MANPAGER=cat PAGER=cat nlp help extra
	refute_regex "$stderr" 'is not a stage'
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
	run --separate-stderr nlp --version
	assert_success
	assert_output --regexp '^nlp [0-9]+\.[0-9]+\.[0-9]+$'
	assert_equal "$stderr" ''
	run --separate-stderr nlp --bogus
	assert_failure 2
	assert_output ''
	[[ "$stderr" == "usage: nlp "* ]] || fail "stderr: $stderr"
}
