#!/usr/bin/env bats
# nlp-rnnlm: recurrent language models (issue 14), on tiny models (8 units, windows of 5 steps, 4
# streams) trained on tests/data/rnnlm (a small grammar of 34 words, see gen.py): the model file
# (magic, the header of the options, the size of nlp-rnnlm-model(5)'s formula, its man page's
# example byte for byte, the word table in count order, -v and --min-count); learning (a
# repeated sentence to a perplexity near 1; every cell and option far below the unigram
# perplexity); score (the line sums and the tokens equal nlp-perplexity's, --words, --reset, each
# file from a zero state, OOVs as <unk>); generate (--count, --seed, --top-k, --temperature,
# --length, --prefix); determinism (same seed, same bytes, whatever -T); the log, the schedule,
# --plateau, --valid and the model kept; usage errors; bad text and damaged models (nlp-rnnlm and
# nlp-perplexity); test-nn's gradient checks; one epoch on the Penn Treebank's first lines (skipped
# visibly without the shared corpora). The layers against PyTorch are tests/rnnlm-parity.bats.

load helper

RD="$DATA/rnnlm"
TRAIN="$RD/train.txt"
VALID="$RD/valid.txt"
TAB=$'\t'
# the tiny configuration most tests train
TINY=(--emb 8 --hidden 8 --layers 1 --bptt 5 --batch 4)

setup_file() {
	command -v nlp-rnnlm >/dev/null || return 0
	# the shared model of score and generate: an LSTM of 10 epochs at a constant rate (valid
	# perplexity near 3: it has learnt, and it still has some entropy to draw from)
	nlp-rnnlm train "${TINY[@]}" --epochs 10 --decay-after 10 -T 1 \
		--output "$BATS_FILE_TMPDIR/m.rnn" "$TRAIN"
	# a deterministic language: one sentence, repeated
	yes 'a b c d e' | head -n 200 > "$BATS_FILE_TMPDIR/rep.txt"
	nlp-rnnlm train "${TINY[@]}" --epochs 5 -T 1 --output "$BATS_FILE_TMPDIR/rep.rnn" \
		"$BATS_FILE_TMPDIR/rep.txt"
}

setup() {
	command -v nlp-rnnlm >/dev/null || skip "nlp-rnnlm is not built"
	T="$BATS_TEST_TMPDIR"
	M="$BATS_FILE_TMPDIR/m.rnn"
	REP="$BATS_FILE_TMPDIR/rep.rnn"
}

# ---- helpers ----

# u32 FILE OFFSET [N]: N (default 1) little-endian u32 fields from OFFSET, separated by spaces.
u32() {
	od -A n -t u4 -j "$2" -N $((4 * ${3:-1})) "$1" | xargs
}

# u64 FILE OFFSET and f64 FILE OFFSET: one field.
u64() {
	od -A n -t u8 -j "$2" -N 8 "$1" | xargs
}
f64() {
	od -A n -t f8 -j "$2" -N 8 "$1" | xargs
}

# header MODEL: the fields of the model's header, "name value" a line, as nlp-rnnlm-model(5)
# names them (reserved: the number of its bytes 48..63 and 136..191 that are not 0), then the
# file's size.
header() {
	$PY - "$1" <<'EOF'
import os, struct, sys
d = open(sys.argv[1], 'rb').read(192)
f = struct.unpack_from('<8s4I2Q', d, 0) + struct.unpack_from('<10I', d, 64) + \
    struct.unpack_from('<2dQd', d, 104)
names = ('magic version bom header tables table_bytes parameters cell layers emb hidden vocab '
         'tied bptt batch epochs variational dropout init seed valid_ppl').split()
for k, v in zip(names, f):
    print(k, v.decode() if isinstance(v, bytes) else v)
print('reserved', sum(1 for b in d[48:64] + d[136:192] if b))
print('size', os.path.getsize(sys.argv[1]))
EOF
}

# vocab_of MODEL: the model's word table, one word a line, in id order.
vocab_of() {
	$PY - "$1" <<'EOF'
import struct, sys
d = open(sys.argv[1], 'rb').read()
n, = struct.unpack_from('<I', d, 192)
at = 196
for _ in range(n):
    k, = struct.unpack_from('<I', d, at)
    sys.stdout.buffer.write(d[at + 4:at + 4 + k] + b'\n')
    at += 4 + k
EOF
}

# ppl MODEL TEXT: the perplexity nlp-perplexity reports (all the digits).
ppl() {
	nlp-perplexity --model "$1" "$2" | sed -n "s/^Perplexity including OOVs:$TAB//p"
}

# near GOT WANT TOL: |GOT - WANT| <= TOL, printing both and the difference.
near() {
	awk -v got="$1" -v want="$2" -v tol="$3" 'BEGIN {
		d = got - want; if (d < 0) d = -d
		printf "got %s want %s diff %.3g (tolerance %s)\n", got, want, d, tol
		exit !(d <= tol) }'
}

# below GOT LIMIT: GOT is a finite number below LIMIT.
below() {
	awk -v got="$1" -v lim="$2" 'BEGIN {
		printf "%s below %s?\n", got, lim
		exit !(got ~ /^[0-9.e+-]+$/ && got + 0 < lim + 0) }'
}

# patch FILE OFFSET BYTES: BYTES (printf's escapes) written over FILE at OFFSET.
patch() {
	printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# refused FILE MESSAGE [MESSAGE2]: nlp-rnnlm score and nlp-perplexity refuse the model FILE with
# "PROGRAM: FILE: MESSAGE" alone on stderr, exit status 1 and nothing on stdout (MESSAGE2, when
# given, is nlp-perplexity's).
refused() {
	local f="$1" msg="$2" pmsg="${3:-$2}"
	run --separate-stderr nlp-rnnlm score --model "$f" <<< 'the cat'
	assert_failure 1
	assert_output ''
	assert_equal "$stderr" "nlp-rnnlm: $f: $msg"
	run --separate-stderr nlp-perplexity --model "$f" <<< 'the cat'
	assert_failure 1
	assert_output ''
	assert_equal "$stderr" "nlp-perplexity: $f: $pmsg"
}

# usage MESSAGE ARGS...: nlp-rnnlm ARGS exits 2, writes nothing on stdout, and its first line on
# stderr is "nlp-rnnlm: MESSAGE".
usage() {
	local msg="$1"
	shift
	run --separate-stderr nlp-rnnlm "$@" < /dev/null
	assert_failure 2
	assert_output ''
	[ "${stderr%%$'\n'*}" = "nlp-rnnlm: $msg" ] ||
		fail "nlp-rnnlm $*: stderr: $stderr"$'\n'"want first line: nlp-rnnlm: $msg"
}

# ---- the model file ----

@test "rnnlm train: the file begins with NLPRNNLM, its header holds the options, its size is nlp-rnnlm-model(5)'s formula" {
	# V = the 34 words of the text + </s> + <unk>; the word table: its count, then per word
	# its length and bytes
	local V tb
	V=$(($(tr -s ' ' '\n' < "$TRAIN" | sort -u | wc -l) + 2))
	tb=$(tr -s ' ' '\n' < "$TRAIN" | sort -u | awk '{ b += 4 + length($0) } END { print 4 + 8 + 9 + b }')
	assert_equal "$V" 36
	# cell G layers emb hidden tied, then the options of the training
	local cfg
	while read -r cfg; do
		read -r cell g L E H tied bptt batch epochs var drop init seed <<<"$cfg"
		local opts=(--cell "$cell" --layers "$L" --emb "$E" --hidden "$H" --bptt "$bptt"
			--batch "$batch" --epochs "$epochs" --dropout "$drop" --init "$init" --seed "$seed")
		[ "$tied" = 1 ] && opts+=(--tie)
		[ "$var" = 1 ] && opts+=(--variational)
		run --separate-stderr nlp-rnnlm train "${opts[@]}" --output "$T/m.rnn" "$TRAIN"
		assert_success
		assert_output ''
		assert_equal "$stderr" ''
		# P = V E + sum over the layers of G H (I + H + 2) + V H (untied) + V; the size: the
		# header, the table, zeros to a multiple of 64, 4 P
		local P=$((V * E + V)) l I cellno
		[ "$tied" = 1 ] || P=$((P + V * H))
		for ((l = 0; l < L; l++)); do
			I=$H
			[ $l -gt 0 ] || I=$E
			P=$((P + g * H * (I + H + 2)))
		done
		case $cell in rnn) cellno=0 ;; lstm) cellno=1 ;; gru) cellno=2 ;; esac
		run header "$T/m.rnn"
		assert_output "$(printf '%s\n' 'magic NLPRNNLM' 'version 1' 'bom 16909060' 'header 192' \
			'tables 1' "table_bytes $tb" "parameters $P" "cell $cellno" "layers $L" "emb $E" \
			"hidden $H" "vocab $V" "tied $tied" "bptt $bptt" "batch $batch" "epochs $epochs" \
			"variational $var" "dropout $drop" "init $init" "seed $seed" 'valid_ppl nan' \
			'reserved 0' "size $(((192 + tb + 63) / 64 * 64 + 4 * P))")"
		echo "$cfg: $P parameters"
	done <<'EOF'
lstm 4 2 8 8 0 5 4 1 0 0.0 0.1 1
gru 3 1 6 10 0 3 2 2 1 0.25 0.05 9
rnn 1 3 8 8 1 7 1 1 0 0.5 0.2 123456789
lstm 4 1 5 5 1 2 3 1 1 0.125 1.0 0
EOF
}

@test "rnnlm train: nlp-rnnlm-model(5)'s example, od's output and the size, exactly" {
	printf 'a b c\nb c a\n' > "$T/tiny.txt"
	nlp-rnnlm train --layers 1 --emb 4 --hidden 4 --bptt 2 --batch 1 --epochs 1 \
		--output "$T/tiny.rnn" "$T/tiny.txt"
	run od -A d -t u4 -N 24 "$T/tiny.rnn"
	assert_output "$(printf '%s\n' '0000000 1380994126 1296846414          1   16909060' \
		'0000016        192          1' '0000024')"
	run od -A d -t u8 -j 24 -N 16 "$T/tiny.rnn"
	assert_output "$(printf '%s\n' '0000024                   36                  205' '0000040')"
	run od -A d -t u4 -j 64 -N 40 "$T/tiny.rnn"
	assert_output "$(printf '%s\n' '0000064          1          1          4          4' \
		'0000080          5          0          2          1' '0000096          1          0' \
		'0000104')"
	run stat -c %s "$T/tiny.rnn"
	assert_output 1076
}

@test "rnnlm train: the vocabulary is </s>, <unk>, then the words by count, most frequent first, ties by bytes" {
	vocab_of "$M" > "$T/got"
	{
		printf '</s>\n<unk>\n'
		tr -s ' ' '\n' < "$TRAIN" | awk '{ c[$0]++ } END { for (w in c) print w "\t" c[w] }' |
			LC_ALL=C sort -t "$TAB" -k2,2nr -k1,1 | cut -f 1
	} > "$T/want"
	assert_same "$T/got" "$T/want"
	# the ties of the text: book and fish (52), reads and seed (51)
	run grep -n -x -e book -e fish -e reads -e seed "$T/got"
	assert_output "$(printf '%s\n' 9:book 10:fish 11:reads 12:seed)"
}

@test "rnnlm train -v: the vocabulary is </s>, <unk>, then the file's words in its order; other words are <unk>" {
	nlp-vocab "$TRAIN" | head -n 5 > "$T/v.tsv"
	run cut -f 1 "$T/v.tsv"
	assert_output "$(printf '%s\n' the . a sees eats)"
	run --separate-stderr nlp-rnnlm train "${TINY[@]}" --epochs 2 -v "$T/v.tsv" --output "$T/v.rnn" "$TRAIN"
	assert_success
	assert_equal "$stderr" ''
	run vocab_of "$T/v.rnn"
	assert_output "$(printf '%s\n' '</s>' '<unk>' the . a sees eats)"
	assert_equal "$(u32 "$T/v.rnn" 80)" 7
	# cat and fish are not in it: scored as <unk>, and counted as OOVs (<unk> itself is a word)
	printf 'the cat eats a fish .\nthe <unk> eats a <unk> .\n' > "$T/s.txt"
	run nlp-rnnlm score --model "$T/v.rnn" --reset "$T/s.txt"
	assert_equal "${lines[0]}" "${lines[1]}"
	run nlp-perplexity --model "$T/v.rnn" "$T/s.txt"
	assert_line -n 0 "file $T/s.txt: 2 sentences, 12 words, 2 OOVs"
	# the file's </s> and <unk> are not added twice; a word not in the text is kept
	printf 'cat\t5\n<unk>\t3\nthe\t2\n</s>\t1\nnotintext\t1\n' > "$T/v2.tsv"
	nlp-rnnlm train "${TINY[@]}" --epochs 1 --vocab "$T/v2.tsv" --output "$T/v2.rnn" "$TRAIN"
	run vocab_of "$T/v2.rnn"
	assert_output "$(printf '%s\n' '</s>' '<unk>' cat the notintext)"
}

@test "rnnlm train --min-count: the words seen fewer times are not in the vocabulary" {
	nlp-rnnlm train "${TINY[@]}" --epochs 1 --min-count 2 --output "$T/m2.rnn" "$TRAIN"
	vocab_of "$T/m2.rnn" > "$T/got"
	# the four words seen once are out, every other one is in
	run grep -c -x -e zebra -e yak -e walrus -e vole "$T/got"
	assert_output 0
	assert_equal "$(wc -l < "$T/got")" 32
	assert_equal "$(u32 "$T/m2.rnn" 80)" 32
	# old is seen 18 times, big 29
	nlp-rnnlm train "${TINY[@]}" --epochs 1 --min-count 19 --output "$T/m19.rnn" "$TRAIN"
	vocab_of "$T/m19.rnn" > "$T/got"
	run grep -x -e old -e big "$T/got"
	assert_output big
	assert_equal "$(wc -l < "$T/got")" 31
}

# ---- learning ----

@test "rnnlm: a repeated sentence ('a b c d e') is learnt: perplexity near 1 (of 7 words), greedy generation repeats it" {
	run --separate-stderr nlp-perplexity --model "$REP" "$BATS_FILE_TMPDIR/rep.txt"
	assert_success
	assert_line -n 0 "file $BATS_FILE_TMPDIR/rep.txt: 200 sentences, 1000 words, 0 OOVs"
	assert_equal "$(u32 "$REP" 80)" 7
	below "$(ppl "$REP" "$BATS_FILE_TMPDIR/rep.txt")" 1.1
	run nlp-rnnlm generate --model "$REP" --top-k 1 --count 3
	assert_output "$(printf 'a b c d e\n%.0s' 1 2 3)"
	run nlp-rnnlm generate --model "$REP" --prefix 'c' --top-k 1
	assert_output 'c d e'
}

@test "rnnlm train: every cell, --tie, --dropout, --variational and adam learn: perplexity below 5 (unigram 19.6, 36 words)" {
	# the shared model is the LSTM's
	below "$(ppl "$M" "$TRAIN")" 5
	local opts
	while read -r opts; do
		run --separate-stderr nlp-rnnlm train "${TINY[@]}" --epochs 10 --decay-after 10 $opts \
			--output "$T/x.rnn" "$TRAIN"
		assert_success
		assert_equal "$stderr" ''
		echo "$opts"
		below "$(ppl "$T/x.rnn" "$TRAIN")" 5
	done <<'EOF'
--cell rnn --lr 0.2
--cell gru --layers 2 --lr 0.3
--tie
--dropout 0.3
--dropout 0.3 --variational
--cell gru --tie --dropout 0.3 --variational --optimizer adam --lr 0.01
EOF
	# adam's default rate is 0.001 (sgd's, 1, is the --log test's); it learns at it too
	nlp-rnnlm train "${TINY[@]}" --epochs 2 --optimizer adam --log "$T/adam.log" --output "$T/x.rnn" "$TRAIN"
	run cut -f 2 "$T/adam.log"
	assert_output "$(printf '%s\n' lr 0.001 0.001)"
	below "$(ppl "$T/x.rnn" "$TRAIN")" 36
}

# ---- score ----

@test "rnnlm score: a line 'log10p TAB tokens' per line; the sums equal nlp-perplexity's logprob and Tokens" {
	{ head -n 10 "$VALID"; echo; echo 'the zzz sees a book .'; echo 'a  dog	chases the fish .'; } > "$T/s.txt"
	run --separate-stderr nlp-rnnlm score --model "$M" "$T/s.txt"
	assert_success
	assert_equal "$stderr" ''
	printf '%s\n' "$output" > "$T/scores"
	assert_equal "${#lines[@]}" 13
	run grep -cvE "^-[0-9]+\.[0-9]{6}$TAB[0-9]+\$" "$T/scores"
	assert_output 0
	# tokens: the words and </s>
	run awk '{ print NF + 1 }' "$T/s.txt"
	assert_equal "$(cut -f 2 "$T/scores")" "$output"
	# from stdin, the same
	run nlp-rnnlm score --model "$M" < "$T/s.txt"
	assert_output "$(cat "$T/scores")"
	nlp-perplexity --model "$M" --json "$T/s.txt" > "$T/report"
	local want tokens
	want=$(sed -n 's/.*"logprob":\([-0-9.e+]*\).*/\1/p' "$T/report")
	tokens=$(sed -n 's/.*"tokens":\([0-9]*\).*/\1/p' "$T/report")
	near "$(awk '{ s += $1 } END { printf "%.6f", s }' "$T/scores")" "$want" 1e-3
	assert_equal "$(awk '{ s += $2 } END { print s }' "$T/scores")" "$tokens"
	assert_equal "$tokens" "$(awk '{ n += NF + 1 } END { print n }' "$T/s.txt")"
}

@test "rnnlm score --words: 'word TAB log10p' per token, </s> included, an empty line after each sentence; they sum to the line's score and equal nlp-perplexity's" {
	{ head -n 5 "$VALID"; echo; echo 'the zzz sees a book .'; } > "$T/s.txt"
	nlp-rnnlm score --model "$M" "$T/s.txt" > "$T/lines"
	nlp-rnnlm score --model "$M" --words "$T/s.txt" > "$T/words" 2> "$T/err"
	assert_equal "$(cat "$T/err")" ''
	# the words: each line's tokens, then </s>, then an empty line
	run awk '{ for (i = 1; i <= NF; i++) print $i; print "</s>"; print "" }' "$T/s.txt"
	assert_equal "$(cut -f 1 "$T/words")" "$output"
	run grep -cvE "^(.+$TAB-[0-9]+\.[0-9]{6})?\$" "$T/words"
	assert_output 0
	# each sentence's sum against its line (values of 6 decimals: within 1e-5)
	run awk -F'\t' 'NR == FNR { if ($0 == "") { n++; sum[n] = s; s = 0 } else s += $2; next }
		{ d = sum[FNR] - $1; if (d < 0) d = -d; if (d > max) max = d }
		END { printf "largest difference %.3g over %d lines\n", max, FNR; exit !(FNR == n && max <= 1e-5) }' \
		"$T/words" "$T/lines"
	echo "$output"
	assert_success
	# and each token's against nlp-perplexity --verbosity word (log10 p of 8 digits)
	nlp-perplexity --model "$M" --verbosity word "$T/s.txt" | head -n "$(wc -l < "$T/s.txt")" |
		tr '\t' '\n' | grep -v '^Total' | awk '{ print $NF }' > "$T/theirs"
	grep -v '^$' "$T/words" | cut -f 2 > "$T/ours"
	assert_equal "$(wc -l < "$T/theirs")" "$(awk '{ n += NF + 1 } END { print n }' "$T/s.txt")"
	run awk '{ d = $1 - $2; if (d < 0) d = -d; if (d > max) max = d }
		END { printf "largest difference %.3g over %d tokens\n", max, NR; exit !(NR > 0 && max <= 1e-6) }' \
		<(paste "$T/ours" "$T/theirs")
	echo "$output"
	assert_success
}

@test "rnnlm score --reset: the first line keeps its score, the later ones change, each as if scored alone" {
	head -n 6 "$VALID" > "$T/s.txt"
	nlp-rnnlm score --model "$M" "$T/s.txt" > "$T/carried"
	run --separate-stderr nlp-rnnlm score --model "$M" --reset "$T/s.txt"
	assert_success
	printf '%s\n' "$output" > "$T/reset"
	assert_equal "$(head -n 1 "$T/reset")" "$(head -n 1 "$T/carried")"
	run awk -F'\t' 'NR > 1 && $1 == $3 { print "line " NR " has the same score: " $0 }' <(paste "$T/carried" "$T/reset")
	assert_output ''
	# the token counts do not change
	assert_equal "$(cut -f 2 "$T/reset")" "$(cut -f 2 "$T/carried")"
	# each line alone in a file, without --reset
	local i
	for i in 1 2 5; do
		sed -n "${i}p" "$T/s.txt" > "$T/one"
		assert_equal "$(nlp-rnnlm score --model "$M" "$T/one")" "$(sed -n "${i}p" "$T/reset")"
	done
}

@test "rnnlm score: each file starts from a zero state with the input </s>, as nlp-perplexity scores it" {
	head -n 3 "$VALID" > "$T/a.txt"
	sed -n 4,5p "$VALID" > "$T/b.txt"
	{ nlp-rnnlm score --model "$M" "$T/a.txt"; nlp-rnnlm score --model "$M" "$T/b.txt"; } > "$T/want"
	run --separate-stderr nlp-rnnlm score --model "$M" "$T/a.txt" "$T/b.txt"
	assert_success
	printf '%s\n' "$output" > "$T/got"
	assert_same "$T/got" "$T/want"
	# stdin as '-' among files
	run nlp-rnnlm score --model "$M" "$T/a.txt" - < "$T/b.txt"
	printf '%s\n' "$output" > "$T/got"
	assert_same "$T/got" "$T/want"
	# nlp-perplexity's total is the sum of both
	near "$(nlp-perplexity --model "$M" --json "$T/a.txt" "$T/b.txt" | tail -n 1 |
		sed -n 's/.*"logprob":\([-0-9.e+]*\).*/\1/p')" \
		"$(awk '{ s += $1 } END { printf "%.6f", s }' "$T/want")" 1e-3
}

@test "rnnlm score: an OOV word is scored as <unk>, printed as given, and nlp-perplexity counts it" {
	printf 'the zzz sees a book .\nthe <unk> sees a book .\n' > "$T/s.txt"
	run --separate-stderr nlp-rnnlm score --model "$M" --reset "$T/s.txt"
	assert_success
	assert_equal "${lines[0]}" "${lines[1]}"
	run nlp-rnnlm score --model "$M" --reset --words "$T/s.txt"
	assert_line -n 1 --regexp "^zzz$TAB-"
	# (bats leaves the empty lines out of lines)
	assert_line -n 8 --regexp "^<unk>$TAB-"
	assert_equal "${lines[1]#zzz}" "${lines[8]#<unk>}"
	run nlp-perplexity --model "$M" "$T/s.txt"
	assert_line -n 0 "file $T/s.txt: 2 sentences, 12 words, 1 OOVs"
	# an empty line is </s> alone
	run nlp-rnnlm score --model "$M" --words <<< ''
	assert_output --regexp "^</s>$TAB-[0-9]+\.[0-9]{6}\$"
	run nlp-rnnlm score --model "$M" <<< ''
	assert_output --regexp "^-[0-9]+\.[0-9]{6}${TAB}1\$"
}

@test "rnnlm score: invalid UTF-8 is replaced with a warning, or refused with --invalid fail" {
	printf 'the \377cat\n' > "$T/bad.txt"
	run --separate-stderr nlp-rnnlm score --model "$M" --words "$T/bad.txt"
	assert_success
	assert_line -n 1 --regexp $'^\xef\xbf\xbdcat\t-'
	assert_equal "$stderr" "nlp-rnnlm: $T/bad.txt: line 1: invalid UTF-8 replaced by U+FFFD (later cases are counted)"
	run --separate-stderr nlp-rnnlm score --model "$M" --invalid fail "$T/bad.txt"
	assert_failure 1
	assert_output ''
	assert_equal "$stderr" "nlp-rnnlm: $T/bad.txt: line 1, byte 5: invalid UTF-8"
}

# ---- generate ----

@test "rnnlm generate: --count lines of vocabulary words; the same seed the same lines, another seed others" {
	run --separate-stderr nlp-rnnlm generate --model "$M" --count 5 --seed 3
	assert_success
	assert_equal "$stderr" ''
	assert_equal "${#lines[@]}" 5
	printf '%s\n' "$output" > "$T/s3"
	# every word is one of the model's, </s> never printed
	vocab_of "$M" | grep -vx '</s>' > "$T/vocab"
	run awk 'NR == FNR { v[$0] = 1; next } { for (i = 1; i <= NF; i++) if (!($i in v)) print "not a word: " $i }' \
		"$T/vocab" "$T/s3"
	assert_output ''
	run nlp-rnnlm generate --model "$M" --count 5 --seed 3
	assert_output "$(cat "$T/s3")"
	run nlp-rnnlm generate --model "$M" --count 5 --seed 4
	assert_equal "${#lines[@]}" 5
	[ "$output" != "$(cat "$T/s3")" ] || fail "seeds 3 and 4 gave the same lines: $output"
	# the default count is 1, and 0 draws none
	run nlp-rnnlm generate --model "$M"
	assert_equal "${#lines[@]}" 1
	run --separate-stderr nlp-rnnlm generate --model "$M" --count 0
	assert_success
	assert_output ''
}

@test "rnnlm generate --top-k 1 and a very low --temperature: the same line for every seed; a high temperature spreads" {
	local s want
	want=$(nlp-rnnlm generate --model "$M" --top-k 1)
	[ -n "$want" ]
	for s in 2 99; do
		run nlp-rnnlm generate --model "$M" --top-k 1 --count 3 --seed $s
		assert_output "$(printf '%s\n' "$want" "$want" "$want")"
		run nlp-rnnlm generate --model "$M" --temperature 0.001 --count 3 --seed $s
		assert_output "$(printf '%s\n' "$want" "$want" "$want")"
	done
	# the number of distinct words in 100 sentences grows with the temperature
	local n05 n1 n3
	n05=$(nlp-rnnlm generate --model "$M" --count 100 --temperature 0.5 | tr ' ' '\n' | sort -u | wc -l)
	n1=$(nlp-rnnlm generate --model "$M" --count 100 | tr ' ' '\n' | sort -u | wc -l)
	n3=$(nlp-rnnlm generate --model "$M" --count 100 --temperature 3 | tr ' ' '\n' | sort -u | wc -l)
	echo "distinct words at temperature 0.5, 1, 3: $n05 $n1 $n3"
	[ "$n05" -lt "$n1" ] && [ "$n1" -lt "$n3" ]
	# --top-k 3 draws among 3 words only at each step: after nothing, 3 first words at most
	run nlp-rnnlm generate --model "$M" --count 50 --top-k 3
	[ "$(cut -d ' ' -f 1 <<<"$output" | sort -u | wc -l)" -le 3 ]
}

@test "rnnlm generate --length bounds the words drawn; --prefix is printed first, as given, and not counted" {
	local n
	run nlp-rnnlm generate --model "$M" --count 30 --temperature 3 --length 2 --seed 5
	assert_equal "${#lines[@]}" 30
	n=$(awk 'NF > 2' <<<"$output" | wc -l)
	assert_equal "$n" 0
	# the bound is reached (at temperature 3, sentences are long)
	[ "$(awk 'NF == 2' <<<"$output" | wc -l)" -gt 0 ]
	# the same draws, cut: the first line is the start of the unbounded first line
	local cut full
	cut=$(nlp-rnnlm generate --model "$M" --temperature 3 --length 2 --seed 5)
	full=$(nlp-rnnlm generate --model "$M" --temperature 3 --seed 5)
	echo "cut: $cut; full: $full"
	[[ "$full" == "$cut"* ]]
	# the prefix (an OOV word in it, printed as given) starts every line; --length after it
	run --separate-stderr nlp-rnnlm generate --model "$M" --count 20 --temperature 3 --prefix 'the  qqq' --length 3
	assert_success
	assert_equal "${#lines[@]}" 20
	run awk '$1 != "the" || $2 != "qqq" || NF > 5' <<<"$output"
	assert_output ''
	run nlp-rnnlm generate --model "$REP" --prefix 'a b' --top-k 1
	assert_output 'a b c d e'
}

# ---- determinism ----

@test "rnnlm train: the same options and seed give the same bytes, -T 1 or -T 2; another seed another model" {
	local opts
	for opts in "" "--cell gru --layers 2 --tie --dropout 0.3 --variational --optimizer adam"; do
		nlp-rnnlm train "${TINY[@]}" --epochs 2 $opts -T 1 --output "$T/a.rnn" "$TRAIN"
		nlp-rnnlm train "${TINY[@]}" --epochs 2 $opts -T 1 --output "$T/b.rnn" "$TRAIN"
		cmp "$T/a.rnn" "$T/b.rnn"
		nlp-rnnlm train "${TINY[@]}" --epochs 2 $opts -T 2 --output "$T/c.rnn" "$TRAIN"
		cmp "$T/a.rnn" "$T/c.rnn"
		nlp-rnnlm train "${TINY[@]}" --epochs 2 $opts -T 1 --seed 2 --output "$T/d.rnn" "$TRAIN"
		! cmp -s "$T/a.rnn" "$T/d.rnn" || fail "seeds 1 and 2 gave the same model ($opts)"
	done
	# score and generate do not depend on -T either
	assert_equal "$(nlp-rnnlm score -T 2 --model "$M" "$VALID")" "$(nlp-rnnlm score -T 1 --model "$M" "$VALID")"
}

@test "rnnlm train: -T 1 and -T 2 give the same bytes when OpenBLAS would use its threads too (1,175 words)" {
	# 400 lines over 2,500 words (1,173 seen): the softmax layer's products of 80 x 1,175 x 8
	# are above OpenBLAS's threshold for threads, where the man page's promise ("a run with a
	# seed repeats bit for bit, whatever --threads") is at stake
	awk 'BEGIN { srand(7); for (i = 0; i < 400; i++) { n = 3 + int(rand() * 6); s = ""
		for (k = 0; k < n; k++) s = s (k ? " " : "") "w" int(rand() * rand() * 2500); print s } }' > "$T/big.txt"
	local o=(--emb 8 --hidden 8 --layers 1 --bptt 10 --batch 8 --epochs 1)
	nlp-rnnlm train "${o[@]}" -T 1 --output "$T/t1.rnn" "$T/big.txt"
	nlp-rnnlm train "${o[@]}" -T 2 --output "$T/t2.rnn" "$T/big.txt"
	assert_equal "$(u32 "$T/t1.rnn" 80)" 1175
	cmp "$T/t1.rnn" "$T/t2.rnn" || fail "-T 1 and -T 2 differ (checksums $(u64 "$T/t1.rnn" 40) and $(u64 "$T/t2.rnn" 40))"
}

# ---- the log, the schedule, validation ----

@test "rnnlm train --log: a header, a line of 6 fields per epoch; the rate 1, 0.5, 0.25 after --decay-after 1 --decay 0.5; valid_ppl nan without --valid" {
	run --separate-stderr nlp-rnnlm train "${TINY[@]}" --epochs 3 --decay-after 1 --decay 0.5 \
		--log "$T/log" --output "$T/m.rnn" "$TRAIN"
	assert_success
	assert_output ''
	assert_equal "$stderr" ''
	run cat "$T/log"
	assert_equal "${#lines[@]}" 4
	assert_line -n 0 "epoch${TAB}lr${TAB}train_ppl${TAB}valid_ppl${TAB}tokens_per_s${TAB}seconds"
	run awk -F'\t' 'NR > 1 && (NF != 6 || $1 != NR - 1 || $3 !~ /^[0-9]+\.[0-9]+$/ || $4 != "nan" ||
		$5 !~ /^[0-9]+\.[0-9]$/ || $6 !~ /^[0-9]+\.[0-9][0-9]$/) { print "bad line " NR ": " $0 }' "$T/log"
	assert_output ''
	run cut -f 2 "$T/log"
	assert_output "$(printf '%s\n' lr 1 0.5 0.25)"
	# the training perplexity falls
	run awk -F'\t' 'NR > 2 && $3 >= prev { print "epoch " $1 ": " $3 " after " prev } { prev = $3 }' "$T/log"
	assert_output ''
	assert_equal "$(f64 "$T/m.rnn" 128)" nan
	assert_equal "$(u32 "$T/m.rnn" 96)" 3
	# the default schedule: 4 epochs at 1, then halved
	nlp-rnnlm train "${TINY[@]}" --epochs 6 --log "$T/log" --output "$T/m.rnn" "$TRAIN"
	run cut -f 2 "$T/log"
	assert_output "$(printf '%s\n' lr 1 1 1 1 0.5 0.25)"
}

@test "rnnlm train --valid: valid_ppl of each epoch; the model kept is the best, its saved perplexity the column's minimum and nlp-perplexity's" {
	run --separate-stderr nlp-rnnlm train "${TINY[@]}" --epochs 4 --valid "$VALID" --log "$T/log" \
		--output "$T/m.rnn" "$TRAIN"
	assert_success
	assert_equal "$stderr" ''
	run awk -F'\t' 'NR > 1 && $4 !~ /^[0-9]+\.[0-9][0-9][0-9][0-9]$/ { print "bad line " NR ": " $0 }' "$T/log"
	assert_output ''
	local saved min
	saved=$(f64 "$T/m.rnn" 128)
	min=$(awk -F'\t' 'NR > 1 && (NR == 2 || $4 < m) { m = $4 } END { print m }' "$T/log")
	assert_equal "$(printf '%.4f' "$saved")" "$min"
	near "$(ppl "$T/m.rnn" "$VALID")" "$saved" "$(awk -v s="$saved" 'BEGIN { print s * 1e-5 }')"
	# a rate of 4 makes epoch 2 worse than epoch 1: the model of epoch 1 is the one kept
	nlp-rnnlm train "${TINY[@]}" --epochs 2 --lr 4 --valid "$VALID" --log "$T/log" \
		--output "$T/m.rnn" "$TRAIN"
	cut -f 1-4 "$T/log"
	run awk -F'\t' 'NR == 3 { exit !($4 > v) } { v = $4 }' "$T/log"
	assert_success
	assert_equal "$(printf '%.4f' "$(f64 "$T/m.rnn" 128)")" "$(awk -F'\t' 'NR == 2 { print $4 }' "$T/log")"
	assert_equal "$(u32 "$T/m.rnn" 96)" 1
	near "$(ppl "$T/m.rnn" "$VALID")" "$(f64 "$T/m.rnn" 128)" \
		"$(awk -v s="$(f64 "$T/m.rnn" 128)" 'BEGIN { print s * 1e-5 }')"
}

@test "rnnlm train --plateau: the rate is halved after each epoch whose valid_ppl is not below the best before it" {
	nlp-rnnlm train "${TINY[@]}" --epochs 8 --lr 4 --decay 1 --plateau --valid "$VALID" \
		--log "$T/log" --output "$T/m.rnn" "$TRAIN"
	cut -f 1-4 "$T/log"
	run awk -F'\t' 'NR == 2 { best = 1e300 }
		NR > 2 { d = $2 - want; if (d < 0) d = -d; if (d > 1e-6 * want) print "epoch " $1 ": lr " $2 ", want " want
			if ($2 < prev) halved++ }
		NR > 1 { want = $2 * ($4 >= best ? 0.5 : 1); if ($4 < best) best = $4; prev = $2 }
		END { if (!halved) print "never halved" }' "$T/log"
	assert_output ''
}

# ---- usage ----

@test "rnnlm: usage errors exit 2 with the reason" {
	usage '--plateau needs --valid' train --plateau --output "$T/x" "$TRAIN"
	usage '--min-count builds a vocabulary; -v gives one' train -v "$T/v" --min-count 2 --output "$T/x" "$TRAIN"
	usage '--tie needs --emb (8) to equal --hidden (10)' train --tie --emb 8 --hidden 10 --output "$T/x" "$TRAIN"
	usage "--cell: 'elman' is not rnn, lstm or gru" train --cell elman --output "$T/x" "$TRAIN"
	usage "--optimizer: 'rmsprop' is not sgd or adam" train --optimizer rmsprop --output "$T/x" "$TRAIN"
	usage 'train: which --output file?' train "$TRAIN"
	usage "--layers: value '17' is too large (expected 1..16)" train --layers 17 --output "$T/x" "$TRAIN"
	usage "unknown command 'frobnicate': train, score or generate" frobnicate
	assert_equal "$(sed -n 2p <<<"$stderr")" "usage: $(nlp-rnnlm --help | head -n 1 | cut -c 8-)"
	usage 'which command? train, score or generate'
	usage 'score: which --model?' score "$VALID"
	usage 'generate: which --model?' generate
	usage 'generate reads no files' generate --model "$M" "$VALID"
	# nothing was written
	[ ! -e "$T/x" ]
}

@test "rnnlm: an unknown option or a missing argument of a subcommand: exit 2, the message begins with nlp-rnnlm:" {
	usage "unrecognized option '--bogus'" train --bogus --output "$T/x" "$TRAIN"
	usage "option '--model' requires an argument" score --model
	usage "unrecognized option '--words'" generate --model "$M" --words
}

@test "rnnlm --help and each subcommand's: the usage on stdout, exit 0; --version" {
	run --separate-stderr nlp-rnnlm --help
	assert_success
	assert_equal "$stderr" ''
	assert_line -n 0 --regexp '^usage: nlp-rnnlm train --output model '
	assert_line -n 1 --regexp '^       nlp-rnnlm score --model model '
	assert_line -n 2 --regexp '^       nlp-rnnlm generate --model model '
	assert_line --regexp '^ +--top-k K '
	local sub
	for sub in train score generate; do
		run --separate-stderr nlp-rnnlm $sub --help
		assert_success
		assert_equal "$stderr" ''
		assert_line -n 0 --regexp "^usage: nlp-rnnlm $sub "
		assert_line --regexp '^ +--temperature T '
	done
	run --separate-stderr nlp-rnnlm --version
	assert_success
	assert_output --regexp '^nlp-rnnlm [0-9]'
}

# ---- bad input ----

@test "rnnlm train: an empty or too short text: exit 1, too few tokens, no model written" {
	: > "$T/empty.txt"
	run --separate-stderr nlp-rnnlm train "${TINY[@]}" --output "$T/e.rnn" "$T/empty.txt"
	assert_failure 1
	assert_output ''
	assert_equal "$stderr" 'nlp-rnnlm: 0 tokens of training text: too few for 4 streams of at least 2'
	# 'a b' and its </s>: 3 tokens
	run --separate-stderr nlp-rnnlm train "${TINY[@]}" --output "$T/e.rnn" <<< 'a b'
	assert_failure 1
	assert_equal "$stderr" 'nlp-rnnlm: 3 tokens of training text: too few for 4 streams of at least 2'
	run ls "$T/e.rnn" "$T/e.rnn.tmp"
	assert_failure
}

@test "rnnlm train: invalid UTF-8 with --invalid fail, in the text or the --valid text, and a missing file: exit 1" {
	printf 'the cat\nthe \377cat sees\n' > "$T/bad.txt"
	run --separate-stderr nlp-rnnlm train "${TINY[@]}" --invalid fail --output "$T/e.rnn" "$T/bad.txt"
	assert_failure 1
	assert_output ''
	assert_equal "$stderr" "nlp-rnnlm: $T/bad.txt: line 2, byte 5: invalid UTF-8"
	run --separate-stderr nlp-rnnlm train "${TINY[@]}" --invalid fail --valid "$T/bad.txt" --output "$T/e.rnn" "$TRAIN"
	assert_failure 1
	assert_equal "$stderr" "nlp-rnnlm: $T/bad.txt: line 2, byte 5: invalid UTF-8"
	run --separate-stderr nlp-rnnlm train "${TINY[@]}" --output "$T/e.rnn" "$T/missing.txt"
	assert_failure 1
	assert_equal "$stderr" "nlp-rnnlm: open $T/missing.txt: No such file or directory"
	[ ! -e "$T/e.rnn" ]
}

@test "rnnlm train: invalid UTF-8 is replaced by default, with a warning" {
	printf 'the cat\nthe \377cat sees\n' > "$T/bad.txt"
	run --separate-stderr nlp-rnnlm train "${TINY[@]}" --epochs 1 --batch 1 --output "$T/r.rnn" "$T/bad.txt"
	assert_success
	assert_equal "$stderr" "nlp-rnnlm: $T/bad.txt: line 2: invalid UTF-8 replaced by U+FFFD (later cases are counted)"
	run vocab_of "$T/r.rnn"
	assert_line $'\xef\xbf\xbdcat'
}

@test "rnnlm: a damaged or foreign model is refused by score and nlp-perplexity (and generate), naming the file and the reason" {
	local size
	size=$(stat -c %s "$M")
	head -c $((size - 1)) "$M" > "$T/cut.rnn"
	refused "$T/cut.rnn" "truncated: the header gives $size bytes, the file has $((size - 1))"
	{ cat "$M"; printf 'more'; } > "$T/long.rnn"
	refused "$T/long.rnn" "bytes after the end: the header gives $size bytes, the file has $((size + 4))"
	# one parameter byte changed: the checksum
	cp "$M" "$T/flip.rnn"
	local b
	b=$(od -A n -t u1 -j $((size - 10)) -N 1 "$M" | xargs)
	patch "$T/flip.rnn" $((size - 10)) "\\$(printf %03o $((b ^ 0x10)))"
	! cmp -s "$M" "$T/flip.rnn"
	refused "$T/flip.rnn" 'the checksum does not match: the file is damaged'
	run --separate-stderr nlp-rnnlm generate --model "$T/flip.rnn"
	assert_failure 1
	assert_output ''
	assert_equal "$stderr" "nlp-rnnlm: $T/flip.rnn: the checksum does not match: the file is damaged"
	cp "$M" "$T/version.rnn"
	patch "$T/version.rnn" 8 '\002'
	refused "$T/version.rnn" 'an nlp-rnnlm model of version 2; this reader reads version 1'
	cp "$M" "$T/cell.rnn"
	patch "$T/cell.rnn" 64 '\003'
	refused "$T/cell.rnn" 'cell 3 is not 0 (rnn), 1 (lstm) or 2 (gru)'
	# foreign files: nlp-rnnlm takes no ARPA file, nlp-perplexity no text
	run --separate-stderr nlp-rnnlm score --model "$DATA/lm/tiny.arpa" <<< 'a'
	assert_failure 1
	assert_output ''
	assert_equal "$stderr" "nlp-rnnlm: $DATA/lm/tiny.arpa: not an nlp-rnnlm model (no NLPRNNLM at its start)"
	refused "$TRAIN" 'not an nlp-rnnlm model (no NLPRNNLM at its start)' 'no \data\ line: not an ARPA file'
	run --separate-stderr nlp-rnnlm score --model "$T/missing.rnn" <<< 'a'
	assert_failure 1
	assert_equal "$stderr" "nlp-rnnlm: open $T/missing.rnn: No such file or directory"
}

@test "rnnlm: a header whose vocabulary is not the word table's count is refused with both numbers" {
	cp "$M" "$T/v.rnn"
	patch "$T/v.rnn" 80 '\005'
	refused "$T/v.rnn" 'the header gives 5 words, the word table has 36'
	# tied with emb 6 and hidden 8
	nlp-rnnlm train --emb 6 --hidden 8 --layers 1 --bptt 5 --batch 4 --epochs 1 --output "$T/t.rnn" "$TRAIN"
	patch "$T/t.rnn" 84 '\001'
	refused "$T/t.rnn" 'tied weights need the embedding size (6) to be the hidden size (8)'
}

# ---- nlp-perplexity ----

@test "rnnlm: nlp-perplexity --model model.rnn --json: no order member, the text report's logprob and tokens; --save-binary exits 2" {
	{ head -n 8 "$VALID"; echo 'the zzz sees a book .'; } > "$T/s.txt"
	run --separate-stderr nlp-perplexity --model "$M" --json "$T/s.txt"
	assert_success
	assert_equal "$stderr" ''
	assert_equal "${#lines[@]}" 1
	assert_output --regexp "^\\{\"model\":\"$M\",\"bos\":true,\"eos\":true,\"file\":\"$T/s.txt\",\"sentences\":9,"
	refute_output --partial '"order"'
	local json text
	json=$(sed -n 's/.*"logprob":\([-0-9.e+]*\),.*/\1/p' <<<"$output")
	assert_output --partial '"oovs":1,'
	run nlp-perplexity --model "$M" "$T/s.txt"
	text=$(sed -n 's/.* logprob= \([-0-9.e+]*\) .*/\1/p' <<<"$output")
	assert_line -n 5 "Tokens:${TAB}$(awk '{ n += NF + 1 } END { print n }' "$T/s.txt")"
	# the text report has 6 significant digits
	near "$json" "$text" 1e-3
	near "$json" "$(nlp-rnnlm score --model "$M" "$T/s.txt" | awk '{ s += $1 } END { printf "%.6f", s }')" 1e-4
	# a recurrent model has no binary n-gram form
	run --separate-stderr nlp-perplexity --model "$M" --save-binary "$T/x" < /dev/null
	assert_failure 2
	assert_output ''
	[ "${stderr%%$'\n'*}" = "nlp-perplexity: --save-binary writes n-gram models; $M is an nlp-rnnlm model" ]
	[ ! -e "$T/x" ]
}

# ---- gradients ----

@test "rnnlm: test-nn gradcheck: every gradient of every cell, tied, with dropout, and the softmax cross-entropy within tolerance" {
	command -v test-nn >/dev/null || skip "test-nn is not built"
	run --separate-stderr test-nn gradcheck
	assert_success
	assert_equal "$stderr" ''
	run grep -cv '^ok ' <<<"$output"
	assert_output 0
	run test-nn gradcheck
	local what
	for what in 'rnn emb' 'rnn out.w' 'lstm 1.w_hh' 'gru 0.b_hh' 'rnn tied' 'lstm tied' 'gru tied' \
		'lstm dropout' 'gru tied dropout variational' 'softmax cross-entropy'; do
		assert_line --partial "ok gradcheck $what"
	done
}

@test "rnnlm: test-nn h0grad: the gradient at the state before the window (dh0, dc0) of each cell, with and without recurrent dropout" {
	command -v test-nn >/dev/null || skip "test-nn is not built"
	run --separate-stderr test-nn h0grad
	assert_success
	assert_equal "$stderr" ''
	echo "# largest error: $(awk '{print $NF}' <<<"$output" | sort -g | tail -n 1)" >&3
	run grep -cv '^ok ' <<<"$output"
	assert_output 0
	run test-nn h0grad
	local what
	for what in 'rnn' 'rnn recurrent-dropout' 'lstm' 'lstm recurrent-dropout' 'gru' \
		'gru recurrent-dropout'; do
		assert_line --partial "ok h0grad $what:"
	done
}

# ---- the Penn Treebank ----

@test "rnnlm: one epoch of a tiny LSTM on 2,000 lines of the Penn Treebank, 200 to validate: valid ppl below the vocabulary and the training ppl" {
	need_shared ptb/ptb.train.txt
	need_shared ptb/ptb.valid.txt
	head -n 2000 "$SHARED_DATA/ptb/ptb.train.txt" > "$T/train.txt"
	head -n 200 "$SHARED_DATA/ptb/ptb.valid.txt" > "$T/valid.txt"
	run --separate-stderr nlp-rnnlm train --emb 16 --hidden 16 --layers 1 --bptt 10 --batch 8 \
		--epochs 1 -T 1 --valid "$T/valid.txt" --log "$T/log" --output "$T/ptb.rnn" "$T/train.txt"
	assert_success
	assert_equal "$stderr" ''
	cat "$T/log"
	local V train valid
	V=$(u32 "$T/ptb.rnn" 80)
	# the words of the 2,000 lines (<unk> among them) and </s>
	assert_equal "$V" $(($(tr ' ' '\n' < "$T/train.txt" | grep . | sort -u | wc -l) + 1))
	train=$(awk -F'\t' 'NR == 2 { print $3 }' "$T/log")
	valid=$(awk -F'\t' 'NR == 2 { print $4 }' "$T/log")
	below "$valid" "$V"
	below "$valid" "$train"
	assert_equal "$(printf '%.4f' "$(f64 "$T/ptb.rnn" 128)")" "$valid"
}

@test "rnnlm train: a run that diverges stops with exit 1 and writes no model" {
	run --separate-stderr nlp-rnnlm train "${TINY[@]}" --cell rnn --lr 1000 --clip 0 --epochs 2 \
		--output "$T/div.rnn" "$TRAIN"
	assert_failure 1
	assert_equal "$stderr" 'nlp-rnnlm: epoch 1: the training loss is not finite: the model diverged (a lower --lr or --clip may help)'
	[ ! -e "$T/div.rnn" ]
}

@test "nlp-perplexity still reads an n-gram model from a pipe (an nlp-rnnlm model is told apart in a regular file only)" {
	run --separate-stderr nlp-perplexity --model <(cat "$DATA/lm/tiny.arpa") <<< 'a b'
	assert_success
	assert_line --index 0 'file -: 1 sentences, 2 words, 0 OOVs'
}
