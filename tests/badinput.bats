#!/usr/bin/env bats
# Bad input for every program: random bytes, NUL bytes, a 100 MB line, empty input, directories
# and missing files. Each gets a clear message and its documented exit status; nothing crashes
# (the programs under test are built with AddressSanitizer and UBSan).

load helper

# every program with the arguments that select each of its modes
modes() {
	echo "nlp-normalize"
	echo "nlp-normalize -l -a -p -s -r -f nfkc"
	echo "nlp-normalize -f nfd"
	echo "nlp-tokenize"
	echo "nlp-tokenize --ptb"
	echo "nlp-tokenize --chars --space _"
	echo "nlp-tokenize --jamo"
	echo "nlp-tokenize --compose"
	echo "nlp-tokenize --sentences"
	echo "nlp-stopword -L en,ko -i -p"
}

setup_file() {
	$PY -c 'import random,sys; random.seed(7); sys.stdout.buffer.write(bytes(random.getrandbits(8) for _ in range(1<<20)))' > "$BATS_FILE_TMPDIR/random.bin"
}

@test "bad input: 1 MB of random bytes, every mode, replace policy: valid UTF-8 out, same line count" {
	lines=$(tr -cd '\n' < "$BATS_FILE_TMPDIR/random.bin" | wc -c)
	while read -r cmd; do
		$cmd < "$BATS_FILE_TMPDIR/random.bin" > "$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" || fail "$cmd exited $?: $(head -c 300 "$BATS_TEST_TMPDIR/err")"
		$PY -c 'import sys; sys.stdin.buffer.read().decode("utf-8")' < "$BATS_TEST_TMPDIR/out" || fail "$cmd wrote invalid UTF-8"
		if [[ "$cmd" != *--sentences* ]]; then
			got=$(tr -cd '\n' < "$BATS_TEST_TMPDIR/out" | wc -c)
			[ "$got" -eq "$lines" ] || [ "$got" -eq $((lines + 1)) ] || fail "$cmd: $got lines for $lines"
		fi
		grep -q 'invalid UTF-8' "$BATS_TEST_TMPDIR/err" || fail "$cmd gave no warning"
	done < <(modes)
}

@test "bad input: random bytes with --invalid=skip and =fail" {
	while read -r cmd; do
		run $cmd --invalid=skip < "$BATS_FILE_TMPDIR/random.bin"
		[ "$status" -eq 0 ] || fail "$cmd --invalid=skip exited $status"
		run --separate-stderr $cmd --invalid=fail < "$BATS_FILE_TMPDIR/random.bin"
		[ "$status" -eq 1 ] || fail "$cmd --invalid=fail exited $status"
		[[ "$stderr" == nlp-*": <stdin>: line "*", byte "*": invalid UTF-8" ]] || fail "$cmd: $stderr"
	done < <(modes)
}

@test "bad input: NUL bytes pass through as characters, never cut a line" {
	run bash -c "printf 'a\0b c\n' | nlp-normalize | od -An -c | tr -s ' '"
	assert_output ' a \0 b c \n'
	run bash -c "printf 'a\0b c\n' | nlp-tokenize"
	assert_output 'a b c'
}

@test "bad input: a 100 MB line through every program" {
	$PY -c 'import sys; sys.stdout.buffer.write(("Word, 한국어 text. " * 5000000).encode()[:100000000] + b"\n")' > "$BATS_FILE_TMPDIR/big.txt"
	for cmd in "nlp-normalize -l -s" "nlp-tokenize" "nlp-tokenize --ptb" "nlp-stopword"; do
		n=$($cmd < "$BATS_FILE_TMPDIR/big.txt" | wc -l) || fail "$cmd failed"
		[ "$n" -eq 1 ] || fail "$cmd: $n lines"
	done
	run bash -c "nlp-normalize -l < '$BATS_FILE_TMPDIR/big.txt' | cmp - <(tr W w < '$BATS_FILE_TMPDIR/big.txt') && echo same"
	assert_output same
	rm -f "$BATS_FILE_TMPDIR/big.txt"
}

@test "bad input: empty input gives empty output and exit 0" {
	while read -r cmd; do
		run $cmd < /dev/null
		[ "$status" -eq 0 ] && [ -z "$output" ] || fail "$cmd on empty input: $status '$output'"
	done < <(modes)
}

@test "bad input: a directory and a missing file are reported, exit 1" {
	for p in nlp-normalize nlp-tokenize nlp-stopword; do
		run --separate-stderr $p "$BATS_TEST_TMPDIR"
		assert_failure 1
		[[ "$stderr" == "$p: read $BATS_TEST_TMPDIR: Is a directory" ]] || fail "$stderr"
		run --separate-stderr $p /no/such
		assert_failure 1
		[[ "$stderr" == "$p: open /no/such: No such file or directory" ]] || fail "$stderr"
	done
}

@test "bad input: unknown options and missing option values exit 2 with usage" {
	for p in nlp-normalize nlp-tokenize nlp-stopword; do
		run --separate-stderr $p --no-such-option
		assert_failure 2
		[[ "$stderr" == *"usage: $p"* ]] || fail "$stderr"
		run --separate-stderr $p --invalid
		assert_failure 2
	done
}

@test "bad input: a closed output pipe ends quietly" {
	for p in nlp-normalize nlp-tokenize nlp-stopword; do
		run --separate-stderr bash -c "yes 'the word list goes on' | head -n 200000 | $p | head -n 1"
		assert_success
		assert_output 'word list goes' || assert_output 'the word list goes on'
		[ -z "$stderr" ] || fail "$p wrote: $stderr"
	done
}

@test "bad input: a full disk is an error, not a silent truncation" {
	[ -w /dev/full ] || skip "needs /dev/full"
	run --separate-stderr bash -c "echo hello | nlp-normalize > /dev/full"
	assert_failure 1
	[[ "$stderr" == "nlp-normalize: write <stdout>: No space left on device" ]]
}
