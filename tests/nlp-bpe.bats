#!/usr/bin/env bats
# nlp-bpe: byte-pair-encoding subwords against tests/bpe_ref.py, an independent Python
# implementation of subword-nmt 0.2's learn (without its pruning), encode and vocabulary filter,
# and of the spec's styles, escapes and decode, which takes its grapheme clusters from
# nlp-tokenize -c (see its comment for why that is fair). learn: Sennrich's example by hand, the
# English and Korean fixtures (tests/data/bpe: combining marks, jamo, emoji sequences),
# --merges, --min-frequency, --vocab-size, --counts (shards summed), the merges file's format,
# --progress. apply: both styles on the fixtures, random merges out of learnt order on words of 1
# to 2,000 clusters (short words are merged by a scan, long ones through a heap), --vocab and
# --threshold, the first merge that made a piece, a repeated pair, --cache, the escapes by hand.
# decode: its rules by hand, decode(apply(x)) = x on the hard cases. The merges file's reader,
# the vocabulary's and the counts' errors, usage, --invalid, a 4 MB word. With ../shared: PTB
# and a Korean slice learnt as the reference learns them; 20,000 lines of enwiki and of kowiki
# tokens through apply and decode. Each test starts Python once (bpe_ref.py runs many commands
# separated by ';').

load helper

BPE="$DATA/bpe"
REF="$NLP_TOP/tests/bpe_ref.py"
U=$'\xe2\x96\x81'     # U+2581, SentencePiece's mark (bytes: $'\u2581' depends on the locale)
ACUTE=$'\xcc\x81' # U+0301

setup_file() {
	# the hard cases the reference can take: all but the line of Unicode spaces, a control and
	# NUL inside words (nlp-tokenize -c drops those characters; see bpe_ref.py)
	grep -av nbsp "$BPE/hard.txt" > "$BATS_FILE_TMPDIR/hard-ref.txt"
	cat "$BPE/en.txt" "$BPE/marks.txt" "$BPE/ko.txt" "$BATS_FILE_TMPDIR/hard-ref.txt" > "$BATS_FILE_TMPDIR/all.txt"
	# merges learnt by nlp-bpe, for the tests of apply (the tests of learn compare them)
	if command -v nlp-bpe >/dev/null; then
		nlp-bpe learn --merges 1000 "$BPE/en.txt" "$BPE/marks.txt" > "$BATS_FILE_TMPDIR/en.m" 2>/dev/null
		nlp-bpe learn --merges 1000 "$BPE/ko.txt" > "$BATS_FILE_TMPDIR/ko.m" 2>/dev/null
	fi
}

setup() {
	command -v nlp-bpe >/dev/null || skip "nlp-bpe is not built"
	T="$BATS_TEST_TMPDIR"
	F="$BATS_FILE_TMPDIR"
}

# ref ARGS: bpe_ref.py with its commands, clusters from nlp-tokenize -c; shows its lines.
ref() {
	run $PY "$REF" --graphemes 'nlp-tokenize -c' "$@"
	printf '%s\n' "$output"
	assert_success
}

# the word counts of Sennrich et al.'s example: low 5, lower 2, newest 6, widest 3
sennrich() {
	printf '%s\n' 'low low low low low lower lower' 'newest newest newest newest newest newest' \
		'widest widest widest'
}

# ---- learn ----

@test "learn: Sennrich et al.'s example, by hand: counts, ties to the greatest pair, </w> on the last symbol" {
	# symbols: l o w</w> x5, l o w e r</w> x2, n e w e s t</w> x6, w i d e s t</w> x3
	# 1. (e s) 9 and (s t</w>) 9 tie: the greater pair, s > e: s t</w>
	# 2. e st</w> 9; 3. l o 7; 4. (n e) (e w) (w est</w>) 6 tie: w > n > e: w est</w>;
	# 5. (n e) (e west</w>) 6: n e; 6. ne west</w> 6; 7. lo w</w> 5;
	# 8-10. (w i) (i d) (d est</w>) 3: w i, then wi d, then wid est</w>;
	# 11-13. (lo w) (w e) (e r</w>) 2: w e, then (lo we) (we r</w>): we r</w>, then lo wer</w>;
	# then no pair is left
	sennrich > "$T/s.txt"
	run --separate-stderr nlp-bpe learn "$T/s.txt"
	assert_success
	assert_output "$(printf '%s\n' '#version: 0.2' 's t</w>' 'e st</w>' 'l o' 'w est</w>' 'n e' \
		'ne west</w>' 'lo w</w>' 'w i' 'wi d' 'wid est</w>' 'w e' 'we r</w>' 'lo wer</w>')"
	[[ "$stderr" == *"13 merges"*"no pair is left"* ]] || fail "stderr: $stderr"
	# -m: the first merges; --min-frequency: stops before the first pair seen fewer times
	run -0 nlp-bpe learn --merges 3 "$T/s.txt"
	assert_output "$(printf '%s\n' '#version: 0.2' 's t</w>' 'e st</w>' 'l o')"
	run --separate-stderr nlp-bpe learn --min-frequency 6 "$T/s.txt"
	assert_success
	assert_output "$(printf '%s\n' '#version: 0.2' 's t</w>' 'e st</w>' 'l o' 'w est</w>' 'n e' 'ne west</w>')"
	[[ "$stderr" == *"--min-frequency"* ]] || fail "stderr: $stderr"
	# the same words from stdin, one a line, and as counts
	sennrich | tr ' ' '\n' | nlp-bpe learn --merges 5 > "$T/stdin.m"
	nlp-bpe learn --merges 5 "$T/s.txt" | cmp - "$T/stdin.m"
	printf 'low\t5\nlower\t2\nnewest\t6\nwidest\t3\n' | nlp-bpe learn --merges 5 --counts | cmp - "$T/stdin.m"
	ref learn "$T/s.txt" -o "$T/ref.m" \; learn -m 5 "$T/s.txt" -o "$T/ref5.m" \; \
		same "$T/ref5.m" "$T/stdin.m"
	nlp-bpe learn "$T/s.txt" 2>/dev/null | cmp - "$T/ref.m"
}

@test "learn: a pair twice in a word counts twice; merging is left to right without overlap" {
	# a a a a</w>: (a a) 2, (a a</w>) 1; a a a a</w> -> aa a a</w> (not a aa a</w>), then
	# (aa a) and (a a</w>) 1 each: the greater, aa a; then aaa a</w>. A word of one cluster has
	# no pair.
	run --separate-stderr nlp-bpe learn --min-frequency 1 <<<'a a aaaa'
	assert_success
	assert_output "$(printf '%s\n' '#version: 0.2' 'a a' 'aa a' 'aaa a</w>')"
	# (a a) is not counted across words: 'ab' x3 has (a b</w>) 3, 'a a' nothing
	run -0 --separate-stderr nlp-bpe learn <<<'a a ab ab ab'
	assert_output "$(printf '%s\n' '#version: 0.2' 'a b</w>')"
}

@test "learn: the English and Korean fixtures, and the hard cases, give the reference's merges" {
	D=$BPE
	nlp-bpe learn --merges 1000 "$D/en.txt" "$D/marks.txt" > "$T/en.m" 2>/dev/null
	nlp-bpe learn --merges 1000 "$D/ko.txt" > "$T/ko.m" 2>/dev/null
	nlp-bpe learn --min-frequency 5 "$D/ko.txt" > "$T/ko5.m" 2>/dev/null
	nlp-bpe learn --vocab-size 400 "$D/marks.txt" "$D/en.txt" > "$T/vs.m" 2>/dev/null
	nlp-bpe learn --min-frequency 1 --merges 300 "$F/hard-ref.txt" > "$T/hard.m" 2>/dev/null
	[ "$(wc -l < "$T/en.m")" -eq 1001 ] && [ "$(wc -l < "$T/ko.m")" -eq 1001 ]
	ref learn -m 1000 "$D/en.txt" "$D/marks.txt" -o "$T/ref-en.m" \; same "$T/en.m" "$T/ref-en.m" \; \
		learn -m 1000 "$D/ko.txt" -o "$T/ref-ko.m" \; same "$T/ko.m" "$T/ref-ko.m" \; \
		learn --min-frequency 5 "$D/ko.txt" -o "$T/ref-ko5.m" \; same "$T/ko5.m" "$T/ref-ko5.m" \; \
		learn --vocab-size 400 "$D/marks.txt" "$D/en.txt" -o "$T/ref-vs.m" \; same "$T/vs.m" "$T/ref-vs.m" \; \
		learn --min-frequency 1 -m 300 "$F/hard-ref.txt" -o "$T/ref-hard.m" \; same "$T/hard.m" "$T/ref-hard.m"
	# the clusters matter: jamo syllables (L V T, three code points) are merged whole, and no
	# symbol starts with a vowel or final jamo, a ZWJ, a skin tone or a variation selector, as
	# merges of code points would
	LC_ALL=C grep -q $'\xe1\x84[\x80-\xbf]\xe1\x85[\xa1-\xb5]\xe1\x86[\xa8-\xbf] ' "$T/ko.m" ||
		fail "no merge of a jamo syllable"
	LC_ALL=C grep -q $'\xcc\x81' "$T/en.m" || fail "no merge of a cluster with U+0301"
	run bash -c "LC_ALL=C grep -E $'(^| )(\xe1\x85[\xa0-\xbf]|\xe1[\x86\x87]|\xe2\x80\x8d|\xf0\x9f\x8f[\xbb-\xbf]|\xef\xb8\x8f)' '$T/en.m' '$T/ko.m'"
	assert_failure 1
	[ "$(wc -l < "$T/vs.m")" -gt 1 ] && [ "$(wc -l < "$T/vs.m")" -lt 400 ]
}

@test "learn --vocab-size: the merges are N minus the distinct first symbols; none and a warning when N is no more" {
	# Sennrich's example: l o w e n s i d inside, w</w> r</w> t</w> last: 11 symbols
	sennrich > "$T/s.txt"
	run -0 nlp-bpe learn --vocab-size 14 "$T/s.txt"
	assert_output "$(printf '%s\n' '#version: 0.2' 's t</w>' 'e st</w>' 'l o')"
	run -0 nlp-bpe learn --vocab-size 12 "$T/s.txt"
	assert_output "$(printf '%s\n' '#version: 0.2' 's t</w>')"
	for n in 11 5 1; do
		run --separate-stderr nlp-bpe learn --vocab-size $n "$T/s.txt"
		assert_success
		assert_output '#version: 0.2'
		[[ "$stderr" == "nlp-bpe: "*"11 symbols"*"no merges"* ]] || fail "--vocab-size $n: no warning: $stderr"
	done
	# the symbols are the clusters: 한 in NFD (3 code points) is one; e + U+0301 is one, apart
	# from e: 'xé xé' has x and é</w> (2): --vocab-size 3 gives 1 merge
	run -0 nlp-bpe learn --vocab-size 3 <<<$'x\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab x\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab'
	assert_output "$(printf '#version: 0.2\nx \xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab</w>')"
	run -0 nlp-bpe learn --vocab-size 4 <<<$'xe\xcc\x81 xe\xcc\x81 e'
	assert_output "$(printf '#version: 0.2\nx e\xcc\x81</w>')"
}

@test "learn --counts: nlp-vocab's vocabularies of shards, summed, give the merges of the whole text" {
	sed -n '1,100p' "$BPE/en.txt" | nlp-vocab > "$T/v1"
	sed -n '101,200p' "$BPE/en.txt" | nlp-vocab -S '<unk>,<s>' > "$T/v2" # zero counts: ignored
	sed -n '201,$p' "$BPE/en.txt" | nlp-vocab > "$T/v3"
	grep -q $'^<unk>\t0$' "$T/v2"
	nlp-bpe learn --merges 500 "$BPE/en.txt" > "$T/whole.m" 2>/dev/null
	nlp-bpe learn --merges 500 --counts "$T/v1" "$T/v2" "$T/v3" > "$T/shards.m" 2>/dev/null
	assert_same "$T/shards.m" "$T/whole.m"
	# one stream of all three (a token more than once), and nlp-vocab --merge's sum
	cat "$T/v3" "$T/v1" "$T/v2" | nlp-bpe learn --merges 500 --counts 2>/dev/null | cmp - "$T/whole.m"
	nlp-vocab --merge "$T/v1" "$T/v2" "$T/v3" | nlp-bpe learn --merges 500 --counts 2>/dev/null | cmp - "$T/whole.m"
	nlp-bpe learn --merges 500 -C "$T/v1" "$T/v2" "$T/v3" 2>/dev/null | cmp - "$T/whole.m" # -C: --counts
	# the reference from the counts; --vocab-size counts the symbols of the vocabulary's words
	nlp-bpe learn --vocab-size 300 --counts "$T/v1" "$T/v2" "$T/v3" > "$T/vs.m" 2>/dev/null
	ref learn -m 500 --counts "$T/v1" "$T/v2" "$T/v3" -o "$T/ref.m" \; same "$T/shards.m" "$T/ref.m" \; \
		learn --vocab-size 300 "$BPE/en.txt" -o "$T/ref-vs.m" \; same "$T/vs.m" "$T/ref-vs.m"
}

@test "learn --counts: malformed vocabularies are errors naming the file and line" {
	for c in 'ab\t3\nx\n' 'ab 3\n' 'ab\t-1\n' 'ab\tx\n' '\t3\n' 'ab\t99999999999999999999\n'; do
		printf "$c" > "$T/c.tsv"
		run --separate-stderr nlp-bpe learn --counts "$T/c.tsv"
		assert_failure 1
		[[ "$stderr" == "nlp-bpe: $T/c.tsv: line "[12]": "* ]] || fail "$c: $stderr"
		assert_output ''
	done
}

@test "learn: the merges file: the header, then 'LEFT RIGHT' a line in rank order; -m N is the first N of more" {
	nlp-bpe learn --merges 600 "$BPE/ko.txt" "$BPE/en.txt" > "$T/600.m" 2>/dev/null
	nlp-bpe learn --merges 50 "$BPE/ko.txt" "$BPE/en.txt" > "$T/50.m" 2>/dev/null
	[ "$(head -n 1 "$T/600.m")" = '#version: 0.2' ]
	[ "$(wc -l < "$T/600.m")" -eq 601 ]
	# every other line: two non-empty symbols without blanks, one space between, valid UTF-8
	run grep -cvaE '^[^ 	]+ [^ 	]+$' "$T/600.m"
	assert_output 0
	iconv -f UTF-8 -t UTF-8 "$T/600.m" > /dev/null
	head -n 51 "$T/600.m" | cmp - "$T/50.m"
	# no pair twice, and each merge's halves are first symbols or made by an earlier merge
	run $PY - "$T/600.m" <<-'EOF'
	import sys
	lines = open(sys.argv[1], encoding='utf-8').read().split('\n')[1:-1]
	pairs = [tuple(l.split(' ')) for l in lines]
	assert len(set(pairs)) == len(pairs), 'a pair twice'
	made = set()
	for n, (a, b) in enumerate(pairs, 2):
	    assert not a.endswith('</w>'), (n, a)
	    made.add(a + b)
	print(len(pairs), 'merges')
	EOF
	assert_success
	# learn's output is apply's input: ranks in file order (the reference reads it too)
	nlp-bpe apply --codes "$T/600.m" "$BPE/ko.txt" > "$T/out"
	ref apply -c "$T/600.m" "$BPE/ko.txt" -o "$T/ref.out" \; same "$T/out" "$T/ref.out"
}

@test "learn: empty input and blank lines give the header alone" {
	run -0 --separate-stderr nlp-bpe learn < /dev/null
	assert_output '#version: 0.2'
	run -0 --separate-stderr nlp-bpe learn <<<$'  \n\t\n\n'
	assert_output '#version: 0.2'
	run -0 --separate-stderr nlp-bpe learn --counts < /dev/null
	assert_output '#version: 0.2'
	run -0 --separate-stderr nlp-bpe learn --merges 0 "$BPE/en.txt"
	assert_output '#version: 0.2'
	assert_equal "$stderr" ""
}

@test "learn: words end at the blanks only (space, tab, CR, VT, FF); other spaces and controls are inside words" {
	# U+00A0 and U+3000 are not blanks: 'a<NBSP>b' is one word of three symbols; tabs, CR, VT
	# and FF separate words as the space does
	# ((a U+00A0) and (U+00A0 b</w>) tie at 3: the greater, U+00A0 > a, goes first)
	run -0 --separate-stderr nlp-bpe learn <<<$'a\xc2\xa0b a\xc2\xa0b a\xc2\xa0b'
	assert_output "$(printf '#version: 0.2\n\xc2\xa0 b</w>\na \xc2\xa0b</w>')"
	run -0 --separate-stderr nlp-bpe learn <<<$'xy\txy\rxy\vxy\fxy'
	assert_output "$(printf '#version: 0.2\nx y</w>')"
	# a control inside a word is a symbol of its own (a cluster of one)
	run -0 --separate-stderr nlp-bpe learn <<<$'q\x01r q\x01r'
	assert_output "$(printf '#version: 0.2\nq \x01\nq\x01 r</w>')"
}

@test "learn: merges learnt from text with NUL bytes inside words are read back by apply" {
	# NUL passes through the text stages as a character; learn may make it a symbol, and then
	# the merges file must be one that apply reads
	printf 'a\0b a\0b a\0b\n' > "$T/nul.txt"
	nlp-bpe learn "$T/nul.txt" > "$T/nul.m" 2>/dev/null
	grep -qa 'a' "$T/nul.m"
	run --separate-stderr nlp-bpe apply --codes "$T/nul.m" "$T/nul.txt"
	assert_success
	nlp-bpe apply --codes "$T/nul.m" "$T/nul.txt" | nlp-bpe decode | cmp - "$T/nul.txt"
}

@test "learn --progress: the summary on a stderr that is not a terminal, reading and merges on a terminal; nothing unasked" {
	nlp-bpe learn --merges 200 "$BPE/en.txt" > "$T/m" 2> "$T/err"
	[ ! -s "$T/err" ] || fail "unasked: $(cat "$T/err")"
	nlp-bpe learn --progress --merges 200 "$BPE/en.txt" > "$T/m2" 2> "$T/err"
	cmp "$T/m" "$T/m2"
	run cat "$T/err"
	assert_output --regexp '^nlp-bpe: 200 merges .*[0-9.]+ s, peak [0-9.]+ [kMG]?B$'
	command -v script >/dev/null || skip "needs script(1)"
	script -qfec "stty cols 80 rows 24; NLP_PROGRESS_DELAY=0 nlp-bpe learn --merges 200 '$BPE/en.txt' > '$T/m3'" /dev/null > "$T/tty"
	cmp "$T/m" "$T/m3"
	grep -q 'nlp-bpe: reading' "$T/tty" || fail "no reading: $(cat -A "$T/tty" | head -c 600)"
	grep -q 'nlp-bpe: merges .*of 200' "$T/tty" || fail "no merges: $(cat -A "$T/tty" | head -c 600)"
}

# ---- apply ----

@test "apply: both styles equal the reference on the fixtures, with English and with Korean merges" {
	for m in en ko; do
		for s in subword-nmt sentencepiece; do
			nlp-bpe apply --codes "$F/$m.m" --style $s "$F/all.txt" > "$T/$m.$s"
		done
	done
	nlp-bpe apply --codes "$F/en.m" --style=sentencepiece "$F/all.txt" | cmp - "$T/en.sentencepiece"
	nlp-bpe apply --codes "$F/en.m" < "$F/all.txt" | cmp - "$T/en.subword-nmt"
	ref apply -c "$F/en.m" "$F/all.txt" -o "$T/r.en.subword-nmt" \; same "$T/en.subword-nmt" "$T/r.en.subword-nmt" \; \
		apply -c "$F/en.m" -s sentencepiece "$F/all.txt" -o "$T/r.en.sp" \; same "$T/en.sentencepiece" "$T/r.en.sp" \; \
		apply -c "$F/ko.m" "$F/all.txt" -o "$T/r.ko.subword-nmt" \; same "$T/ko.subword-nmt" "$T/r.ko.subword-nmt" \; \
		apply -c "$F/ko.m" -s sentencepiece "$F/all.txt" -o "$T/r.ko.sp" \; same "$T/ko.sentencepiece" "$T/r.ko.sp"
	# and the pieces are subword-nmt's: on ordinary words, 'piece@@ piece'
	run -0 nlp-bpe apply --codes "$F/en.m" <<<'the unconstitutionality'
	[[ "$output" == "the "*"@@ "* ]] || fail "$output"
}

@test "apply: words of 1 to 2,000 clusters (a scan up to 32, a heap beyond) equal the reference under merges out of learnt order" {
	local args=() seed s
	for seed in 1 2; do
		$PY "$REF" random $seed "$T/m$seed" "$T/t$seed"
		for s in subword-nmt sentencepiece; do
			nlp-bpe apply --codes "$T/m$seed" --style $s "$T/t$seed" > "$T/c$seed.$s"
			args+=(apply -c "$T/m$seed" -s $s "$T/t$seed" -o "$T/r$seed.$s" \; same "$T/c$seed.$s" "$T/r$seed.$s" \;)
		done
	done
	# words of exactly 31 to 34 clusters, around the switch, of one repeated chunk and of two
	$PY -c '
import sys
for n in range(28, 36):
    print("ab" * (n // 2) + "a" * (n % 2), "e\u0301" * n, ("abc" * n)[:n], ("aab" * n)[:n] + " " + "a" * n)' > "$T/edge.txt"
	nlp-bpe learn --min-frequency 1 --merges 200 "$T/edge.txt" > "$T/edge.m" 2>/dev/null
	nlp-bpe apply --codes "$T/edge.m" "$T/edge.txt" > "$T/edge.out"
	nlp-bpe apply --codes "$T/m1" "$T/edge.txt" > "$T/edge1.out"
	ref "${args[@]}" apply -c "$T/edge.m" "$T/edge.txt" -o "$T/edge.ref" \; same "$T/edge.out" "$T/edge.ref" \; \
		apply -c "$T/m1" "$T/edge.txt" -o "$T/edge1.ref" \; same "$T/edge1.out" "$T/edge1.ref" \; \
		learn --min-frequency 1 -m 200 "$T/edge.txt" -o "$T/edge.refm" \; same "$T/edge.m" "$T/edge.refm"
}

@test "apply: a merge that makes the pair of an earlier rank: the least rank present goes first, every time" {
	# ranks: 0 (ab c), 1 (a b): 'abcabcd' -> a b c a b c d</w> -> (a b) -> ab c ab c d</w> ->
	# (ab c), of a lower rank, now present -> abc abc d</w>
	printf '#version: 0.2\nab c\na b\nabc abc\n' > "$T/m"
	run -0 nlp-bpe apply --codes "$T/m" <<<'abcabcd'
	assert_output 'abcabc@@ d'
	# the same on a word of 60 clusters (the heap): 20 x abc -> 10 x abcabc
	w=$(printf 'abc%.0s' $(seq 20))
	run -0 nlp-bpe apply --codes "$T/m" <<<"${w}d"
	assert_output "$(printf 'abcabc@@ %.0s' $(seq 10))d"
	# overlapping occurrences, left to right: a x 7 with (a a) -> aa aa aa a
	printf '#version: 0.2\na a\n' > "$T/a"
	run -0 nlp-bpe apply --codes "$T/a" <<<'aaaaaaa'
	assert_output 'aa@@ aa@@ aa@@ a'
	w=$(printf 'a%.0s' $(seq 41))
	run -0 nlp-bpe apply --codes "$T/a" <<<"$w"
	assert_output "$(printf 'aa@@ %.0s' $(seq 20))a"
}

@test "apply: a repeated pair keeps its first rank" {
	# (b c) at ranks 0 and 2: 'abcd' -> a bc d; were its rank the later, (a b) would go first
	printf '#version: 0.2\nb c\na b\nb c\n' > "$T/m"
	run -0 nlp-bpe apply --codes "$T/m" <<<'abcd'
	assert_output 'a@@ bc@@ d'
	printf '#version: 0.2\na b\nb c\na b\n' > "$T/m2"
	run -0 nlp-bpe apply --codes "$T/m2" <<<'abcd'
	assert_output 'ab@@ c@@ d'
}

@test "apply: a merges file of the header alone, a CR before each newline, no final newline, from a pipe" {
	printf '#version: 0.2\n' > "$T/h"
	run -0 nlp-bpe apply --codes "$T/h" <<<'ab c'
	assert_output 'a@@ b c'
	printf '#version: 0.2\r\na b\r\nab c</w>\r\n' > "$T/crlf"
	run -0 nlp-bpe apply --codes "$T/crlf" <<<'abc ab'
	assert_output 'abc a@@ b'
	printf '#version: 0.2\na b' > "$T/nonl"
	run -0 nlp-bpe apply --codes "$T/nonl" <<<'abc'
	assert_output 'ab@@ c'
	# the merges read once, from a pipe or from stdin (-c -) with the text from a file
	echo 'abc ab' > "$T/w"
	run -0 nlp-bpe apply --codes <(cat "$T/crlf") "$T/w"
	assert_output 'abc a@@ b'
	run -0 nlp-bpe apply --codes - "$T/w" < "$T/crlf"
	assert_output 'abc a@@ b'
	# a line of input without its newline gets one
	run -0 bash -c "printf 'ab c' | nlp-bpe apply --codes '$T/h' | od -An -c | tr -s ' '"
	assert_output ' a @ @ b c \n'
}

@test "apply: the escapes and the blanks, by hand (no merges: every cluster a piece)" {
	printf '#version: 0.2\n' > "$T/h"
	printf '#version: 0.2\n@ @</w>\n' > "$T/at"
	# subword-nmt: a word ending in @@ and zero or more \ gets one \ more at its end
	run -0 nlp-bpe apply --codes "$T/h" <<<'x@@ y@@\ @@ @ \'
	assert_output 'x@@ @@@ @\ y@@ @@@ @@@ \\ @@@ @\ @ \'
	run -0 nlp-bpe apply --codes "$T/at" <<<'x@@ @@ a@@b'
	assert_output 'x@@ @@\ @@\ a@@ @@@ @@@ b'
	# blanks copied verbatim: leading, trailing, runs, tabs, CR, VT, FF
	run -0 nlp-bpe apply --codes "$T/h" <<<$'  ab\t\tc \r d\v\fe  '
	assert_output $'  a@@ b\t\tc \r d\v\fe  '
	# sentencepiece: a piece other than the first that starts with \s then U+2581 (here $U)
	# gets a \; a first piece never does
	run -0 nlp-bpe apply --codes "$T/h" --style sentencepiece <<<"a${U}b \\${U}c ${U}  \\"
	assert_output "${U}a \\${U} b ${U}\\ \\${U} c ${U}${U}  ${U}\\"
	# a combining mark after @ or U+2581 is in their cluster: the word does not end in @@, the
	# piece starts with U+2581 all the same
	run -0 nlp-bpe apply --codes "$T/h" <<<"a@@${ACUTE}"
	assert_output "a@@ @@@ @${ACUTE}"
	run -0 nlp-bpe apply --codes "$T/h" --style sentencepiece <<<"a${U}${ACUTE}"
	assert_output "${U}a \\${U}${ACUTE}"
	# empty lines and blank lines stay, one line out for each line in
	run -0 bash -c "printf '\n \n\n' | nlp-bpe apply --codes '$T/h' | od -An -c | tr -s ' '"
	assert_output ' \n \n \n'
}

@test "apply --vocab --threshold: equal to the reference in both styles, tab and space vocabularies" {
	local args=() s th
	for s in subword-nmt sentencepiece; do
		nlp-bpe apply --codes "$F/en.m" --style $s "$BPE/en.txt" "$BPE/marks.txt" | nlp-vocab > "$T/v.$s"
		tr '\t' ' ' < "$T/v.$s" > "$T/vs.$s" # subword-nmt's get_vocab.py form
		for th in 1 20; do
			nlp-bpe apply --codes "$F/en.m" --style $s --vocab "$T/v.$s" --threshold $th "$F/all.txt" > "$T/c.$s.$th"
			nlp-bpe apply --codes "$F/en.m" --style $s -v "$T/v.$s" --threshold $th "$F/all.txt" |
				cmp - "$T/c.$s.$th" # -v: --vocab
			args+=(apply -c "$F/en.m" -s $s --vocab "$T/v.$s" --threshold $th "$F/all.txt" -o "$T/r.$s.$th" \;
				same "$T/c.$s.$th" "$T/r.$s.$th" \;)
		done
		# the default threshold is 1; the space-separated form is read as the tab-separated
		nlp-bpe apply --codes "$F/en.m" --style $s --vocab "$T/vs.$s" "$F/all.txt" | cmp - "$T/c.$s.1"
		# the filter splits pieces (the output changes)
		nlp-bpe apply --codes "$F/en.m" --style $s "$F/all.txt" > "$T/plain.$s"
		! cmp -s "$T/plain.$s" "$T/c.$s.20" || fail "--threshold 20 split nothing"
		# the random merges too: vocabulary from their own output
		[ -s "$T/rm" ] || $PY "$REF" random 4 "$T/rm" "$T/rt"
		nlp-bpe apply --codes "$T/rm" --style $s "$T/rt" | nlp-vocab > "$T/rv.$s"
		nlp-bpe apply --codes "$T/rm" --style $s --vocab "$T/rv.$s" --threshold 3 "$T/rt" > "$T/rc.$s"
		args+=(apply -c "$T/rm" -s $s --vocab "$T/rv.$s" --threshold 3 "$T/rt" -o "$T/rr.$s" \; same "$T/rc.$s" "$T/rr.$s" \;)
	done
	ref "${args[@]}"
}

@test "apply --vocab: a piece not in the vocabulary is split by the first merge that made it" {
	# abc is made by (ab c), rank 2, and by (a bc), rank 3: the first splits it
	printf '#version: 0.2\na b\nb c\nab c\na bc\n' > "$T/m"
	printf 'ab@@\t5\nc@@\t5\na@@\t5\nbc@@\t5\nd\t5\n' > "$T/v"
	echo abcd > "$T/w"
	run -0 nlp-bpe apply --codes "$T/m" "$T/w"
	assert_output 'abc@@ d'
	run -0 nlp-bpe apply --codes "$T/m" --vocab "$T/v" "$T/w"
	assert_output 'ab@@ c@@ d'
	# below the threshold is not in it: ab@@ counted once, split in turn by (a b); b@@ is in no
	# vocabulary and made by no merge: it stays
	printf 'ab@@\t1\nc@@\t5\na@@\t5\nbc@@\t5\nd\t5\n' > "$T/v2"
	run -0 nlp-bpe apply --codes "$T/m" --vocab "$T/v2" --threshold 2 "$T/w"
	assert_output 'a@@ b@@ c@@ d'
	run -0 nlp-bpe apply --codes "$T/m" --vocab "$T/v2" --threshold 1 "$T/w"
	assert_output 'ab@@ c@@ d'
	# the last piece is looked up without @@, and split by the merge that made it with </w>
	# (subword-nmt's vocabulary form, 'piece count', read too)
	printf '#version: 0.2\nd c</w>\n' > "$T/m3"
	printf 'd@@ 3\nc 3\n' > "$T/v3"
	printf 'dc 3\n' > "$T/v4"
	echo dc > "$T/w2"
	run -0 nlp-bpe apply --codes "$T/m3" --vocab "$T/v3" "$T/w2"
	assert_output 'd@@ c'
	run -0 nlp-bpe apply --codes "$T/m3" --vocab "$T/v4" "$T/w2"
	assert_output 'dc'
	# and the reference gives the same
	ref apply -c "$T/m" --vocab "$T/v" "$T/w" -o "$T/r1" \; apply -c "$T/m" --vocab "$T/v2" --threshold 2 "$T/w" -o "$T/r2" \; \
		apply -c "$T/m3" --vocab "$T/v3" "$T/w2" -o "$T/r3" \; apply -c "$T/m3" --vocab "$T/v4" "$T/w2" -o "$T/r4"
	assert_equal "$(cat "$T/r1" "$T/r2" "$T/r3" "$T/r4")" "$(printf 'ab@@ c@@ d\na@@ b@@ c@@ d\nd@@ c\ndc')"
}

@test "apply --vocab: malformed vocabularies are errors naming the file and line" {
	printf '#version: 0.2\n' > "$T/m"
	for v in 'ab x\n' 'ab\t-1\n' 'ab\n' 'a\t1\n\xff\t2\n'; do
		printf "$v" > "$T/v"
		run --separate-stderr nlp-bpe apply --codes "$T/m" --vocab "$T/v" < /dev/null
		assert_failure 1
		[[ "$stderr" == "nlp-bpe: $T/v: line "[12]": "* ]] || fail "$v: $stderr"
	done
}

@test "apply --cache: none, a tiny one (a line: words push each other out), and the default give the same output" {
	$PY "$REF" random 5 "$T/rm" "$T/rt"
	cat "$F/all.txt" "$T/rt" "$F/all.txt" > "$T/in"
	for s in subword-nmt sentencepiece; do
		nlp-bpe apply --codes "$F/en.m" --style $s "$T/in" > "$T/default.$s"
		for c in 0 1 64 300; do
			nlp-bpe apply --codes "$F/en.m" --style $s --cache $c "$T/in" | cmp - "$T/default.$s"
		done
		nlp-bpe apply --codes "$F/en.m" --style $s "$T/in" | nlp-vocab > "$T/v"
		nlp-bpe apply --codes "$F/en.m" --style $s --vocab "$T/v" --threshold 3 "$T/in" > "$T/vd.$s"
		nlp-bpe apply --codes "$F/en.m" --style $s --vocab "$T/v" --threshold 3 --cache 300 "$T/in" | cmp - "$T/vd.$s"
	done
}

@test "apply, decode -T: 1, 2 and 3 threads write the same bytes over batches of 1 MB; --invalid=fail writes the lines before" {
	# 3 MB of lines: three batches and a part, each cut among the threads
	for i in $(seq 27); do cat "$BPE/en.txt" "$BPE/ko.txt"; done > "$T/in"
	[ "$(wc -c < "$T/in")" -gt 3000000 ] || fail "$(wc -c < "$T/in") bytes"
	nlp-bpe apply --codes "$F/en.m" -T 1 "$T/in" > "$T/t1"
	nlp-vocab "$T/t1" > "$T/v.tsv"
	nlp-bpe apply --codes "$F/en.m" -v "$T/v.tsv" --threshold 50 -T 1 "$T/in" > "$T/v1"
	! cmp -s "$T/v1" "$T/t1" # the threshold splits some pieces
	for n in 2 3; do
		nlp-bpe apply --codes "$F/en.m" --threads $n "$T/in" | cmp - "$T/t1"
		nlp-bpe apply --codes "$F/en.m" -v "$T/v.tsv" --threshold 50 -T $n "$T/in" | cmp - "$T/v1"
		nlp-bpe decode -T $n "$T/t1" | cmp - "$T/in"
	done
	# a bad byte on line 10,000 (in the third batch): the 9,999 lines before it are written, then the message
	{ head -n 9999 "$T/in"; printf 'a\xffb\n'; tail -n 5 "$T/in"; } > "$T/bad"
	run --separate-stderr nlp-bpe apply --codes "$F/en.m" -T 2 --invalid=fail "$T/bad"
	assert_failure 1
	assert_equal "$stderr" "nlp-bpe: $T/bad: line 10000, byte 2: invalid UTF-8"
	head -n 9999 "$T/t1" > "$T/before"
	assert_equal "$output" "$(cat "$T/before")"
	run --separate-stderr nlp-bpe decode -T 3 --invalid=fail "$T/bad"
	assert_failure 1
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 9999 ] || fail "$(printf '%s\n' "$output" | wc -l) lines"
}

@test "apply, decode --progress: the summary on a stderr that is not a terminal, nothing unasked" {
	nlp-bpe apply --codes "$F/en.m" "$BPE/en.txt" > "$T/a" 2> "$T/err"
	[ ! -s "$T/err" ]
	nlp-bpe apply --progress --codes "$F/en.m" "$BPE/en.txt" 2> "$T/err" | cmp - "$T/a"
	run cat "$T/err"
	assert_output --regexp '^nlp-bpe: 300 lines \(.* kB\) read, .* kB written, [0-9.]+ s, peak [0-9.]+ [kMG]?B$'
	nlp-bpe decode "$T/a" > "$T/d" 2> "$T/err"
	[ ! -s "$T/err" ]
	nlp-bpe decode --progress "$T/a" 2> "$T/err" | cmp - "$T/d"
	run cat "$T/err"
	assert_output --regexp '^nlp-bpe: 300 lines \(.* kB\) read, .* kB written, [0-9.]+ s, peak [0-9.]+ [kMG]?B$'
}

# ---- decode ----

@test "decode: a token ending in @@ is joined only to a token after exactly one space; else it passes unchanged" {
	# spec and nlp-bpe(1): "Anything else, blanks and tokens alike, passes unchanged"
	run -0 nlp-bpe decode <<<'x@@'
	assert_output 'x@@'
	run -0 nlp-bpe decode <<<'@@'
	assert_output '@@'
	run -0 nlp-bpe decode <<<$'a@@  b a@@\tb'
	assert_output $'a@@  b a@@\tb'
}

@test "decode: the rules by hand in both styles, and the reference's decode on apply's output and on other text" {
	run -0 nlp-bpe decode <<<'lo@@ west ne@@ w@@ er  a@@ b'
	assert_output 'lowest newer  ab'
	# the escapes: one \ less on a word ending in @@ and \s
	run -0 nlp-bpe decode <<<'x@@ @@\ y@@\\ @@\ \'
	assert_output 'x@@ y@@\ @@ \'
	run -0 nlp-bpe decode --style sentencepiece <<<"${U}lo west ${U}new er  ${U}a	${U}b"
	assert_output "lowest newer  a	b"
	run -0 nlp-bpe decode --style sentencepiece <<<"${U}a \\${U}b \\\\${U}c \\d ${U}${U}"
	assert_output "a${U}b\\${U}c\\d ${U}"
	run -0 nlp-bpe decode --style=sentencepiece <<<"  ${U}a	 b"
	assert_output "  a	 b"
	# the reference agrees on apply's outputs and on text that is not
	# (a token ending in @@ that is not joined: the test above)
	printf '%s\n' 'a b' ' b' 'a@@ b' "${U}a b" "x ${U}a b" "${U}a  b" \
		"${U}a \\${U}b" "\\${U}b" " \\${U}b" "a \\${U}b" "${U}a \\b" 'a@@ b@@ c' \
		'@@ @@ x' 'a@@\ b' 'x@@ \' "${U} ${U}" '@@@ @@ y' 'x@@\ y@@\\' > "$T/dec.txt"
	for s in subword-nmt sentencepiece; do
		nlp-bpe apply --codes "$F/en.m" --style $s "$F/hard-ref.txt"
	done > "$T/applied.txt"
	cat "$T/dec.txt" "$T/applied.txt" "$BPE/en.txt" > "$T/in"
	nlp-bpe decode "$T/in" > "$T/c.snmt"
	nlp-bpe decode --style sentencepiece "$T/in" > "$T/c.sp"
	ref decode "$T/in" -o "$T/r.snmt" \; same "$T/c.snmt" "$T/r.snmt" \; \
		decode -s sentencepiece "$T/in" -o "$T/r.sp" \; same "$T/c.sp" "$T/r.sp"
}

@test "decode(apply(x)) = x on the hard cases, both styles, under no merges, the hard text's own, English and random ones" {
	printf '#version: 0.2\n' > "$T/none.m"
	# (learnt from the lines without NUL: see the test of merges with NUL)
	nlp-bpe learn --min-frequency 1 --merges 400 "$F/hard-ref.txt" > "$T/hard.m" 2>/dev/null
	$PY "$REF" random 6 "$T/rand.m" "$T/rand.txt"
	cat "$BPE/hard.txt" "$T/rand.txt" "$BPE/hard.txt" > "$T/in"
	for m in none hard rand; do
		for s in subword-nmt sentencepiece; do
			nlp-bpe apply --codes "$T/$m.m" --style $s "$T/in" > "$T/a"
			nlp-bpe decode --style $s "$T/a" > "$T/d"
			cmp "$T/d" "$T/in" || fail "$m, $s: decode(apply(x)) is not x"
		done
	done
	for s in subword-nmt sentencepiece; do
		nlp-bpe apply --codes "$F/en.m" --style $s "$F/all.txt" | nlp-bpe decode --style $s | cmp - "$F/all.txt"
	done
	# a lone @@ and the words that end in @@\ and @@\\ become pieces with the marks, and back
	nlp-bpe apply --codes "$T/none.m" <<<'a @@ b' | grep -qF '@@@ @\' || fail "lone @@ not escaped"
}

@test "apply and decode: a 4 MB word, and a 1 MB one in the other style, give themselves back" {
	# (four times the largest buffer, filter.c's 1 MB batch; read(2) asks 256 kB at a time, writes
	# go out 128 kB at a time, and the cache keeps short words only)
	$PY -c 'import sys; sys.stdout.write(("the@@" + "quick\u0301brownfox" + "\ud55c\uad6d\uc5b4" + "\\\u2581") * 125000 + "@@\\\n")' > "$T/big.txt"
	[ "$(wc -c < "$T/big.txt")" -gt 4000000 ]
	timeout 120 nlp-bpe apply --codes "$F/en.m" "$T/big.txt" > "$T/big.out"
	[ "$(wc -l < "$T/big.out")" -eq 1 ]
	grep -qF '@@ ' "$T/big.out" || fail "no pieces"
	timeout 120 nlp-bpe decode "$T/big.out" | cmp - "$T/big.txt"
	rm -f "$T/big.out"
	head -c 1000000 "$T/big.txt" > "$T/mid.txt"
	echo >> "$T/mid.txt"
	timeout 120 nlp-bpe apply --style sentencepiece --codes "$F/ko.m" "$T/mid.txt" | timeout 120 nlp-bpe decode --style sentencepiece | cmp - "$T/mid.txt"
	rm -f "$T/big.txt" "$T/mid.txt"
}

# ---- the merges file's reader, usage, bad input ----

@test "apply --codes: malformed merges files are errors naming the file and line, exit 1" {
	# FILE CONTENT|LINE|WHAT (a part of the message)
	while IFS='|' read -r content line what; do
		printf "$content" > "$T/bad.m"
		run --separate-stderr nlp-bpe apply --codes "$T/bad.m" <<<'x'
		assert_failure 1
		assert_output ''
		if [ -n "$line" ]; then
			[[ "$stderr" == "nlp-bpe: $T/bad.m: line $line: "*"$what"* ]] || fail "$content: $stderr"
		else
			[[ "$stderr" == "nlp-bpe: $T/bad.m: "*"$what"* ]] || fail "$content: $stderr"
		fi
	done <<-'EOF'
	a b\nc d\n|1|#version: 0.2
	#version: 0.1\na b\n|1|#version: 0.2
	#version: 0.2 \na b\n|1|#version: 0.2
	#version: 0.2\na b c\n|2|not a merge
	#version: 0.2\na b\nab\n|3|not a merge
	#version: 0.2\na \n|2|not a merge
	#version: 0.2\n b\n|2|not a merge
	#version: 0.2\n a b\n|2|not a merge
	#version: 0.2\na  b\n|2|not a merge
	#version: 0.2\n\n|2|not a merge
	#version: 0.2\na\tb c\n|2|not a merge
	#version: 0.2\na b\t\n|2|not a merge
	#version: 0.2\na\vb c\n|2|not a merge
	#version: 0.2\na b\nc\xff d\n|3|invalid UTF-8
	#version: 0.2\na \xc3\xa9\xc3\n|2|invalid UTF-8
	||empty
	\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00|1|#version: 0.2
	EOF
	# a compressed merges file is binary too
	printf '#version: 0.2\na b\n' | gzip -c > "$T/gz.m"
	run --separate-stderr nlp-bpe apply --codes "$T/gz.m" <<<'x'
	assert_failure 1
	[[ "$stderr" == "nlp-bpe: $T/gz.m: line 1: "* ]] || fail "$stderr"
}

@test "apply --codes, --vocab, learn and decode: a missing file and a directory are reported, exit 1" {
	printf '#version: 0.2\n' > "$T/m"
	run --separate-stderr nlp-bpe apply --codes /no/such <<<'x'
	assert_failure 1
	assert_equal "$stderr" "nlp-bpe: open /no/such: No such file or directory"
	run --separate-stderr nlp-bpe apply --codes "$T/m" --vocab /no/such <<<'x'
	assert_failure 1
	assert_equal "$stderr" "nlp-bpe: open /no/such: No such file or directory"
	for cmd in "learn" "learn --counts" "apply --codes $T/m" "decode"; do
		run --separate-stderr nlp-bpe $cmd /no/such
		assert_failure 1
		assert_equal "$stderr" "nlp-bpe: open /no/such: No such file or directory"
		run --separate-stderr nlp-bpe $cmd "$T"
		assert_failure 1
		assert_equal "$stderr" "nlp-bpe: read $T: Is a directory"
	done
}

@test "usage: no command, an unknown one or option, bad values: exit 2; -h and --version: exit 0" {
	printf '#version: 0.2\n' > "$T/m"
	printf 'a\t1\n' > "$T/v"
	while read -r args; do
		run --separate-stderr nlp-bpe $args < /dev/null
		[ "$status" -eq 2 ] || fail "nlp-bpe $args: exit $status: $stderr"
		[[ "$stderr" == "nlp-bpe: "* || "$stderr" == "usage: nlp-bpe"* ]] || fail "nlp-bpe $args: $stderr"
		assert_output ''
	done <<-EOF
	
	frob
	--merges 3
	learn --nope
	learn --merges x
	learn -m 10
	learn --merges 10 --vocab-size 100
	learn --vocab-size 0
	learn --min-frequency -1
	learn --codes $T/m
	learn --invalid foo
	apply
	apply -c $T/m
	apply --codes $T/m --style foo
	apply --codes $T/m -s sentencepiece
	apply --codes $T/m --threshold 3
	apply --codes $T/m --vocab $T/v --threshold x
	apply --codes $T/m --cache 1X
	apply --codes $T/m --counts
	decode --codes $T/m
	decode -s sentencepiece
	decode --style
	EOF
	run --separate-stderr nlp-bpe
	[[ "$stderr" == *"usage: nlp-bpe learn"* ]] || fail "$stderr"
	for h in --help "apply -h"; do
		run --separate-stderr nlp-bpe $h
		assert_success
		[[ "$output" == "usage: nlp-bpe "* && "$output" == *"--vocab-size"* ]] || fail "$h: $output"
		assert_equal "$stderr" ""
	done
	run -0 nlp-bpe --version
	[[ "$output" == "nlp-bpe "[0-9]* ]]
}

@test "--invalid: replace (U+FFFD, a warning), skip, fail (exit 1, the line and byte) in learn, apply and decode" {
	printf '#version: 0.2\na b\n' > "$T/m"
	printf 'ab\xffcd ab\n\xc3 x\n' > "$T/bad.txt"
	# replace: each bad byte one U+FFFD, then as any other character
	run --separate-stderr nlp-bpe apply --codes "$T/m" "$T/bad.txt"
	assert_success
	assert_output "$(printf 'ab@@ \xef\xbf\xbd@@ c@@ d a@@ b\n\xef\xbf\xbd x')"
	[[ "$stderr" == *"nlp-bpe: $T/bad.txt: line 1: invalid UTF-8 replaced by U+FFFD"* ]] || fail "$stderr"
	run -0 --separate-stderr nlp-bpe apply --codes "$T/m" --invalid=skip "$T/bad.txt"
	assert_output "$(printf 'ab@@ c@@ d a@@ b\n x')"
	run -0 --separate-stderr nlp-bpe apply --codes "$T/m" --style sentencepiece --invalid skip "$T/bad.txt"
	assert_output "$(printf '\xe2\x96\x81ab c d \xe2\x96\x81a b\n \xe2\x96\x81x')"
	run -0 --separate-stderr nlp-bpe decode "$T/bad.txt"
	assert_output "$(printf 'ab\xef\xbf\xbdcd ab\n\xef\xbf\xbd x')"
	run -0 --separate-stderr nlp-bpe decode --invalid skip "$T/bad.txt"
	assert_output "$(printf 'abcd ab\n x')"
	# learn counts the repaired words: 'a<FFFD>b' x2 has (a <FFFD>) and (<FFFD> b</w>) 2, and
	# U+FFFD > a
	run -0 --separate-stderr nlp-bpe learn <<<$'a\xffb a\xffb'
	assert_output "$(printf '#version: 0.2\n\xef\xbf\xbd b</w>\na \xef\xbf\xbdb</w>')"
	run -0 --separate-stderr nlp-bpe learn --invalid skip <<<$'a\xffb a\xffb'
	assert_output "$(printf '#version: 0.2\na b</w>')"
	for cmd in "learn" "apply --codes $T/m" "apply --codes $T/m --style sentencepiece" "decode" "decode --style sentencepiece"; do
		run --separate-stderr nlp-bpe $cmd --invalid=fail "$T/bad.txt"
		assert_failure 1
		assert_equal "$stderr" "nlp-bpe: $T/bad.txt: line 1, byte 3: invalid UTF-8"
		assert_output ''
	done
	# vocabularies (--counts) are read as nlp-vocab --merge reads them
	printf 'a\xffb\t2\n' > "$T/bad.tsv"
	run --separate-stderr nlp-bpe learn --counts --invalid=fail "$T/bad.tsv"
	assert_failure 1
	[[ "$stderr" == "nlp-bpe: $T/bad.tsv: line 1"*": invalid UTF-8" ]] || fail "$stderr"
	run -0 --separate-stderr nlp-bpe learn --counts "$T/bad.tsv"
	assert_output "$(printf '#version: 0.2\n\xef\xbf\xbd b</w>\na \xef\xbf\xbdb</w>')"
}

@test "apply, decode: a closed output pipe ends quietly; a full disk is an error" {
	printf '#version: 0.2\nt h\n' > "$T/m"
	yes 'the word list goes on' | head -n 100000 > "$T/in"
	for cmd in "apply --codes $T/m" "decode" "learn --merges 3"; do
		run --separate-stderr bash -c "nlp-bpe $cmd '$T/in' | head -n 1"
		assert_success
		[ -n "$output" ] && [ -z "$stderr" ] || fail "$cmd: '$output' '$stderr'"
		[ -w /dev/full ] || continue
		run --separate-stderr bash -c "nlp-bpe $cmd '$T/in' > /dev/full"
		assert_failure 1
		[[ "$stderr" == *"nlp-bpe: write <stdout>: No space left on device" ]] || fail "$cmd: $stderr"
	done
}

# ---- the shared corpora ----

@test "learn: the Penn Treebank's training text (1,000 merges) gives the reference's merges" {
	need_shared ptb/ptb.train.txt
	P="$SHARED_DATA/ptb/ptb.train.txt"
	nlp-bpe learn --merges 1000 "$P" > "$T/ptb.m" 2>/dev/null
	ref learn -m 1000 "$P" -o "$T/ref.m" \; same "$T/ptb.m" "$T/ref.m"
}

@test "learn: 3,000 lines of kowiki tokens (500 merges) give the reference's merges" {
	need_shared kowiki-30M.txt.xz
	# tokens (nlp-tokenize), so that no word holds a Unicode space that nlp-tokenize -c drops
	xz -dc "$SHARED_DATA/kowiki-30M.txt.xz" | head -n 3000 | nlp-tokenize > "$T/ko.txt"
	nlp-bpe learn --merges 500 "$T/ko.txt" > "$T/ko.m" 2>/dev/null
	ref learn -m 500 "$T/ko.txt" -o "$T/ref.m" \; same "$T/ko.m" "$T/ref.m"
}

# The identity on the whole of enwiki-100M's and kowiki-30M's tokens takes minutes under the
# sanitizers: make check runs it on 20,000 lines of each, and the benchmark (bench/) on the whole.
@test "apply then decode is the identity on 20,000 lines of enwiki and of kowiki tokens, both styles" {
	need_shared enwiki-100M.txt.xz
	need_shared kowiki-30M.txt.xz
	local f s
	for f in enwiki-100M kowiki-30M; do
		xz -dc "$SHARED_DATA/$f.txt.xz" | head -n 20000 | nlp-tokenize > "$T/t"
		head -n 2000 "$T/t" | nlp-bpe learn --merges 1000 > "$T/m" 2>/dev/null
		for s in subword-nmt sentencepiece; do
			nlp-bpe apply --codes "$T/m" --style $s "$T/t" | nlp-bpe decode --style $s | cmp - "$T/t" || fail "$f, $s"
		done
	done
}
