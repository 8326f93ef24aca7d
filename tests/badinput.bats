#!/usr/bin/env bats
# Bad input for every program: random bytes, a first line that starts with each invalid lead
# byte, NUL bytes, a 24 MB line (far beyond every buffer), empty input, directories and missing
# files. Each gets a clear message and its documented exit status; nothing crashes
# (the programs under test are built with AddressSanitizer and UBSan).

load helper

# every program with the arguments that select each of its modes
modes() {
	echo "nlp-normalize"
	echo "nlp-normalize -l -A -P --squeeze -r -f nfkc"
	echo "nlp-normalize -f nfd"
	echo "nlp-tokenize"
	echo "nlp-tokenize --ptb"
	echo "nlp-tokenize --chars --space _"
	echo "nlp-tokenize --jamo"
	echo "nlp-tokenize --compose"
	echo "nlp-tokenize --sentences"
	echo "nlp-stopword -L en,ko -i --split-particles"
	echo "nlp-bpe apply --codes $BPE_MERGES --cache 1K"
	echo "nlp-bpe decode --style sentencepiece"
	echo "nlp-stem"
	echo "nlp-stem -L russian"
	echo "nlp-stem --lemma --pos v"
}

# merges for nlp-bpe apply (setup_file)
BPE_MERGES="$BATS_FILE_TMPDIR/bpe.merges"

setup_file() {
	$PY -c 'import random,sys; random.seed(7); sys.stdout.buffer.write(bytes(random.getrandbits(8) for _ in range(1<<20)))' > "$BATS_FILE_TMPDIR/random.bin"
	nlp-bpe learn --merges 200 "$DATA/bpe/en.txt" > "$BATS_FILE_TMPDIR/bpe.merges" 2>/dev/null
}

# assert_utf8 FILE...: each file is valid UTF-8 (all in one Python); names those that are not.
assert_utf8() {
	run $PY -c '
import sys
for f in sys.argv[1:]:
    try:
        open(f, "rb").read().decode("utf-8")
    except UnicodeDecodeError as e:
        print("%s: %s" % (f, e))' "$@"
	assert_success
	[ -z "$output" ] || fail "invalid UTF-8 written: $output"
}

@test "bad input: 1 MB of random bytes, every mode, replace policy: valid UTF-8 out, same line count" {
	lines=$(tr -cd '\n' < "$BATS_FILE_TMPDIR/random.bin" | wc -c)
	local outs=() n=0
	while read -r cmd; do
		n=$((n + 1))
		# (the file's name says the command, for assert_utf8's message)
		outs+=("$BATS_TEST_TMPDIR/out$n ${cmd//[ \/]/_}")
		$cmd < "$BATS_FILE_TMPDIR/random.bin" > "${outs[-1]}" 2>"$BATS_TEST_TMPDIR/err" || fail "$cmd exited $?: $(head -c 300 "$BATS_TEST_TMPDIR/err")"
		if [[ "$cmd" != *--sentences* ]]; then
			got=$(tr -cd '\n' < "${outs[-1]}" | wc -c)
			[ "$got" -eq "$lines" ] || [ "$got" -eq $((lines + 1)) ] || fail "$cmd: $got lines for $lines"
		fi
		grep -q 'invalid UTF-8' "$BATS_TEST_TMPDIR/err" || fail "$cmd gave no warning"
	done < <(modes)
	assert_utf8 "${outs[@]}"
}

# Every sequence that cannot start a character: the continuation bytes, the overlong leads C0
# and C1, the leads F5..FF beyond U+10FFFF (bad_bytes), and leads cut short, overlong, surrogate
# or too large (bad_sequences). Each bad byte becomes one U+FFFD.
bad_bytes() {
	for b in $(seq 128 191) 192 193 $(seq 245 255); do
		printf '\\x%02x\n' "$b"
	done
}
bad_sequences() {
	printf '%s\n' '\xc2' '\xdf' '\xe0\xa0' '\xe1\x80' '\xed\x9f' '\xef\xbf' '\xf0\x90\x80' \
		'\xf1' '\xf4\x8f\xbf' '\xe0\x80' '\xed\xa0\x80' '\xf0\x80\x80' '\xf4\x90\x80\x80'
}

# every reader of text, in each mode: exit status|command|the line after the bad bytes|the output,
# with @ for the replacement characters and ~ for them as tokens of their own; $V is a vocabulary,
# $B a merges file and $W a WordNet of one noun (the reader is the same as with Debian's WordNet,
# whose loading takes four times as long as the rest of a run under the sanitizers)
lead_modes() {
	echo '0|nlp-normalize|abc a b|@abc a b'
	echo '0|nlp-tokenize|abc a b|~ abc a b'
	echo '0|nlp-stopword|abc a b|@abc b'
	echo '0|nlp-stem|abc jumps b|@abc jump b'
	echo "0|nlp-stem --lemma --wordnet $W|abc dogs b|@abc dog b"
	echo '0|nlp-ngram|abc a b|@abc a\na b'
	echo '0|nlp-ngram --merge|abc a\t2|@abc a\t2'
	echo '0|nlp-vocab|abc a b|a\t1\nb\t1\n@abc\t1'
	echo '0|nlp-vocab --merge|abc\t2|@abc\t2'
	echo "0|nlp-vocab --encode $V|abc a b|0 1 2"
	echo "1|nlp-vocab --decode $V|1 0|"
	echo '0|nlp-tfidf -C --top 3|abc a b|a:1 b:1 @abc:1'
	echo "0|nlp-cooccur -v $V -t -w 1 --weight flat|abc a b|1\t2\t1\n2\t1\t1"
	echo "0|nlp-bpe apply --codes $B --style sentencepiece --cache 1K| x ab|\xe2\x96\x81~ \xe2\x96\x81x \xe2\x96\x81a b"
}

# lead_check DIR: runs lead_modes on bad leads (a process each: the bug shows on the first line
# only; the line from a here-string, so that a run is one fork), and prints what differs from the
# table. The
# readers share one decoder (utf8_clean, in the line loop of cli/filter.c, or of count/countfile.c
# for --merge); what each reader adds is its repair buffer for the first line. So every bad byte and sequence goes
# through the first reader, nlp-normalize, and through every other reader go all the sequences
# and a set of single bytes covering each class: the ends of the continuation range (80, BF) and
# two inside it (81, A0), the overlong leads C0 and C1, and F5, F8 (an old 5-byte lead) and FF
# beyond U+10FFFF. Builtins only between the runs: a few hundred of them already take a while.
lead_check() {
	local d=$1 lead k x at tok m want cmd in exp out err rc modes n line
	mapfile -t modes < <(lead_modes)
	while read -r lead; do
		case $lead in
		'\x80' | '\x81' | '\xa0' | '\xbf' | '\xc0' | '\xc1' | '\xf5' | '\xf8' | '\xff' | seq*)
			n=${#modes[@]} ;;
		*) n=1 ;;
		esac
		lead=${lead#seq}
		k=$((${#lead} / 4)) at='' tok=''
		for ((x = 0; x < k; x++)); do
			at+=$'\xef\xbf\xbd' tok+=$'\xef\xbf\xbd '
		done
		for ((m = 0; m < n; m++)); do
			IFS='|' read -r want cmd in exp <<<"${modes[$m]}"
			printf -v line "$lead%b" "$in"
			$cmd <<<"$line" > "$d/out$m" 2> "$d/err$m"
			echo $? > "$d/rc$m"
		done
		for ((m = 0; m < n; m++)); do
			IFS='|' read -r want cmd in exp <<<"${modes[$m]}"
			printf -v exp '%b' "$exp"
			exp=${exp//@/$at}
			exp=${exp//\~ /$tok}
			IFS= read -rd '' out < "$d/out$m"
			IFS= read -rd '' err < "$d/err$m"
			read -r rc < "$d/rc$m"
			out=${out%$'\n'}
			if [ "$rc" -ne "$want" ] || [[ "$err" == *"runtime error"* || "$err" == *Sanitizer* ]]; then
				echo "$lead, $cmd: exit $rc: ${err:0:300}"
			# merging repairs count files without a word (nlp-ngram(1), nlp-vocab(1))
			elif [[ "$cmd" != *--merge* && "$err" != *"line 1: invalid UTF-8 replaced by U+FFFD"* ]]; then
				echo "$lead, $cmd: no warning: $err"
			elif [ "$want" -ne 0 ] && [[ "$err" != *"line 1: '$at"1"' is not an id below 3"* ]]; then
				echo "$lead, $cmd: $err"
			elif [ "$out" != "$exp" ]; then
				echo "$lead, $cmd: '$out', not '$exp'"
			fi
		done
	done < <(bad_bytes; bad_sequences | sed 's/^/seq/')
}

@test "bad input: a first line that starts with each invalid lead byte, through every reader" {
	# the repair buffer is still empty then: memcpy(NULL, s, 0) was undefined (UBSan stopped)
	V="$BATS_TEST_TMPDIR/v.tsv"
	printf '<unk>\t0\na\t1\nb\t1\n' > "$V"
	B="$BATS_TEST_TMPDIR/header-only.merges" # nlp-bpe apply: every cluster a piece
	printf '#version: 0.2\n' > "$B"
	W="$BATS_TEST_TMPDIR/wordnet" # nlp-stem --lemma: dogs is dog
	mkdir "$W"
	printf 'dog n 1 0 1 0 02084071  \n' > "$W/index.noun"
	: > "$W/noun.exc"
	# about three hundred short runs, outside bats' traps: UBSan and ASan stay on, the leak check at
	# each exit and OpenBLAS' threads do not
	ASAN_OPTIONS="${ASAN_OPTIONS/detect_leaks=1/detect_leaks=0}" OPENBLAS_NUM_THREADS=1 \
		run bash -c "$(declare -f bad_bytes bad_sequences lead_modes lead_check); V='$V'; B='$B'; W='$W'; lead_check '$BATS_TEST_TMPDIR'"
	assert_success
	[ -z "$output" ] || fail "$(head -n 20 <<<"$output")"
}

@test "bad input: random bytes with --invalid=skip and =fail" {
	while read -r cmd; do
		# (the output, a megabyte, is not kept: run would split it into lines)
		status=0
		$cmd --invalid=skip < "$BATS_FILE_TMPDIR/random.bin" > /dev/null || status=$?
		[ "$status" -eq 0 ] || fail "$cmd --invalid=skip exited $status"
		run --separate-stderr $cmd --invalid=fail < "$BATS_FILE_TMPDIR/random.bin"
		[ "$status" -eq 1 ] || fail "$cmd --invalid=fail exited $status"
		[[ "$stderr" == nlp-*": <stdin>: line "*", byte "*": invalid UTF-8" ]] || fail "$cmd: $stderr"
	done < <(modes)
}

@test "bad input, nlp-bpe learn: random bytes under each policy give merges that apply reads back" {
	# (-m 100: the default 10,000 merges of random bytes take seconds under the sanitizers)
	for policy in replace skip; do
		nlp-bpe learn --merges 100 --invalid=$policy "$BATS_FILE_TMPDIR/random.bin" > "$BATS_TEST_TMPDIR/m" 2> "$BATS_TEST_TMPDIR/err" ||
			fail "learn --invalid=$policy exited $?: $(head -c 300 "$BATS_TEST_TMPDIR/err")"
		[ "$(wc -l < "$BATS_TEST_TMPDIR/m")" -eq 101 ] || fail "$policy: $(wc -l < "$BATS_TEST_TMPDIR/m") lines"
		assert_utf8 "$BATS_TEST_TMPDIR/m"
		nlp-bpe apply --codes "$BATS_TEST_TMPDIR/m" --invalid=$policy "$BATS_FILE_TMPDIR/random.bin" > /dev/null 2> "$BATS_TEST_TMPDIR/err" ||
			fail "apply of the merges learnt under $policy exited $?: $(grep -v 'invalid UTF-8' "$BATS_TEST_TMPDIR/err" | head -c 300)"
	done
	run --separate-stderr nlp-bpe learn --invalid=fail "$BATS_FILE_TMPDIR/random.bin"
	assert_failure 1
	[[ "$stderr" == "nlp-bpe: $BATS_FILE_TMPDIR/random.bin: line "*", byte "*": invalid UTF-8" ]] || fail "$stderr"
	# as vocabularies (--counts): the reader's message, never a crash
	run --separate-stderr nlp-bpe learn --counts "$BATS_FILE_TMPDIR/random.bin"
	assert_failure 1
	[[ "$stderr" == "nlp-bpe: $BATS_FILE_TMPDIR/random.bin: line 1: "* ]] || fail "$stderr"
	# as a merges file and as apply's vocabulary
	run --separate-stderr nlp-bpe apply --codes "$BATS_FILE_TMPDIR/random.bin" < /dev/null
	assert_failure 1
	[[ "$stderr" == "nlp-bpe: $BATS_FILE_TMPDIR/random.bin: line 1: "* ]] || fail "$stderr"
	run --separate-stderr nlp-bpe apply --codes "$BPE_MERGES" --vocab "$BATS_FILE_TMPDIR/random.bin" < /dev/null
	assert_failure 1
	[[ "$stderr" == "nlp-bpe: $BATS_FILE_TMPDIR/random.bin: line 1: "* ]] || fail "$stderr"
}

@test "bad input: NUL bytes pass through as characters, never cut a line" {
	run bash -c "printf 'a\0b c\n' | nlp-normalize | od -An -c | tr -s ' '"
	assert_output ' a \0 b c \n'
	run bash -c "printf 'a\0b c\n' | nlp-tokenize"
	assert_output 'a b c'
	run bash -c "printf 'a\0b c\n' | nlp-bpe apply --codes '$BPE_MERGES' | nlp-bpe decode | od -An -c | tr -s ' '"
	assert_output ' a \0 b c \n'
}

@test "bad input: a 24 MB line through every program" {
	$PY -c 'import sys; sys.stdout.buffer.write(("Word, 한국어 text. " * 1200000).encode()[:24000000] + b"\n")' > "$BATS_FILE_TMPDIR/big.txt"
	for cmd in "nlp-normalize -l --squeeze" "nlp-tokenize" "nlp-tokenize --ptb" "nlp-stopword"; do
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
	for p in nlp-normalize nlp-tokenize nlp-stopword nlp-stem; do
		run --separate-stderr $p "$BATS_TEST_TMPDIR"
		assert_failure 1
		[[ "$stderr" == "$p: read $BATS_TEST_TMPDIR: Is a directory" ]] || fail "$stderr"
		run --separate-stderr $p /no/such
		assert_failure 1
		[[ "$stderr" == "$p: open /no/such: No such file or directory" ]] || fail "$stderr"
	done
}

@test "bad input: unknown options and missing option values exit 2 with usage" {
	for p in nlp-normalize nlp-tokenize nlp-stopword nlp-stem; do
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

# the counting stages, with the arguments that select each of their modes; $V is a vocabulary
count_modes() {
	echo "nlp-ngram"
	echo "nlp-ngram -C --min-n 1 --max-n 3 --markers"
	echo "nlp-ngram -c -C --space _"
	echo "nlp-vocab"
	echo "nlp-vocab --max-size 100 --min-count 2"
	echo "nlp-cooccur -v $V -t -w 3"
	echo "nlp-cooccur -v $V -t --cross-lines --drop-oov after --left"
	echo "nlp-tfidf -t"
	echo "nlp-tfidf --top 3 --sublinear-tf --idf plain --norm l1 --min-df 2"
	echo "nlp-tfidf -C --binary -t -v $V"
	echo "nlp-tfidf --top 2 -v $V --docs 1000000 --idf notes"
}

@test "bad input, counting stages: random bytes under each policy: valid UTF-8 out, or the failure" {
	V="$BATS_TEST_TMPDIR/v.tsv"
	nlp-vocab --min-count 3 < "$BATS_FILE_TMPDIR/random.bin" > "$V"
	[ -s "$V" ] || fail "no vocabulary from random bytes"
	local outs=() n=0
	while read -r cmd; do
		for policy in replace skip; do
			n=$((n + 1))
			outs+=("$BATS_TEST_TMPDIR/out$n ${cmd//[ \/]/_}_--invalid=$policy")
			$cmd --invalid=$policy < "$BATS_FILE_TMPDIR/random.bin" > "${outs[-1]}" 2>"$BATS_TEST_TMPDIR/err" || fail "$cmd --invalid=$policy exited $?: $(head -c 300 "$BATS_TEST_TMPDIR/err")"
			[ -s "${outs[-1]}" ] || fail "$cmd --invalid=$policy: no output"
		done
		run --separate-stderr $cmd --invalid=fail < "$BATS_FILE_TMPDIR/random.bin"
		[ "$status" -eq 1 ] || fail "$cmd --invalid=fail exited $status"
		[[ "$stderr" == nlp-*": <stdin>: line "*", byte "*": invalid UTF-8" ]] || fail "$cmd: $stderr"
	done < <(count_modes)
	assert_utf8 "${outs[@]}"
}

@test "bad input, counting stages: a 10 MB line is counted whole" {
	# (far beyond every buffer of reading and counting)
	$PY -c 'import sys; sys.stdout.buffer.write(b"word text " * 1000000 + b"\n")' > "$BATS_TEST_TMPDIR/big.txt"
	run timeout 120 nlp-vocab "$BATS_TEST_TMPDIR/big.txt"
	assert_output "$(printf 'text\t1000000\nword\t1000000')"
	run timeout 120 nlp-ngram -C -n 3 "$BATS_TEST_TMPDIR/big.txt"
	assert_output "$(printf 'text word text\t999999\nword text word\t999999')"
	printf 'text\t1\nword\t1\n' > "$BATS_TEST_TMPDIR/v.tsv"
	run timeout 120 nlp-cooccur -v "$BATS_TEST_TMPDIR/v.tsv" -t -w 2 --weight flat "$BATS_TEST_TMPDIR/big.txt"
	assert_output "$(printf '0\t0\t1999998\n0\t1\t1999999\n1\t0\t1999999\n1\t1\t1999998')"
}

@test "bad input, counting stages: empty input gives empty output and exit 0" {
	V="$BATS_TEST_TMPDIR/v.tsv"
	printf 'a\t1\n' > "$V"
	while read -r cmd; do
		run $cmd < /dev/null
		[ "$status" -eq 0 ] && [ -z "$output" ] || fail "$cmd on empty input: $status '$output'"
	done < <(count_modes)
}

@test "bad input, counting stages: a directory and a missing file are reported, exit 1" {
	printf 'a\t1\n' > "$BATS_TEST_TMPDIR/v.tsv"
	for p in nlp-ngram nlp-vocab "nlp-cooccur -v $BATS_TEST_TMPDIR/v.tsv"; do
		run --separate-stderr $p "$BATS_TEST_TMPDIR"
		assert_failure 1
		[[ "$stderr" == "${p%% *}: read $BATS_TEST_TMPDIR: Is a directory" ]] || fail "$stderr"
		run --separate-stderr $p /no/such
		assert_failure 1
		[[ "$stderr" == "${p%% *}: open /no/such: No such file or directory" ]] || fail "$stderr"
	done
}

@test "bad input, counting stages: random bytes as a count file, a vocabulary or a matrix" {
	run --separate-stderr nlp-ngram --merge "$BATS_FILE_TMPDIR/random.bin"
	assert_failure 1
	[[ "$stderr" == "nlp-ngram: $BATS_FILE_TMPDIR/random.bin: line 1: "* ]] || fail "$stderr"
	run --separate-stderr nlp-vocab --merge "$BATS_FILE_TMPDIR/random.bin"
	assert_failure 1
	[[ "$stderr" == "nlp-vocab: $BATS_FILE_TMPDIR/random.bin: line 1: "* ]] || fail "$stderr"
	run --separate-stderr nlp-vocab -D "$BATS_FILE_TMPDIR/random.bin" /dev/null
	assert_failure 1
	[[ "$stderr" == "nlp-vocab: $BATS_FILE_TMPDIR/random.bin: line 1: "* ]] || fail "$stderr"
	run --separate-stderr nlp-cooccur -v "$BATS_FILE_TMPDIR/random.bin" /dev/null
	assert_failure 1
	[[ "$stderr" == "nlp-cooccur: $BATS_FILE_TMPDIR/random.bin: line 1: "* ]] || fail "$stderr"
	run --separate-stderr nlp-cooccur --merge "$BATS_FILE_TMPDIR/random.bin"
	assert_failure 1
	[[ "$stderr" == "nlp-cooccur: $BATS_FILE_TMPDIR/random.bin: not an nlp matrix"* ]] || fail "$stderr"
	run --separate-stderr nlp-mat info "$BATS_FILE_TMPDIR/random.bin"
	assert_failure 1
	[[ "$stderr" == "nlp-mat: $BATS_FILE_TMPDIR/random.bin: not an nlp matrix"* ]] || fail "$stderr"
}

@test "bad input, counting stages: a closed pipe ends quietly, a full disk is an error" {
	printf 'the\t1\nword\t1\n' > "$BATS_TEST_TMPDIR/v.tsv"
	yes 'the word list goes on and on' | head -n 100000 | nl > "$BATS_TEST_TMPDIR/in.txt"
	for p in "nlp-ngram" "nlp-ngram -C" "nlp-vocab" "nlp-cooccur -t -v $BATS_TEST_TMPDIR/v.tsv"; do
		run --separate-stderr bash -c "$p < '$BATS_TEST_TMPDIR/in.txt' | head -n 1"
		assert_success
		[ -n "$output" ] && [ -z "$stderr" ] || fail "$p: '$output' '$stderr'"
		[ -w /dev/full ] || continue
		run --separate-stderr bash -c "$p < '$BATS_TEST_TMPDIR/in.txt' > /dev/full"
		assert_failure 1
		[[ "$stderr" == "${p%% *}: write <stdout>: No space left on device" ]] || fail "$p: $stderr"
	done
}

@test "bad input, nlp-similar: random bytes as vectors, as queries and as benchmark files" {
	V="$NLP_TOP/tests/data/similar/toy.vec"
	for f in "" "--format text" "--format binary"; do
		# shellcheck disable=SC2086
		run --separate-stderr nlp-similar $f "$BATS_FILE_TMPDIR/random.bin" king
		assert_failure 1
		[[ "$stderr" == "nlp-similar: $BATS_FILE_TMPDIR/random.bin: line 1: "*" is not a header of word vectors (rows and dimension)" ]] || fail "$f: $stderr"
	done
	{ echo '100 50'; cat "$BATS_FILE_TMPDIR/random.bin"; } > "$BATS_TEST_TMPDIR/v"
	run --separate-stderr nlp-similar "$BATS_TEST_TMPDIR/v" king
	assert_failure 1
	[[ "$stderr" == "nlp-similar: $BATS_TEST_TMPDIR/v: "@(row|line)" "* ]] || fail "$stderr"
	# every line a query: unknown words and malformed queries, reported one by one
	run --separate-stderr nlp-similar "$V" < "$BATS_FILE_TMPDIR/random.bin"
	assert_failure 1
	[ -z "$(tr -d '\n' <<<"$output")" ] || fail "answers to random bytes"
	[ -n "$stderr" ] && [ -z "$(grep -av '^nlp-similar: ' <<<"$stderr")" ] || fail "$(grep -av '^nlp-similar: ' <<<"$stderr" | head -n 3)"
	run --separate-stderr nlp-similar --eval-pairs "$BATS_FILE_TMPDIR/random.bin" "$V"
	assert_failure 1
	[[ "$stderr" == "nlp-similar: $BATS_FILE_TMPDIR/random.bin: no pair has both words among the vectors"* ]] || fail "$stderr"
	run --separate-stderr nlp-similar --eval-analogy "$BATS_FILE_TMPDIR/random.bin" "$V"
	assert_failure 1
	[[ "$stderr" == "nlp-similar: $BATS_FILE_TMPDIR/random.bin: line 1: a question before the first ': section' line" ]] || fail "$stderr"
	# empty input: no query, no answer
	run nlp-similar "$V" < /dev/null
	assert_success
	assert_output ''
	run --separate-stderr nlp-similar /dev/null king
	assert_failure 1
	assert_equal "$stderr" "nlp-similar: /dev/null: an empty file, not word vectors"
}

@test "bad input, nlp-tag: random bytes to tag under each policy, to train on, as a model" {
	local m="$BATS_TEST_TMPDIR/m" r="$BATS_TEST_TMPDIR/r" out="$BATS_TEST_TMPDIR/out"
	nlp-tag train --hidden 4 --emb 4 --char-emb 2 --char-filters 2 --epochs 1 -T 1 \
		--output "$m" "$DATA/tag/en.tsv"
	# (100 kB: tagging runs a model over every line)
	head -c 100000 "$BATS_FILE_TMPDIR/random.bin" > "$r"
	nlp-tag --model "$m" < "$r" > "$out" 2> "$BATS_TEST_TMPDIR/err" ||
		fail "nlp-tag exited $?: $(head -c 300 "$BATS_TEST_TMPDIR/err")"
	# a line out for every line in, the last without its newline too
	[ "$(wc -l < "$out")" -eq "$(awk 'END { print NR }' "$r")" ] || fail "$(wc -l < "$out") lines"
	grep -q 'line 1: invalid UTF-8 replaced by U+FFFD' "$BATS_TEST_TMPDIR/err" || fail "no warning"
	assert_utf8 "$out"
	nlp-tag --model "$m" --invalid=skip < "$r" > /dev/null 2>&1 || fail "--invalid=skip exited $?"
	run --separate-stderr nlp-tag --model "$m" --invalid=fail < "$r"
	assert_failure 1
	[[ "$stderr" == "nlp-tag: <stdin>: line "*", byte "*": invalid UTF-8" ]] || fail "$stderr"
	run --separate-stderr nlp-tag train --output "$m.2" "$r"
	assert_failure 1
	[[ "$stderr" == "nlp-tag: $r: line 1: "* ]] || fail "$stderr"
	run --separate-stderr nlp-tag eval --model "$m" "$r"
	assert_failure 1
	[[ "$stderr" == "nlp-tag: $r: line 1: "* ]] || fail "$stderr"
	run --separate-stderr nlp-tag --model "$r" < /dev/null
	assert_failure 1
	assert_equal "$stderr" "nlp-tag: $r: not an nlp-tag model (no NLPTAGGR at its start)"
	run nlp-tag --model "$m" < /dev/null
	assert_success
	assert_output ''
}

@test "bad input, nlp-seq2seq: random bytes to translate under each policy (weights, maps), to train on, as a model" {
	local m="$BATS_TEST_TMPDIR/m" r="$BATS_TEST_TMPDIR/r" out="$BATS_TEST_TMPDIR/out"
	nlp-seq2seq train --hidden 4 --emb 3 --epochs 1 -T 1 --output "$m" "$DATA/seq2seq/rev.tsv"
	# (20 kB, lines cut to 900 bytes, within the 1000 units of a source; translating runs a model
	# over every line, at most 8 units out)
	head -c 20000 "$BATS_FILE_TMPDIR/random.bin" | cut -b -900 > "$r"
	nlp-seq2seq --model "$m" --max-length 8 < "$r" > "$out" 2> "$BATS_TEST_TMPDIR/err" ||
		fail "nlp-seq2seq exited $?: $(head -c 300 "$BATS_TEST_TMPDIR/err")"
	[ "$(wc -l < "$out")" -eq "$(wc -l < "$r")" ] || fail "$(wc -l < "$out") lines"
	grep -q 'line 1: invalid UTF-8 replaced by U+FFFD' "$BATS_TEST_TMPDIR/err" || fail "no warning"
	# beam search, the weights' lines and a map of every line: valid UTF-8, valid XML
	nlp-seq2seq --model "$m" --max-length 8 --beam 2 --weights --attention-map "$BATS_TEST_TMPDIR/map%d.svg" \
		< "$r" > "$out.w" 2> /dev/null || fail "--weights exited $?"
	assert_utf8 "$out" "$out.w"
	run $PY - "$BATS_TEST_TMPDIR" "$(wc -l < "$r")" <<'PY'
import os, sys
import xml.etree.ElementTree as ET
n = 0
for k in range(1, int(sys.argv[2]) + 1):
    f = '%s/map%d.svg' % (sys.argv[1], k)
    if os.path.exists(f):
        ET.parse(f)
        n += 1
print(n)
PY
	assert_success
	[ "$output" -gt 50 ] || fail "$output maps"
	nlp-seq2seq --model "$m" --max-length 8 --invalid=skip < "$r" > /dev/null 2>&1 ||
		fail "--invalid=skip exited $?"
	run --separate-stderr nlp-seq2seq --model "$m" --invalid=fail < "$r"
	assert_failure 1
	[[ "$stderr" == "nlp-seq2seq: <stdin>: line "*", byte "*": invalid UTF-8" ]] || fail "$stderr"
	# as pairs: the first line without a tab is refused (among the warnings of invalid UTF-8)
	k=$(awk -F '\t' 'NF < 2 { print NR; exit }' "$r")
	for cmd in "train --hidden 4 --emb 3 --epochs 1 --output $m.2" "eval --model $m" "score --model $m"; do
		run --separate-stderr nlp-seq2seq $cmd "$r"
		assert_failure 1
		grep -qF "nlp-seq2seq: $r: line $k: no tab between a source and its target" <<< "$stderr" ||
			fail "$cmd: $stderr"
	done
	[ ! -e "$m.2" ]
	run --separate-stderr nlp-seq2seq --model "$r" < /dev/null
	assert_failure 1
	assert_equal "$stderr" "nlp-seq2seq: $r: not an nlp-seq2seq model (no NLPS2SEQ at its start)"
	run nlp-seq2seq --model "$m" < /dev/null
	assert_success
	assert_output ''
}
