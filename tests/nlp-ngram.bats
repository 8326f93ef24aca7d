#!/usr/bin/env bats
# nlp-ngram: n-gram lists, counts (ordered by count, then bytes) against independent awk and
# Python counts, the memory budget (spilled runs in $TMPDIR and their merge), count-file merging
# of shards (split and GNU parallel), malformed count files, options and bad input.

load helper

CNT="$DATA/count"
TAB=$(printf '\t')

# The reference order of counts: count descending, then the key's bytes.
csort() {
	LC_ALL=C sort -t"$TAB" -k2,2nr -k1,1
}

# awk_ngrams N FILE: an independent count of the N-grams of FILE (space- or tab-separated).
awk_ngrams() {
	LC_ALL=C awk -v n="$1" '{for (i = 1; i + n - 1 <= NF; i++) {k = $i; for (j = 1; j < n; j++) k = k " " $(i + j); c[k]++}}
		END {for (w in c) print w "\t" c[w]}' "$2"
}

# py_ngrams MIN MAX FILE: the same count in Python, splitting on every blank the format knows
# (space, tab, CR, VT, FF), sorted by count descending then bytes.
py_ngrams() {
	$PY - "$@" <<'EOF'
import collections, re, sys
lo, hi = int(sys.argv[1]), int(sys.argv[2])
c = collections.Counter()
split = re.compile(rb'[ \t\r\v\f]+').split
with open(sys.argv[3], 'rb') as f:
    for line in f:
        t = [x for x in split(line.rstrip(b'\n')) if x]
        for n in range(lo, hi + 1):
            c.update(b' '.join(t[i:i + n]) for i in range(len(t) - n + 1))
w = sys.stdout.buffer.write
for k, v in sorted(c.items(), key=lambda kv: (-kv[1], kv[0])):
    w(b'%s\t%d\n' % (k, v))
EOF
}

setup_file() {
	# 12,000 lines of tokens with bytes that make the order matter (control bytes, NUL, '!',
	# upper case, multi-byte) and a 20,001-word vocabulary: --memory 1M spills it.
	$PY - "$BATS_FILE_TMPDIR/gen.txt" <<'EOF'
import random, sys
random.seed(1)
odd = ['a', 'b', 'B', 'a!', 'ab', 'a\x01', '\x01', 'é', '한', 'z' * 9 + '\x01' + 'q', '!', '~',
       '\x7f', 'A\x00b']
lines = []
for i in range(12000):
    toks = [random.choice(odd) if random.random() < 0.3 else 'w%d' % random.randint(0, 20000)
            for j in range(random.randint(0, 12))]
    lines.append(' '.join(toks))
open(sys.argv[1], 'w').write('\n'.join(lines) + '\n')
EOF
}

# ---- lists ----

@test "ngram: the lecture notes' example: unigrams, bigrams, trigrams, and 1..3 shortest first" {
	s='안녕하세요 만나서 진심으로 반가워요'
	run nlp-ngram -n 1 <<<"$s"
	assert_success
	assert_output "$(printf '%s\n' '안녕하세요' '만나서' '진심으로' '반가워요')"
	run nlp-ngram -n 2 <<<"$s"
	assert_success
	assert_output "$(printf '%s\n' '안녕하세요 만나서' '만나서 진심으로' '진심으로 반가워요')"
	run nlp-ngram -n 3 <<<"$s"
	assert_success
	assert_output "$(printf '%s\n' '안녕하세요 만나서 진심으로' '만나서 진심으로 반가워요')"
	run nlp-ngram --min-n 1 --max-n 3 <<<"$s"
	assert_success
	assert_output "$(printf '%s\n' '안녕하세요' '만나서' '진심으로' '반가워요' \
		'안녕하세요 만나서' '만나서 진심으로' '진심으로 반가워요' \
		'안녕하세요 만나서 진심으로' '만나서 진심으로 반가워요')"
}

@test "ngram: default is bigrams; --order; --max-n alone is 1..N, --min-n alone is N only" {
	run nlp-ngram <<<'a b c'
	assert_output "$(printf '%s\n' 'a b' 'b c')"
	run nlp-ngram --order 3 <<<'a b c d'
	assert_output "$(printf '%s\n' 'a b c' 'b c d')"
	run nlp-ngram --max-n 2 <<<'a b c'
	assert_output "$(printf '%s\n' a b c 'a b' 'b c')"
	run nlp-ngram --min-n 3 <<<'a b c d'
	assert_output "$(printf '%s\n' 'a b c' 'b c d')"
}

@test "ngram: each line on its own, shortest first; short and empty lines give nothing; -n 255" {
	run bash -c "printf 'a b c\n\nd\ne f\n' | nlp-ngram --min-n 1 --max-n 2"
	assert_success
	assert_output "$(printf '%s\n' a b c 'a b' 'b c' d e f 'e f')"
	run nlp-ngram -n 5 <<<'a b c'
	assert_success
	assert_output ''
	seq 300 | paste -sd' ' > "$BATS_TEST_TMPDIR/l.txt"
	echo 'a b' >> "$BATS_TEST_TMPDIR/l.txt"
	nlp-ngram -n 255 "$BATS_TEST_TMPDIR/l.txt" > "$BATS_TEST_TMPDIR/out"
	run awk '{print NF}' "$BATS_TEST_TMPDIR/out"
	assert_output "$(yes 255 | head -n 46)"
	run sed -n '46p' "$BATS_TEST_TMPDIR/out"
	assert_output "$(seq 46 300 | paste -sd' ')"
}

@test "ngram: every blank (space, tab, CR, VT, FF) separates; long tokens with control bytes stay whole" {
	printf 'a\tb\rc\vd\fe  f \n  abcdefghij\001klmnopqrstuvwxyz\001\001 x\tabcdefghijklmnop\037q\n' > "$BATS_TEST_TMPDIR/in"
	nlp-ngram --min-n 1 --max-n 2 --counts "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/got"
	tr '\r\v\f' '   ' < "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/spaced"
	for n in 1 2; do awk_ngrams $n "$BATS_TEST_TMPDIR/spaced"; done | csort > "$BATS_TEST_TMPDIR/want"
	assert_same "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want"
	run grep -c . "$BATS_TEST_TMPDIR/got"
	assert_output 16
}

@test "ngram --markers: <s> before and </s> after each line, an empty line too" {
	run nlp-ngram --markers -n 2 <<<'a b c'
	assert_success
	assert_output "$(printf '%s\n' '<s> a' 'a b' 'b c' 'c </s>')"
	run bash -c "printf 'a b\n\n' | nlp-ngram --markers --min-n 1 --max-n 2"
	assert_output "$(printf '%s\n' '<s>' a b '</s>' '<s> a' 'a b' 'b </s>' '<s>' '</s>' '<s> </s>')"
	run nlp-ngram -c --markers -n 2 <<<'ab'
	assert_output "$(printf '%s\n' '<s> a' 'a b' 'b </s>')"
}

@test "ngram --markers --counts: equal to awk with the markers added to each line" {
	sed 's/^/<s> /; s/$/ <\/s>/' "$CNT/tokens.txt" > "$BATS_TEST_TMPDIR/marked"
	nlp-ngram --markers --min-n 1 --max-n 3 -C "$CNT/tokens.txt" > "$BATS_TEST_TMPDIR/got"
	for n in 1 2 3; do awk_ngrams $n "$BATS_TEST_TMPDIR/marked"; done | csort > "$BATS_TEST_TMPDIR/want"
	assert_same "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want"
	run grep -c -e '^<s> ' -e '^</s>' "$BATS_TEST_TMPDIR/got"
	refute_output 0
}

# ---- counts ----

@test "ngram --counts: ties broken by bytes as LC_ALL=C sort orders them (control bytes, '!', case)" {
	run bash -c "printf 'a a! ab B a\001 b \001 ~ A \303\251\n' | nlp-ngram -n 1 -C"
	assert_success
	assert_bytes "$(printf '\001\t1\nA\t1\nB\t1\na\t1\na\001\t1\na!\t1\nab\t1\nb\t1\n~\t1\n\303\251\t1')" "$output"
	# "a\x01 b" < "a b" < "a! b": the first unit compares as if followed by its space
	run bash -c "printf 'a b\nab b\na! b\na\001 b\nB b\na\001\001 b\nB a\001\nB a\nB a!\n' | nlp-ngram -n 2 -C"
	assert_success
	want=$(printf 'B a\t1\nB a\001\t1\nB a!\t1\nB b\t1\na\001\001 b\t1\na\001 b\t1\na b\t1\na! b\t1\nab b\t1')
	assert_bytes "$want" "$output"
	assert_bytes "$(printf '%s\n' "$want" | LC_ALL=C sort -t"$TAB" -k1,1)" "$output"
}

@test "ngram --counts: unigrams and trigrams of the fixture equal awk | sort; files and - concatenate" {
	for n in 1 3; do
		nlp-ngram -n $n --counts "$CNT/tokens.txt" > "$BATS_TEST_TMPDIR/got"
		awk_ngrams $n "$CNT/tokens.txt" | csort > "$BATS_TEST_TMPDIR/want"
		assert_same "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want"
	done
	run head -n 3 "$BATS_TEST_TMPDIR/got"
	assert_bytes "$(printf 'B a\001 b\t2\na\001 b a\t2\nab B a\001\t2')" "$output"
	head -n 4 "$CNT/tokens.txt" > "$BATS_TEST_TMPDIR/a"
	tail -n +5 "$CNT/tokens.txt" > "$BATS_TEST_TMPDIR/b"
	nlp-ngram -C "$BATS_TEST_TMPDIR/a" - < "$BATS_TEST_TMPDIR/b" > "$BATS_TEST_TMPDIR/got"
	awk_ngrams 2 "$CNT/tokens.txt" | csort > "$BATS_TEST_TMPDIR/want"
	assert_same "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want"
}

@test "ngram --counts: mixed lengths are sorted together (count, then bytes)" {
	nlp-ngram --min-n 1 --max-n 3 -C "$CNT/tokens.txt" > "$BATS_TEST_TMPDIR/got"
	for n in 1 2 3; do awk_ngrams $n "$CNT/tokens.txt"; done | csort > "$BATS_TEST_TMPDIR/want"
	assert_same "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want"
	run head -n 5 "$BATS_TEST_TMPDIR/got"
	assert_output "$(printf '%s\n' "a${TAB}9" "b${TAB}7" "the${TAB}7" "B${TAB}5" "ab${TAB}5")"
}

@test "ngram --min-count and --top (each implies --counts), alone and together" {
	awk_ngrams 2 "$CNT/tokens.txt" | csort > "$BATS_TEST_TMPDIR/all"
	run nlp-ngram --min-count 2 "$CNT/tokens.txt"
	assert_success
	assert_output "$(awk -F'\t' '$2 >= 2' "$BATS_TEST_TMPDIR/all")"
	assert_line --index 0 "a b${TAB}4"
	run nlp-ngram --top 5 "$CNT/tokens.txt"
	assert_output "$(head -n 5 "$BATS_TEST_TMPDIR/all")"
	run nlp-ngram --min-count 2 --top 3 "$CNT/tokens.txt"
	assert_output "$(head -n 3 "$BATS_TEST_TMPDIR/all")"
	run nlp-ngram --min-count 100 --top 3 "$CNT/tokens.txt"
	assert_success
	assert_output ''
}

@test "ngram --chars: equal to nlp-tokenize --chars | nlp-ngram, with and without --space" {
	for args in '--min-n 1 --max-n 3|' '--min-n 2 --max-n 3 -C|--space ▁'; do
		mode=${args%%|*} sp=${args#*|}
		# shellcheck disable=SC2086
		nlp-ngram --chars $sp $mode "$CNT/text.txt" > "$BATS_TEST_TMPDIR/got"
		# shellcheck disable=SC2086
		nlp-tokenize --chars $sp "$CNT/text.txt" > "$BATS_TEST_TMPDIR/chars"
		# shellcheck disable=SC2086
		nlp-ngram $mode "$BATS_TEST_TMPDIR/chars" > "$BATS_TEST_TMPDIR/want"
		assert_same "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want"
	done
	run bash -c "printf 'e\314\201a 한  b\n' | nlp-ngram -c -n 2"
	assert_output "$(printf 'e\314\201 a\na 한\n한 b')"
	run bash -c "printf 'e\314\201a 한  b \n' | nlp-ngram -c --space _ -n 2"
	assert_output "$(printf 'e\314\201 a\na _\n_ 한\n한 _\n_ b')"
}

# ---- the memory budget ----

@test "ngram --memory 1M: 400,000 distinct bigrams spill more runs than are merged at once, equal awk; TMPDIR left empty" {
	in="$BATS_TEST_TMPDIR/in"
	seq 1 100000 | awk '{print "w" ($1 % 5000), "x" ($1 * 7 % 3001), "y" ($1 % 1009), "z" ($1 % 13), "w" ($1 % 4999)}' > "$in"
	mkdir "$BATS_TEST_TMPDIR/tmp"
	awk_ngrams 2 "$in" | csort > "$BATS_TEST_TMPDIR/want"
	TMPDIR="$BATS_TEST_TMPDIR/tmp" nlp-ngram -n 2 -C --memory 1M "$in" > "$BATS_TEST_TMPDIR/got"
	assert_same "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want"
	run ls -A "$BATS_TEST_TMPDIR/tmp"
	assert_output ''
	# the budget really sends runs to $TMPDIR: with none to write to, it is an error
	run --separate-stderr env TMPDIR="$BATS_TEST_TMPDIR/none" nlp-ngram -n 2 -C -M 1M "$in"
	assert_failure 1
	assert_output ''
	assert_equal "$stderr" "nlp-ngram: counting: temporary file in $BATS_TEST_TMPDIR/none: No such file or directory"
	# about 50 runs, the unigrams' and the bigrams' kept at 16 each: 36 open files are enough
	run --separate-stderr bash -c "ulimit -n 36 && nlp-ngram -n 2 -C -M 1M '$in' > '$BATS_TEST_TMPDIR/got36'"
	assert_success
	assert_equal "$stderr" ""
	assert_same "$BATS_TEST_TMPDIR/got36" "$BATS_TEST_TMPDIR/want"
}

@test "ngram --memory 1M: mixed lengths 1..3 of odd bytes, with --min-count and --top, spilled, and merged from shards, equal Python's count" {
	in="$BATS_FILE_TMPDIR/gen.txt"
	py_ngrams 1 3 "$in" > "$BATS_TEST_TMPDIR/want"
	nlp-ngram --min-n 1 --max-n 3 -C "$in" > "$BATS_TEST_TMPDIR/got"
	assert_same "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want"
	nlp-ngram --min-n 1 --max-n 3 -C -M 1M "$in" > "$BATS_TEST_TMPDIR/got1m"
	assert_same "$BATS_TEST_TMPDIR/got1m" "$BATS_TEST_TMPDIR/want"
	nlp-ngram --min-n 1 --max-n 3 --min-count 3 --top 2000 -M 1M "$in" > "$BATS_TEST_TMPDIR/got3"
	awk -F'\t' '$2 >= 3' "$BATS_TEST_TMPDIR/want" | head -n 2000 > "$BATS_TEST_TMPDIR/want3"
	assert_same "$BATS_TEST_TMPDIR/got3" "$BATS_TEST_TMPDIR/want3"
	run wc -l < "$BATS_TEST_TMPDIR/got3"
	assert_output 2000
	# count files of two shards, merged in the budget
	split -l 6000 "$in" "$BATS_TEST_TMPDIR/shard."
	for s in "$BATS_TEST_TMPDIR"/shard.a[ab]; do
		nlp-ngram --min-n 1 --max-n 3 -C "$s" > "$s.counts"
	done
	nlp-ngram -m -M 1M "$BATS_TEST_TMPDIR"/shard.a[ab].counts > "$BATS_TEST_TMPDIR/merged"
	assert_same "$BATS_TEST_TMPDIR/merged" "$BATS_TEST_TMPDIR/want"
}

@test "ngram --memory: sizes with K, M, G and plain bytes give the same counts" {
	awk_ngrams 2 "$CNT/tokens.txt" | csort > "$BATS_TEST_TMPDIR/want"
	for m in 1048576 1024K 1G; do
		nlp-ngram -C -M "$m" "$CNT/tokens.txt" > "$BATS_TEST_TMPDIR/got"
		assert_same "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want"
	done
}

@test "ngram --memory 1M: when spilled runs leave nothing above --min-count the output is empty" {
	run --separate-stderr nlp-ngram -n 2 -M 1M --min-count 1000000000 "$BATS_FILE_TMPDIR/gen.txt"
	assert_success
	assert_output ''
	# a count above 2^32 goes to disk as a run of its own: the same path with a tiny input
	run --separate-stderr nlp-ngram -m --min-count 6000000000 <<<"a b${TAB}5000000000"
	assert_success
	assert_output ''
}

# spilled FILE: the number of runs spilled, from the last line of a --progress report in FILE.
spilled() {
	tr '\r' '\n' < "$1" | sed -n 's/.* \([0-9]*\) runs spilled .*/\1/p' | tail -n 1
}

# The PTB tests count its first 10,000 lines: 120,000 distinct bigrams, whose count spills 11
# runs under --memory 1M (the trigrams 26).
@test "ngram: PTB bigrams (10,000 lines) equal awk | sort, also with --memory 1M and merged from GNU parallel shards" {
	need_shared ptb/ptb.train.txt
	ptb="$BATS_TEST_TMPDIR/ptb.txt"
	head -n 10000 "$SHARED_DATA/ptb/ptb.train.txt" > "$ptb"
	mkdir "$BATS_TEST_TMPDIR/tmp" "$BATS_TEST_TMPDIR/parts"
	LC_ALL=C awk '{for(i=1;i<NF;i++)c[$i" "$(i+1)]++} END{for(w in c) print w"\t"c[w]}' "$ptb" | csort > "$BATS_TEST_TMPDIR/want"
	nlp-ngram -n 2 -C "$ptb" > "$BATS_TEST_TMPDIR/got"
	assert_same "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want"
	TMPDIR="$BATS_TEST_TMPDIR/tmp" nlp-ngram -n 2 -C --memory 1M --progress "$ptb" > "$BATS_TEST_TMPDIR/got1m" \
		2> "$BATS_TEST_TMPDIR/progress"
	assert_same "$BATS_TEST_TMPDIR/got1m" "$BATS_TEST_TMPDIR/want"
	runs=$(spilled "$BATS_TEST_TMPDIR/progress")
	[ "${runs:-0}" -gt 1 ] || fail "${runs:-no} runs spilled: $(tail -c 300 "$BATS_TEST_TMPDIR/progress")"
	run ls -A "$BATS_TEST_TMPDIR/tmp"
	assert_output ''
	run head -n 1 "$BATS_TEST_TMPDIR/got"
	assert_output "N N${TAB}1625"
	command -v parallel >/dev/null || skip "needs GNU parallel for the sharded run"
	parallel --will-cite --pipe -N 2000 --block 2M "nlp-ngram -n 2 --counts > $BATS_TEST_TMPDIR/parts/part.{#}" < "$ptb"
	run ls "$BATS_TEST_TMPDIR/parts"
	assert_output "$(printf 'part.%s\n' 1 2 3 4 5)"
	nlp-ngram --merge "$BATS_TEST_TMPDIR"/parts/part.* > "$BATS_TEST_TMPDIR/merged"
	assert_same "$BATS_TEST_TMPDIR/merged" "$BATS_TEST_TMPDIR/want"
}

@test "ngram: PTB trigrams (10,000 lines) equal awk | sort, also with --memory 1M; TMPDIR left empty" {
	need_shared ptb/ptb.train.txt
	ptb="$BATS_TEST_TMPDIR/ptb.txt"
	head -n 10000 "$SHARED_DATA/ptb/ptb.train.txt" > "$ptb"
	mkdir "$BATS_TEST_TMPDIR/tmp"
	LC_ALL=C awk '{for(i=2;i<NF;i++)c[$(i-1)" "$i" "$(i+1)]++} END{for(w in c) print w"\t"c[w]}' "$ptb" | csort > "$BATS_TEST_TMPDIR/want"
	nlp-ngram -n 3 -C "$ptb" > "$BATS_TEST_TMPDIR/got"
	assert_same "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want"
	TMPDIR="$BATS_TEST_TMPDIR/tmp" nlp-ngram -n 3 -C --memory 1M --progress "$ptb" > "$BATS_TEST_TMPDIR/got1m" \
		2> "$BATS_TEST_TMPDIR/progress"
	assert_same "$BATS_TEST_TMPDIR/got1m" "$BATS_TEST_TMPDIR/want"
	runs=$(spilled "$BATS_TEST_TMPDIR/progress")
	[ "${runs:-0}" -gt 1 ] || fail "${runs:-no} runs spilled: $(tail -c 300 "$BATS_TEST_TMPDIR/progress")"
	run ls -A "$BATS_TEST_TMPDIR/tmp"
	assert_output ''
}

# ---- merging count files ----

@test "ngram --merge: count files of disjoint shards (split -l) sum to the single run" {
	split -l 4 "$CNT/tokens.txt" "$BATS_TEST_TMPDIR/shard."
	for s in "$BATS_TEST_TMPDIR"/shard.*; do
		nlp-ngram --min-n 1 --max-n 3 -C "$s" > "$s.counts"
	done
	run ls "$BATS_TEST_TMPDIR"
	assert_output "$(printf '%s\n' shard.aa shard.aa.counts shard.ab shard.ab.counts shard.ac shard.ac.counts)"
	for n in 1 2 3; do awk_ngrams $n "$CNT/tokens.txt"; done | csort > "$BATS_TEST_TMPDIR/want"
	nlp-ngram --merge "$BATS_TEST_TMPDIR"/shard.*.counts > "$BATS_TEST_TMPDIR/got"
	assert_same "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want"
	# from a file and stdin ("-")
	cat "$BATS_TEST_TMPDIR"/shard.a[bc].counts | nlp-ngram -m "$BATS_TEST_TMPDIR/shard.aa.counts" - > "$BATS_TEST_TMPDIR/got"
	assert_same "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want"
	# --min-count and --top apply to the sums, not to each shard
	awk -F'\t' '$2 >= 3' "$BATS_TEST_TMPDIR/want" | head -n 7 > "$BATS_TEST_TMPDIR/want7"
	nlp-ngram -m --min-count 3 --top 7 "$BATS_TEST_TMPDIR"/shard.*.counts > "$BATS_TEST_TMPDIR/got"
	assert_same "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want7"
	run wc -l < "$BATS_TEST_TMPDIR/got"
	assert_output 7
}

@test "ngram --merge: shards counted by GNU parallel (fixture) sum to the single run" {
	command -v parallel >/dev/null || skip "needs GNU parallel"
	mkdir "$BATS_TEST_TMPDIR/parts"
	parallel --will-cite --pipe -N 3 "nlp-ngram --min-n 1 --max-n 3 --counts > $BATS_TEST_TMPDIR/parts/part.{#}" < "$CNT/tokens.txt"
	run ls "$BATS_TEST_TMPDIR/parts"
	assert_output "$(printf 'part.%s\n' 1 2 3 4)"
	nlp-ngram --merge "$BATS_TEST_TMPDIR"/parts/part.* > "$BATS_TEST_TMPDIR/got"
	for n in 1 2 3; do awk_ngrams $n "$CNT/tokens.txt"; done | csort > "$BATS_TEST_TMPDIR/want"
	assert_same "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want"
}

@test "ngram --merge -n 2 keeps only the bigrams of a mixed count file; --min-n/--max-n a range" {
	for n in 1 2 3; do awk_ngrams $n "$CNT/tokens.txt"; done > "$BATS_TEST_TMPDIR/mixed"
	nlp-ngram -m -n 2 "$BATS_TEST_TMPDIR/mixed" > "$BATS_TEST_TMPDIR/got"
	awk_ngrams 2 "$CNT/tokens.txt" | csort > "$BATS_TEST_TMPDIR/want"
	assert_same "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want"
	nlp-ngram -m --min-n 2 --max-n 3 "$BATS_TEST_TMPDIR/mixed" > "$BATS_TEST_TMPDIR/got"
	for n in 2 3; do awk_ngrams $n "$CNT/tokens.txt"; done | csort > "$BATS_TEST_TMPDIR/want"
	assert_same "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want"
}

@test "ngram --merge: 64-bit counts, also past 2^32 in the bigram tables; a sum past 2^64-1 is an error" {
	printf 'a b\t4294967295\nc\t18446744073709551615\n' > "$BATS_TEST_TMPDIR/c1"
	printf 'a b\t1\nx y z\t5000000000\n' > "$BATS_TEST_TMPDIR/c2"
	run nlp-ngram -m "$BATS_TEST_TMPDIR/c1" "$BATS_TEST_TMPDIR/c2" "$BATS_TEST_TMPDIR/c2"
	assert_success
	assert_output "$(printf 'c\t18446744073709551615\nx y z\t10000000000\na b\t4294967297')"
	printf 'a\t1\nb c\t1\n' > "$BATS_TEST_TMPDIR/c3"
	for big in 'a' 'b c'; do
		printf '%s\t18446744073709551615\n' "$big" > "$BATS_TEST_TMPDIR/c4"
		run --separate-stderr nlp-ngram -m "$BATS_TEST_TMPDIR/c4" "$BATS_TEST_TMPDIR/c3"
		assert_failure 1
		assert_output ''
		[[ "$stderr" == nlp-ngram:* ]] || fail "stderr: $stderr"
	done
}

@test "ngram --merge: malformed count lines are rejected with file, line and reason" {
	# each case: the third line of a count file | the reason given for it
	cases=(
		'a b 3|no tab between the key and the count'
		'\t3|empty key'
		"a  b\\t3|the key's units are not separated by single spaces"
		" a\\t3|the key's units are not separated by single spaces"
		'a\vb\t3|a blank other than a space in the key'
		'a\t|no count after the tab'
		'a\tx|the count is not a decimal integer'
		'a\t-3|the count is not a decimal integer'
		'a\t1\t2|the count is not a decimal integer'
		'a\t3\r|the count is not a decimal integer'
		'a\t18446744073709551616|the count is too large'
		'a\377\t3|invalid UTF-8'
	)
	printf 'x y\t5\n' > "$BATS_TEST_TMPDIR/good"
	want=
	for i in "${!cases[@]}"; do
		printf 'x y\t1\nz\t2\n%b\n' "${cases[i]%%|*}" > "$BATS_TEST_TMPDIR/bad$i"
		want+="nlp-ngram: $BATS_TEST_TMPDIR/bad$i: line 3: ${cases[i]#*|}"$'\n'"exit 1"$'\n'
	done
	# stdout and stderr together: a malformed file gives the message and nothing else
	run bash -c 'for ((i = 0; i < $2; i++)); do nlp-ngram -m --invalid fail "$1/good" "$1/bad$i" 2>&1; echo "exit $?"; done' _ "$BATS_TEST_TMPDIR" "${#cases[@]}"
	assert_output "${want%$'\n'}"
	# the largest count is fine, and a last line without a newline too
	printf 'a\t18446744073709551615' > "$BATS_TEST_TMPDIR/ok"
	run nlp-ngram -m "$BATS_TEST_TMPDIR/ok"
	assert_success
	assert_output "a${TAB}18446744073709551615"
}

@test "ngram --merge: a directory and a missing file are reported (exit 1); invalid UTF-8 follows --invalid" {
	run --separate-stderr nlp-ngram -m "$BATS_TEST_TMPDIR"
	assert_failure 1
	[[ "$stderr" == "nlp-ngram: "*"$BATS_TEST_TMPDIR: Is a directory" ]] || fail "$stderr"
	run --separate-stderr nlp-ngram -m /no/such/counts
	assert_failure 1
	[[ "$stderr" == "nlp-ngram: "*"/no/such/counts: No such file or directory" ]] || fail "$stderr"
	printf 'a\377b\t3\nab\t1\n' > "$BATS_TEST_TMPDIR/c"
	run nlp-ngram -m "$BATS_TEST_TMPDIR/c"
	assert_success
	assert_output "$(printf 'a\357\277\275b\t3\nab\t1')"
	run nlp-ngram -m --invalid skip "$BATS_TEST_TMPDIR/c"
	assert_success
	assert_output "ab${TAB}4"
	run --separate-stderr nlp-ngram -m --invalid fail "$BATS_TEST_TMPDIR/c"
	assert_failure 1
	assert_equal "$stderr" "nlp-ngram: $BATS_TEST_TMPDIR/c: line 1: invalid UTF-8"
}

# ---- options and bad input ----

@test "ngram: conflicting options are usage errors (exit 2, the reason and usage: on stderr)" {
	usage=$(nlp-ngram --help | head -n 1)
	[[ "$usage" == "usage: nlp-ngram "* ]] || fail "$usage"
	run bash -c 'for a in "$@"; do nlp-ngram $a <<<"a b" 2>&1; echo "exit $?"; done' _ \
		'--min-n 3 --max-n 2' '-n 2 --min-n 1' '--space _' '--merge --chars' '-m --markers' \
		'--no-such-option'
	assert_output "nlp-ngram: --min-n 3 is above --max-n 2
$usage
exit 2
nlp-ngram: -n and --min-n/--max-n exclude each other
$usage
exit 2
nlp-ngram: --space goes with --chars
$usage
exit 2
nlp-ngram: --merge reads count files: --chars and --markers do not apply
$usage
exit 2
nlp-ngram: --merge reads count files: --chars and --markers do not apply
$usage
exit 2
nlp-ngram: unrecognized option '--no-such-option'
$usage
exit 2"
	run --separate-stderr nlp-ngram -c --space 'a b' <<<'x'
	assert_failure 2
	assert_output ''
	assert_equal "${stderr_lines[0]}" "nlp-ngram: --space: the token must be non-empty UTF-8 without whitespace or controls"
	assert_equal "${stderr_lines[1]}" "$usage"
	# the rule of nlp-tokenize --space (text/tokenize): no Unicode whitespace, no control, valid UTF-8
	for tok in '' "$(printf 'a\xc2\xa0')" "$(printf 'a\001')" "$(printf 'a\377')"; do
		run --separate-stderr nlp-ngram -c --space "$tok" <<<'x'
		assert_failure 2
		assert_equal "${stderr_lines[0]}" "nlp-ngram: --space: the token must be non-empty UTF-8 without whitespace or controls"
	done
}

@test "ngram: out-of-range option values exit 2 with the reason" {
	run bash -c 'for a in "$@"; do nlp-ngram $a <<<"a b" 2>&1 | sed -n 1p; echo "exit ${PIPESTATUS[0]}"; done' _ \
		'-n 0' '-n 256' '--min-n x' '--memory 10' '--memory 5X' '--min-count 0' '--top 0' \
		'--invalid bogus'
	assert_output "nlp-ngram: -n: value '0' is too small (expected 1..255)
exit 2
nlp-ngram: -n: value '256' is too large (expected 1..255)
exit 2
nlp-ngram: --min-n: value 'x' is invalid (expected 1..255)
exit 2
nlp-ngram: --memory: '10' is below the least budget, 1M
exit 2
nlp-ngram: --memory: '5X' is not a size (a number of bytes with an optional K, M, G or T)
exit 2
nlp-ngram: --min-count: value '0' is too small (expected 1..9223372036854775807)
exit 2
nlp-ngram: --top: value '0' is too small (expected 1..9223372036854775807)
exit 2
nlp-ngram: --invalid: 'bogus' is not replace, skip or fail
exit 2"
}


@test "ngram: empty input gives empty output in every mode" {
	for args in '-n 1' '--min-n 1 --max-n 3 -C' '-c -C' '-m' '-C -M 1M'; do
		# shellcheck disable=SC2086
		run --separate-stderr nlp-ngram $args < /dev/null
		[ "$status" -eq 0 ] && [ -z "$output" ] && [ -z "$stderr" ] || fail "$args: $status '$output' '$stderr'"
	done
	run nlp-ngram -C <<<''
	assert_success
	assert_output ''
}

@test "ngram: invalid UTF-8 is replaced (default), skipped or fails, in lists and counts" {
	run --separate-stderr bash -c "printf 'a\377b c\n' | nlp-ngram -n 1"
	assert_success
	assert_output "$(printf 'a\357\277\275b\nc')"
	[[ "$stderr" == *"line 1: invalid UTF-8 replaced by U+FFFD"* ]] || fail "$stderr"
	run --separate-stderr bash -c "printf 'a\377b c ab\n' | nlp-ngram -n 1 -C --invalid=skip"
	assert_success
	assert_output "$(printf 'ab\t2\nc\t1')"
	[[ "$stderr" == *"invalid UTF-8 skipped"* ]] || fail "$stderr"
	# a list streams the lines before the bad one
	run --separate-stderr bash -c "printf 'x y\nab\377 c\n' | nlp-ngram -n 2 --invalid=fail"
	assert_failure 1
	assert_output 'x y'
	assert_equal "$stderr" "nlp-ngram: <stdin>: line 2, byte 3: invalid UTF-8"
}

@test "ngram --counts --invalid=fail: the count stops at the bad byte and no counts are written" {
	run --separate-stderr bash -c "printf 'x y\nab\377 c\n' | nlp-ngram -C --invalid=fail"
	assert_failure 1
	assert_equal "$stderr" "nlp-ngram: <stdin>: line 2, byte 3: invalid UTF-8"
	assert_output ''
}

@test "ngram: a closed output pipe ends quietly, in lists and in counts" {
	gen="$BATS_FILE_TMPDIR/gen.txt"
	first=$(awk 'NF >= 2 {print $1 " " $2; exit}' "$gen")
	for mode in '-n 2' '-C'; do
		# SIGPIPE ignored: the write error ends the program with status 0
		run --separate-stderr bash -c "trap '' PIPE; nlp-ngram $mode < '$gen' | head -n 1; echo \"status \${PIPESTATUS[0]}\""
		assert_success
		assert_line --index 1 'status 0'
		[ -z "$stderr" ] || fail "$mode: $stderr"
		if [ "$mode" = -C ]; then assert_line --index 0 --regexp "^[^ ]+ [^ ]+${TAB}[0-9]+\$"; else assert_line --index 0 "$first"; fi
		# SIGPIPE by default: killed by it (141) or done, silently
		run --separate-stderr bash -c "nlp-ngram $mode < '$gen' | head -n 1; echo \"status \${PIPESTATUS[0]}\""
		assert_success
		assert_line --index 1 --regexp '^status (0|141)$'
		[ -z "$stderr" ] || fail "$mode: $stderr"
	done
}

@test "ngram: a full disk is an error, not a silent truncation" {
	[ -w /dev/full ] || skip "needs /dev/full"
	printf 'a b\t1\n' > "$BATS_TEST_TMPDIR/counts"
	for args in "-n 2 $CNT/tokens.txt" "-C $CNT/tokens.txt" "-m $BATS_TEST_TMPDIR/counts"; do
		run --separate-stderr bash -c "nlp-ngram $args > /dev/full"
		[ "$status" -eq 1 ] || fail "$args: exit $status"
		assert_equal "$stderr" "nlp-ngram: write <stdout>: No space left on device"
	done
}

@test "ngram: --help lists every option, --version; --progress reports on stderr only" {
	run nlp-ngram -h
	assert_success
	for o in --order --min-n --max-n --chars --space --markers --counts --min-count --top --merge \
		--memory --invalid --progress --help --version; do
		assert_output --partial -- "$o"
	done
	assert_line --index 0 --partial 'usage: nlp-ngram'
	run nlp-ngram --version
	assert_success
	assert_output --regexp '^nlp-ngram [0-9]+\.[0-9]+'
	nlp-ngram -C "$CNT/tokens.txt" > "$BATS_TEST_TMPDIR/want" 2>"$BATS_TEST_TMPDIR/err0"
	[ ! -s "$BATS_TEST_TMPDIR/err0" ] || fail "stderr without --progress: $(cat "$BATS_TEST_TMPDIR/err0")"
	nlp-ngram -C --progress "$CNT/tokens.txt" > "$BATS_TEST_TMPDIR/got" 2>"$BATS_TEST_TMPDIR/err"
	assert_same "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want"
	run cat "$BATS_TEST_TMPDIR/err"
	assert_output --regexp '^nlp-ngram: .*11 lines'
}
