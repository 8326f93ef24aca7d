#!/usr/bin/env bats
# nlp-vocab: vocabularies (token<TAB>count by count, then bytes) against an independent awk count,
# min-count, max-size and specials, merging shards, the memory budget, encoding to ids and
# decoding back, malformed vocabularies and ids, options and bad input.

load helper

CNT="$DATA/count"
TAB=$(printf '\t')

csort() {
	LC_ALL=C sort -t"$TAB" -k2,2nr -k1,1
}

# awk_vocab FILE...: an independent unigram count, in the vocabulary's order.
awk_vocab() {
	LC_ALL=C awk '{for (i = 1; i <= NF; i++) c[$i]++} END {for (w in c) print w "\t" c[w]}' "$@" | csort
}

# awk_encode VOCAB TEXT [UNK-ID]: ids of the tokens (the vocabulary's line numbers from 0);
# unknown tokens get UNK-ID, or are dropped when it is empty.
awk_encode() {
	LC_ALL=C awk -v unk="${3-}" 'NR == FNR {split($0, f, "\t"); id[f[1]] = NR - 1; next}
		{o = ""; for (i = 1; i <= NF; i++) {if ($i in id) x = id[$i]; else if (unk == "") continue; else x = unk;
		 o = o (o == "" ? "" : " ") x} print o}' "$1" "$2"
}

# ---- building ----

@test "vocab: counts of the fixture equal awk | sort (count, then bytes); files and - concatenate; every blank separates" {
	nlp-vocab "$CNT/tokens.txt" > "$BATS_TEST_TMPDIR/want0"
	awk_vocab "$CNT/tokens.txt" > "$BATS_TEST_TMPDIR/want"
	assert_same "$BATS_TEST_TMPDIR/want0" "$BATS_TEST_TMPDIR/want"
	run head -n 7 "$BATS_TEST_TMPDIR/want0"
	assert_bytes "$(printf 'a\t9\nb\t7\nthe\t7\nB\t5\nab\t5\na!\t4\na\001\t3')" "$output"
	head -n 4 "$CNT/tokens.txt" > "$BATS_TEST_TMPDIR/a"
	tail -n +5 "$CNT/tokens.txt" > "$BATS_TEST_TMPDIR/b"
	nlp-vocab "$BATS_TEST_TMPDIR/a" - < "$BATS_TEST_TMPDIR/b" > "$BATS_TEST_TMPDIR/got"
	assert_same "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want"
	run bash -c "printf ' a\tb\rc\vb\fa  a \n' | nlp-vocab"
	assert_output "$(printf 'a\t3\nb\t2\nc\t1')"
}

@test "vocab: PTB counts equal awk | sort, also with --memory 1M and merged from GNU parallel shards" {
	need_shared ptb/ptb.train.txt
	ptb="$SHARED_DATA/ptb/ptb.train.txt"
	mkdir "$BATS_TEST_TMPDIR/tmp"
	awk_vocab "$ptb" > "$BATS_TEST_TMPDIR/want"
	nlp-vocab "$ptb" > "$BATS_TEST_TMPDIR/got"
	assert_same "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want"
	TMPDIR="$BATS_TEST_TMPDIR/tmp" nlp-vocab --memory 1M "$ptb" > "$BATS_TEST_TMPDIR/got1m"
	assert_same "$BATS_TEST_TMPDIR/got1m" "$BATS_TEST_TMPDIR/want"
	run ls -A "$BATS_TEST_TMPDIR/tmp"
	assert_output ''
	run wc -l < "$BATS_TEST_TMPDIR/got"
	assert_output 9999
	run head -n 3 "$BATS_TEST_TMPDIR/got"
	assert_output "$(printf 'the\t50770\n<unk>\t45020\nN\t32481')"
	command -v parallel >/dev/null || skip "needs GNU parallel for the sharded run"
	mkdir "$BATS_TEST_TMPDIR/parts"
	parallel --will-cite --pipe -N 10000 --block 2M "nlp-vocab > $BATS_TEST_TMPDIR/parts/part.{#}" < "$ptb"
	run ls "$BATS_TEST_TMPDIR/parts"
	assert_output "$(printf 'part.%s\n' 1 2 3 4 5)"
	nlp-vocab --merge "$BATS_TEST_TMPDIR"/parts/part.* > "$BATS_TEST_TMPDIR/merged"
	assert_same "$BATS_TEST_TMPDIR/merged" "$BATS_TEST_TMPDIR/want"
}

@test "vocab --memory 1M: a corpus of 127,000 distinct tokens spills, merges in passes, equals awk" {
	seq 1 120000 | awk '{print "w" $1, "x" ($1 % 977), "y" ($1 * 31 % 5003), "z" ($1 % 3)}' > "$BATS_TEST_TMPDIR/in"
	mkdir "$BATS_TEST_TMPDIR/tmp"
	awk_vocab "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/want"
	TMPDIR="$BATS_TEST_TMPDIR/tmp" nlp-vocab -M 1M "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/got"
	assert_same "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want"
	run ls -A "$BATS_TEST_TMPDIR/tmp"
	assert_output ''
	# --min-count, --max-size and specials in the spilled path
	TMPDIR="$BATS_TEST_TMPDIR/tmp" nlp-vocab -M 1M -S '<unk>,z0' --min-count 2 --max-size 500 "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/got"
	{ printf '<unk>\t0\nz0\t40000\n'; awk -F'\t' '$2 >= 2 && $1 != "z0"' "$BATS_TEST_TMPDIR/want" | head -n 498; } > "$BATS_TEST_TMPDIR/want2"
	assert_same "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want2"
	# the budget really sends runs to $TMPDIR: with none to write to, it is an error
	run --separate-stderr env TMPDIR="$BATS_TEST_TMPDIR/none" nlp-vocab -M 1M "$BATS_TEST_TMPDIR/in"
	assert_failure 1
	assert_output ''
	[[ "$stderr" == "nlp-vocab: "*"No such file or directory" ]] || fail "$stderr"
}

@test "vocab --memory 1M: when spilled runs leave nothing above --min-count the output is empty" {
	seq 1 120000 | sed 's/^/w/' > "$BATS_TEST_TMPDIR/in"
	run --separate-stderr nlp-vocab -M 1M --min-count 2 "$BATS_TEST_TMPDIR/in"
	assert_success
	assert_output ''
}

@test "vocab --min-count and --max-size" {
	awk_vocab "$CNT/tokens.txt" > "$BATS_TEST_TMPDIR/all"
	run nlp-vocab --min-count 3 "$CNT/tokens.txt"
	assert_success
	assert_output "$(awk -F'\t' '$2 >= 3' "$BATS_TEST_TMPDIR/all")"
	assert_line --index 8 "sat${TAB}3"
	run nlp-vocab --max-size 4 "$CNT/tokens.txt"
	assert_output "$(head -n 4 "$BATS_TEST_TMPDIR/all")"
	run nlp-vocab --max-size 100 --min-count 5 "$CNT/tokens.txt"
	assert_output "$(awk -F'\t' '$2 >= 5' "$BATS_TEST_TMPDIR/all")"
	run nlp-vocab --min-count 100 "$CNT/tokens.txt"
	assert_success
	assert_output ''
}

@test "vocab --specials: first, in the given order, with their counts or 0, not repeated" {
	awk_vocab "$CNT/tokens.txt" > "$BATS_TEST_TMPDIR/all"
	run nlp-vocab --specials '<unk>,the,<s>,</s>' "$CNT/tokens.txt"
	assert_success
	assert_output "$(printf '<unk>\t0\nthe\t7\n<s>\t0\n</s>\t0\n'; grep -v "^the$TAB" "$BATS_TEST_TMPDIR/all")"
	# a special below --min-count stays; the others are filtered; empty items are ignored
	run nlp-vocab -S 'x,,<pad>,' --min-count 4 "$CNT/tokens.txt"
	assert_output "$(printf 'x\t1\n<pad>\t0\n'; awk -F'\t' '$2 >= 4' "$BATS_TEST_TMPDIR/all")"
	# specials found in the text are counted like any token
	run bash -c "printf '<unk> a <unk>\nb <unk>\n' | nlp-vocab -S '<s>,<unk>'"
	assert_output "$(printf '<s>\t0\n<unk>\t3\na\t1\nb\t1')"
}

@test "vocab --max-size counts the specials; with --min-count too" {
	run nlp-vocab -S '<unk>,<s>' --max-size 4 "$CNT/tokens.txt"
	assert_success
	assert_output "$(printf '<unk>\t0\n<s>\t0\na\t9\nb\t7')"
	run nlp-vocab -S '<unk>,<s>,b' --max-size 2 "$CNT/tokens.txt"
	assert_output "$(printf '<unk>\t0\n<s>\t0')"
	run nlp-vocab -S '<unk>,b' --max-size 4 --min-count 5 "$CNT/tokens.txt"
	assert_output "$(printf '<unk>\t0\nb\t7\na\t9\nthe\t7')"
}

@test "vocab --specials given twice adds to the list, as one comma-separated list does" {
	run nlp-vocab -S '<unk>' -S '<s>,the' "$CNT/tokens.txt"
	assert_success
	assert_output "$(printf '<unk>\t0\n<s>\t0\nthe\t7\n'; awk_vocab "$CNT/tokens.txt" | grep -v "^the$TAB")"
}

# ---- merging ----

@test "vocab --merge: shard vocabularies (split -l) sum to the single run, options applied to the sums" {
	split -l 4 "$CNT/tokens.txt" "$BATS_TEST_TMPDIR/shard."
	for s in "$BATS_TEST_TMPDIR"/shard.??; do
		nlp-vocab "$s" > "$s.vocab"
	done
	run ls "$BATS_TEST_TMPDIR"
	assert_output "$(printf '%s\n' shard.aa shard.aa.vocab shard.ab shard.ab.vocab shard.ac shard.ac.vocab)"
	awk_vocab "$CNT/tokens.txt" > "$BATS_TEST_TMPDIR/want"
	nlp-vocab --merge "$BATS_TEST_TMPDIR"/shard.*.vocab > "$BATS_TEST_TMPDIR/got"
	assert_same "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want"
	# --min-count, --max-size and -S belong to the merge; from stdin with --memory 1M
	cat "$BATS_TEST_TMPDIR"/shard.*.vocab | nlp-vocab -m -M 1M -S '<unk>,b' --min-count 3 --max-size 6 > "$BATS_TEST_TMPDIR/got"
	{ printf '<unk>\t0\nb\t7\n'; awk -F'\t' '$2 >= 3 && $1 != "b"' "$BATS_TEST_TMPDIR/want" | head -n 4; } > "$BATS_TEST_TMPDIR/want6"
	assert_same "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want6"
	run wc -l < "$BATS_TEST_TMPDIR/got"
	assert_output 6
}

@test "vocab --merge: n-grams, malformed lines, a missing file and a sum past 2^64-1 are errors" {
	printf 'a\t3\nb c\t2\n' > "$BATS_TEST_TMPDIR/bigrams"
	printf 'a\t3\nb\t2x\n' > "$BATS_TEST_TMPDIR/bad"
	printf 'a\t18446744073709551615\n' > "$BATS_TEST_TMPDIR/big"
	run bash -c 'cd "$1" && for f in bigrams bad /no/such/vocab; do nlp-vocab -m $f 2>&1; echo "exit $?"; done' _ "$BATS_TEST_TMPDIR"
	assert_output "nlp-vocab: bigrams: line 2: a token with a space is not a vocabulary entry
exit 1
nlp-vocab: bad: line 2: the count is not a decimal integer
exit 1
nlp-vocab: open /no/such/vocab: No such file or directory
exit 1"
	printf 'a\t1\n' > "$BATS_TEST_TMPDIR/one"
	run --separate-stderr nlp-vocab -m "$BATS_TEST_TMPDIR/big" "$BATS_TEST_TMPDIR/one"
	assert_failure 1
	assert_output ''
	[[ "$stderr" == nlp-vocab:* ]] || fail "stderr: $stderr"
}

# ---- encoding and decoding ----

@test "vocab --encode: ids are line numbers; unknown tokens: unk (default; needs <unk>), skip, fail" {
	nlp-vocab -S '<s>,<unk>' "$CNT/tokens.txt" > "$BATS_TEST_TMPDIR/v"
	printf 'the cat\n\n  a\tzebra  b \nzebra\n' > "$BATS_TEST_TMPDIR/in"
	run nlp-vocab --encode "$BATS_TEST_TMPDIR/v" "$BATS_TEST_TMPDIR/in"
	assert_success
	assert_output "$(awk_encode "$BATS_TEST_TMPDIR/v" "$BATS_TEST_TMPDIR/in" 1)"
	assert_output "$(printf '4 12\n\n2 1 3\n1')"
	run nlp-vocab -e "$BATS_TEST_TMPDIR/v" --unknown unk "$BATS_TEST_TMPDIR/in"
	assert_output "$(printf '4 12\n\n2 1 3\n1')"
	run nlp-vocab -e "$BATS_TEST_TMPDIR/v" -u skip "$BATS_TEST_TMPDIR/in"
	assert_success
	assert_output "$(printf '4 12\n\n2 3\n')"
	# fail: the lines before are written, then the file, line and token
	run --separate-stderr nlp-vocab -e "$BATS_TEST_TMPDIR/v" -u fail "$BATS_TEST_TMPDIR/in"
	assert_failure 1
	assert_line --index 0 '4 12'
	assert_equal "$stderr" "nlp-vocab: $BATS_TEST_TMPDIR/in: line 3: 'zebra' is not in the vocabulary"
	# without <unk>, unk is an error before any input is read; skip is fine
	nlp-vocab "$CNT/tokens.txt" > "$BATS_TEST_TMPDIR/v2"
	run --separate-stderr nlp-vocab -e "$BATS_TEST_TMPDIR/v2" <<<'a zebra'
	assert_failure 1
	assert_output ''
	assert_equal "$stderr" "nlp-vocab: $BATS_TEST_TMPDIR/v2 has no <unk> for unknown tokens: add it (--specials '<unk>') or use --unknown skip or fail"
	run nlp-vocab -e "$BATS_TEST_TMPDIR/v2" -u skip <<<'a zebra'
	assert_success
	assert_output 0
}

@test "vocab --decode: ids back to tokens; decode(encode(x)) == x on the fixture" {
	nlp-vocab "$CNT/tokens.txt" > "$BATS_TEST_TMPDIR/v"
	run bash -c "printf '0 1  2\n\n\t17 0 017 00\n' | nlp-vocab --decode '$BATS_TEST_TMPDIR/v'"
	assert_success
	assert_output "$(printf 'a b the\n\nx a x a')"
	nlp-vocab -e "$BATS_TEST_TMPDIR/v" -u fail "$CNT/tokens.txt" > "$BATS_TEST_TMPDIR/ids"
	awk_encode "$BATS_TEST_TMPDIR/v" "$CNT/tokens.txt" > "$BATS_TEST_TMPDIR/want"
	assert_same "$BATS_TEST_TMPDIR/ids" "$BATS_TEST_TMPDIR/want"
	nlp-vocab -D "$BATS_TEST_TMPDIR/v" "$BATS_TEST_TMPDIR/ids" > "$BATS_TEST_TMPDIR/back"
	LC_ALL=C awk '{$1 = $1; print}' "$CNT/tokens.txt" > "$BATS_TEST_TMPDIR/orig"
	assert_same "$BATS_TEST_TMPDIR/back" "$BATS_TEST_TMPDIR/orig"
}

@test "vocab: decode(encode(x)) == x on PTB's first 1000 lines; out-of-vocabulary words become <unk>" {
	need_shared ptb/ptb.train.txt
	ptb="$SHARED_DATA/ptb/ptb.train.txt"
	nlp-vocab "$ptb" > "$BATS_TEST_TMPDIR/v"
	head -n 1000 "$ptb" > "$BATS_TEST_TMPDIR/in"
	nlp-vocab -e "$BATS_TEST_TMPDIR/v" -u fail "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/ids"
	awk_encode "$BATS_TEST_TMPDIR/v" "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/want"
	assert_same "$BATS_TEST_TMPDIR/ids" "$BATS_TEST_TMPDIR/want"
	nlp-vocab -D "$BATS_TEST_TMPDIR/v" "$BATS_TEST_TMPDIR/ids" > "$BATS_TEST_TMPDIR/back"
	sed 's/^ *//; s/ *$//' "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/orig"
	assert_same "$BATS_TEST_TMPDIR/back" "$BATS_TEST_TMPDIR/orig"
	# the 1000 most frequent words: the rest become <unk> (PTB's own <unk> is among the 1000)
	head -n 1000 "$BATS_TEST_TMPDIR/v" > "$BATS_TEST_TMPDIR/v1k"
	nlp-vocab -e "$BATS_TEST_TMPDIR/v1k" "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/ids1k"
	nlp-vocab -D "$BATS_TEST_TMPDIR/v1k" "$BATS_TEST_TMPDIR/ids1k" > "$BATS_TEST_TMPDIR/back"
	LC_ALL=C awk -F'\t' 'NR == FNR {v[$1] = 1; next} {o = ""; for (i = 1; i <= NF; i++) o = o (i > 1 ? " " : "") (($i in v) ? $i : "<unk>"); print o}' \
		"$BATS_TEST_TMPDIR/v1k" FS=' ' "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/want"
	assert_same "$BATS_TEST_TMPDIR/back" "$BATS_TEST_TMPDIR/want"
	run grep -c '<unk>' "$BATS_TEST_TMPDIR/back"
	refute_output 0
}

@test "vocab --decode: an id out of range, negative or not a number names the file and line" {
	nlp-vocab "$CNT/tokens.txt" > "$BATS_TEST_TMPDIR/v"
	ids=(18 -1 x 1.0 99999999999999999999)
	run bash -c 'for id in "${@:2}"; do
			printf "0 1\n17 %s 2\n" "$id" > "$1/ids"
			nlp-vocab -D "$1/v" "$1/ids" > "$1/out" 2> "$1/err"; echo "exit $?"
			cat "$1/err"; sed -n 1p "$1/out"
		done' _ "$BATS_TEST_TMPDIR" "${ids[@]}"
	f="$BATS_TEST_TMPDIR/ids"
	assert_output "$(for id in "${ids[@]}"; do
		printf "exit 1\nnlp-vocab: %s: line 2: '%s' is not an id below 18\na b\n" "$f" "$id"; done)"
}

@test "vocab --encode/--decode: malformed vocabularies are rejected with file, line and reason" {
	cases=(
		'a 3|no tab between the key and the count'
		'a b\t3|a token with a space is not a vocabulary entry'
		'the\t1|the token is already in the vocabulary'
		'a\tx|the count is not a decimal integer'
		'a\377\t3|invalid UTF-8'
	)
	want=
	for i in "${!cases[@]}"; do
		printf '<unk>\t0\nthe\t2\n%b\n' "${cases[i]%%|*}" > "$BATS_TEST_TMPDIR/v$i"
		want+="nlp-vocab: $BATS_TEST_TMPDIR/v$i: line 3: ${cases[i]#*|}"$'\n'"exit 1"$'\n'
	done
	# stdout and stderr together: the message and nothing else; -D too, whatever --invalid says
	run bash -c 'for ((i = 0; i < $2; i++)); do nlp-vocab -e "$1/v$i" <<<"the" 2>&1; echo "exit $?"; done' _ "$BATS_TEST_TMPDIR" "${#cases[@]}"
	assert_output "${want%$'\n'}"
	run --separate-stderr nlp-vocab -D "$BATS_TEST_TMPDIR/v4" --invalid skip <<<'0'
	assert_failure 1
	assert_output ''
	assert_equal "$stderr" "nlp-vocab: $BATS_TEST_TMPDIR/v4: line 3: invalid UTF-8"
	run --separate-stderr nlp-vocab -D "$BATS_TEST_TMPDIR/v2" <<<'0'
	assert_failure 1
	assert_equal "$stderr" "nlp-vocab: $BATS_TEST_TMPDIR/v2: line 3: the token is already in the vocabulary"
	run --separate-stderr nlp-vocab -e /no/such/vocab <<<'a'
	assert_failure 1
	[[ "$stderr" == "nlp-vocab: "*"/no/such/vocab: No such file or directory" ]] || fail "$stderr"
	run --separate-stderr nlp-vocab -D "$BATS_TEST_TMPDIR" <<<'0'
	assert_failure 1
	[[ "$stderr" == "nlp-vocab: "*"$BATS_TEST_TMPDIR: Is a directory" ]] || fail "$stderr"
}

# ---- options and bad input ----

@test "vocab: conflicting options and bad values are usage errors (exit 2)" {
	printf 'a\t1\n' > "$BATS_TEST_TMPDIR/v"
	v="$BATS_TEST_TMPDIR/v"
	usage=$(nlp-vocab --help | head -n 1)
	[[ "$usage" == "usage: nlp-vocab "* ]] || fail "$usage"
	conflict="nlp-vocab: --encode, --decode and building options exclude each other; --unknown goes with --encode"
	run bash -c 'for a in "${@:2}"; do nlp-vocab ${a//V/$1} </dev/null 2>&1 | sed -n 1p; echo "exit ${PIPESTATUS[0]}"; done' _ "$v" \
		'--encode V --decode V' '--unknown skip' '--encode V --min-count 2' '-D V -S <unk>' \
		"--specials ,," '--specials a,b,a' '-e V -u bogus' '--memory 5X' '--no-such-option'
	assert_output "$conflict
exit 2
$conflict
exit 2
$conflict
exit 2
$conflict
exit 2
nlp-vocab: --specials: no token given
exit 2
nlp-vocab: --specials: 'a' is given twice
exit 2
nlp-vocab: --unknown: 'bogus' is not unk, skip or fail
exit 2
nlp-vocab: --memory: '5X' is not a size (a number of bytes with an optional K, M, G or T)
exit 2
nlp-vocab: unrecognized option '--no-such-option'
exit 2"
	# a blank in a special (the list is one argument)
	run --separate-stderr nlp-vocab --specials 'a b' </dev/null
	assert_failure 2
	assert_output ''
	assert_equal "${stderr_lines[0]}" "nlp-vocab: --specials: 'a b' has a blank"
	run --separate-stderr nlp-vocab --encode "$v" --decode "$v" </dev/null
	assert_failure 2
	assert_equal "${stderr_lines[1]}" "$usage"
}

@test "vocab: empty input gives empty output (specials alone when asked)" {
	printf '<unk>\t0\n' > "$BATS_TEST_TMPDIR/v"
	for args in '' '-m' "-e $BATS_TEST_TMPDIR/v" "-D $BATS_TEST_TMPDIR/v"; do
		# shellcheck disable=SC2086
		run --separate-stderr nlp-vocab $args < /dev/null
		[ "$status" -eq 0 ] && [ -z "$output" ] && [ -z "$stderr" ] || fail "$args: $status '$output' '$stderr'"
	done
	run nlp-vocab -S '<unk>,<s>' <<<''
	assert_success
	assert_output "$(printf '<unk>\t0\n<s>\t0')"
}

@test "vocab: invalid UTF-8 is replaced (default), skipped or fails, in building and encoding" {
	run --separate-stderr bash -c "printf 'a\377b ab\n' | nlp-vocab"
	assert_success
	assert_output "$(printf 'ab\t1\na\357\277\275b\t1')"
	[[ "$stderr" == *"invalid UTF-8 replaced by U+FFFD"* ]] || fail "$stderr"
	run --separate-stderr bash -c "printf 'a\377b ab\n' | nlp-vocab --invalid=skip"
	assert_success
	assert_output "ab${TAB}2"
	printf '<unk>\t0\nab\t1\n' > "$BATS_TEST_TMPDIR/v"
	# encoding and decoding warn as building does (cli/filter's loop)
	run --separate-stderr bash -c "printf 'a\377b ab\nab\377\377\n' | nlp-vocab -e '$BATS_TEST_TMPDIR/v'"
	assert_success
	assert_output "$(printf '0 1\n0')"
	assert_equal "$stderr" "$(printf 'nlp-vocab: <stdin>: line 1: invalid UTF-8 replaced by U+FFFD (later cases are counted)\nnlp-vocab: 3 invalid UTF-8 bytes replaced in all')"
	run --separate-stderr bash -c "printf 'a\377b ab\n' | nlp-vocab -e '$BATS_TEST_TMPDIR/v' --invalid skip"
	assert_success
	assert_output '1 1'
	assert_equal "$stderr" "nlp-vocab: <stdin>: line 1: invalid UTF-8 skipped (later cases are counted)"
	run --separate-stderr bash -c "printf '1\x80\n' | nlp-vocab -D '$BATS_TEST_TMPDIR/v' --invalid skip"
	assert_success
	assert_output 'ab'
	assert_equal "$stderr" "nlp-vocab: <stdin>: line 1: invalid UTF-8 skipped (later cases are counted)"
	run --separate-stderr bash -c "printf 'ab\na\377b ab\n' | nlp-vocab -e '$BATS_TEST_TMPDIR/v' --invalid fail"
	assert_failure 1
	assert_equal "$stderr" "nlp-vocab: <stdin>: line 2, byte 2: invalid UTF-8"
}

@test "vocab --invalid=fail: the count stops at the bad byte and no vocabulary is written" {
	run --separate-stderr bash -c "printf 'x y\nab\377 c\n' | nlp-vocab --invalid=fail"
	assert_failure 1
	assert_equal "$stderr" "nlp-vocab: <stdin>: line 2, byte 3: invalid UTF-8"
	assert_output ''
}

@test "vocab: a full disk is an error; a closed pipe ends quietly" {
	[ -w /dev/full ] || skip "needs /dev/full"
	nlp-vocab "$CNT/tokens.txt" > "$BATS_TEST_TMPDIR/v"
	for args in "$CNT/tokens.txt" "-e $BATS_TEST_TMPDIR/v -u skip $CNT/tokens.txt"; do
		run --separate-stderr bash -c "nlp-vocab $args > /dev/full"
		[ "$status" -eq 1 ] || fail "$args: exit $status"
		assert_equal "$stderr" "nlp-vocab: write <stdout>: No space left on device"
	done
	seq 1 100000 | sed 's/^/w/' > "$BATS_TEST_TMPDIR/in"
	run --separate-stderr bash -c "trap '' PIPE; nlp-vocab '$BATS_TEST_TMPDIR/in' | head -n 1; echo \"status \${PIPESTATUS[0]}\""
	assert_success
	assert_output "$(printf 'w1\t1\nstatus 0')"
	[ -z "$stderr" ] || fail "$stderr"
}

@test "vocab: --help lists every option, --version; --progress reports on stderr only" {
	run nlp-vocab -h
	assert_success
	for o in --min-count --max-size --specials --merge --memory --encode --unknown --decode \
		--invalid --progress --help --version; do
		assert_output --partial -- "$o"
	done
	assert_line --index 0 --partial 'usage: nlp-vocab'
	run nlp-vocab --version
	assert_success
	assert_output --regexp '^nlp-vocab [0-9]+\.[0-9]+'
	nlp-vocab "$CNT/tokens.txt" > "$BATS_TEST_TMPDIR/want" 2>"$BATS_TEST_TMPDIR/err0"
	[ ! -s "$BATS_TEST_TMPDIR/err0" ] || fail "stderr without --progress"
	nlp-vocab --progress "$CNT/tokens.txt" > "$BATS_TEST_TMPDIR/got" 2>"$BATS_TEST_TMPDIR/err"
	assert_same "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want"
	run cat "$BATS_TEST_TMPDIR/err"
	assert_output --regexp '^nlp-vocab: .*11 lines'
}
