#!/usr/bin/env bats
# nlp-lm: n-gram models against tests/lm_ref.py, an independent Python implementation of issue
# 13's definitions (its modified Kneser-Ney matches KenLM's lmplz on PTB; see bench/README.md):
# modified Kneser-Ney by hand on the notes' sentences; every method and form at orders 1 to 4
# within 1e-4 in log10; every context of every model summing to 1; --prune, --vocab, <unk>;
# empty and one-line input and the discount fallback; -C count files of shards; the ARPA layout;
# sampling; the binary form through nlp-perplexity; bad options. Each test starts Python once
# (lm_ref.py runs many commands separated by ';').

load helper

LM="$DATA/lm"
REF="$NLP_TOP/tests/lm_ref.py"
SMALL="$LM/small.txt"

setup() {
	command -v nlp-lm >/dev/null || skip "nlp-lm is not built"
	T="$BATS_TEST_TMPDIR"
}

# ref ARGS: lm_ref.py with its commands; shows its lines (the largest differences) in the log.
ref() {
	run $PY "$REF" "$@"
	printf '%s\n' "$output"
	assert_success
}

# entry FILE NGRAM: "log10p log10bow" of NGRAM in the ARPA FILE (bow empty when it has none).
entry() {
	awk -F'\t' -v g="$2" '$2 == g && /^-?[0-9]/ { print $1, $3; found = 1; exit }
		END { if (!found) print "absent" }' "$1"
}

# near GOT WANT: |GOT - WANT| <= 1e-4 (log10 values), printing both.
near() {
	awk -v got="$1" -v want="$2" 'BEGIN {
		d = got - want; if (d < 0) d = -d
		printf "got %s want %.7f diff %.2g\n", got, want, d
		exit !(d <= 1e-4) }'
}

# log10 EXPR: log10 of an arithmetic expression (awk's).
log10() {
	awk "BEGIN { printf \"%.9f\", log($1) / log(10) }"
}

@test "lm: modified Kneser-Ney by hand: the notes' 'you say goodbye' sentences, order 2" {
	# hand.txt (5 sentences, 37 tokens with </s>):
	#   you say goodbye and i say hello . (twice) / i say goodbye . / goodbye i say . / hello you .
	# V = . </s> and goodbye hello i say you <unk>: |V| = 9.
	# Unigrams use N1+(. w), the number of distinct words before w:
	#   . 4 (goodbye hello say you)  </s> 1  and 1  goodbye 2 (say <s>)  hello 2 (say <s>)
	#   i 3 (and goodbye <s>)  say 2 (i you)  you 2 (<s> hello)  <unk> 0;  S = 17
	#   t1 = 2, t2 = 4, t3 = 1, t4 = 1; Y = 2 / (2 + 2*4) = 0.2
	#   D1 = 1 - 2*0.2*4/2 = 0.2, D2 = 2 - 3*0.2*1/4 = 1.85, D3 = 3 - 4*0.2*1/1 = 2.2
	#   gamma() = (0.2*2 + 1.85*4 + 2.2*2) / 17 = 12.2/17; p(w) = (a - D(a))/17 + 12.2/(17*9)
	#   p(.) = 1.8/17 + 12.2/153 = 28.4/153; p(say) = p(goodbye) = 0.15/17 + 12.2/153 = 13.55/153;
	#   p(<unk>) = 12.2/153
	# Bigrams (the top order) use their counts: 1: <s> goodbye, <s> hello, <s> i, goodbye .,
	#   goodbye i, hello you, say ., you . (t1 = 8); 2: <s> you, and i, goodbye and, hello .,
	#   say hello, you say (t2 = 6); 3: say goodbye (t3 = 1); 4: i say (t4 = 1); 5: . </s>
	#   Y = 8 / (8 + 2*6) = 0.4; D1 = 1 - 2*0.4*6/8 = 0.4, D2 = 2 - 3*0.4*1/6 = 1.8,
	#   D3 = 3 - 4*0.4*1/1 = 1.4
	# Context "say": . 1, goodbye 3, hello 2; S = 6; gamma = (0.4 + 1.8 + 1.4)/6 = 0.6
	#   p(goodbye | say) = (3 - 1.4)/6 + 0.6 * 13.55/153; p(hello | say) = (2 - 1.8)/6 + 0.6 * 13.55/153
	# Context "i": say 4; S = 4; gamma = 1.4/4 = 0.35; p(say | i) = (4 - 1.4)/4 + 0.35 * 13.55/153
	# Context "<s>": goodbye 1, hello 1, i 1, you 2; S = 5; gamma = (3*0.4 + 1.8)/5 = 0.6
	#   p(you | <s>) = (2 - 1.8)/5 + 0.6 * 13.55/153
	run --separate-stderr nlp-lm -n 2 "$LM/hand.txt"
	assert_success
	assert_equal "$stderr" ""
	printf '%s\n' "$output" > "$T/hand.arpa"
	check() { # NGRAM PROB_EXPR [BOW_EXPR]
		read -r p b <<<"$(entry "$T/hand.arpa" "$1")"
		echo "$1: $p $b"
		near "$p" "$(log10 "$2")"
		if [ -n "${3:-}" ]; then near "$b" "$(log10 "$3")"; fi
	}
	check . 28.4/153
	check say 13.55/153 0.6
	check '<unk>' 12.2/153
	read -r p b <<<"$(entry "$T/hand.arpa" '<s>')"
	assert_equal "$p" -99
	near "$b" "$(log10 0.6)"
	check i "0.8/17 + 12.2/153" 0.35
	check 'say goodbye' "1.6/6 + 0.6*13.55/153"
	check 'say hello' "0.2/6 + 0.6*13.55/153"
	check 'i say' "2.6/4 + 0.35*13.55/153"
	check '<s> you' "0.2/5 + 0.6*13.55/153"
	# and the whole model against the reference
	ref estimate -n 2 --output "$T/ref.arpa" "$LM/hand.txt" \; compare "$T/hand.arpa" "$T/ref.arpa" \; sum "$T/hand.arpa"
}

@test "lm: every method and form at orders 1-4 equals the reference within 1e-4 in log10" {
	local cmds=() m f n
	for m in mkn kn abs wb katz addk; do
		for f in --interpolate --backoff; do
			case $m$f in katz--interpolate | addk--interpolate) continue ;; esac
			for n in 1 2 3 4; do
				# the discounts of small.txt are defined for mkn, kn and abs (no warning
				# then); some of Good-Turing's coefficients are unusable at orders 1 and 4
				# (Katz warns, and does not discount those counts)
				run --separate-stderr nlp-lm --smoothing $m $f -n $n --output "$T/$m$f$n.arpa" "$SMALL"
				assert_success
				if [ $m != katz ]; then
					assert_equal "$stderr" ""
				else
					[ -z "$(grep -v '^nlp-lm: warning: ' <<<"$stderr")" ]
				fi
				cmds+=(estimate --smoothing $m $f -n $n --output "$T/ref.$m$f$n.arpa" "$SMALL" \;
					compare "$T/$m$f$n.arpa" "$T/ref.$m$f$n.arpa" \;)
			done
		done
	done
	# addk with another k; the default form of each method
	nlp-lm --smoothing addk --add 0.25 "$SMALL" > "$T/addk.25.arpa"
	nlp-lm --smoothing wb "$SMALL" > "$T/wb.arpa"
	nlp-lm "$SMALL" > "$T/default.arpa"
	ref "${cmds[@]}" estimate --smoothing addk --add 0.25 --output "$T/ref.addk.25.arpa" "$SMALL" \; \
		compare "$T/addk.25.arpa" "$T/ref.addk.25.arpa" \; \
		compare "$T/wb.arpa" "$T/ref.wb--interpolate3.arpa" \; \
		compare "$T/default.arpa" "$T/ref.mkn--interpolate3.arpa"
	[ "$(grep -c '^compare' <<<"$output")" -eq 43 ]
}

@test "lm: the probabilities of every context sum to 1 within 1e-4, every method and form (order 3)" {
	local files=() m f
	for m in mkn kn abs wb katz addk; do
		for f in --interpolate --backoff; do
			case $m$f in katz--interpolate | addk--interpolate) continue ;; esac
			nlp-lm --discount-fallback --smoothing $m $f "$SMALL" > "$T/$m$f.arpa" 2>/dev/null
			files+=("$T/$m$f.arpa")
		done
	done
	# with pruning and a closed vocabulary too
	nlp-lm --prune 0,1 -n 4 "$SMALL" > "$T/pruned.arpa"
	nlp-lm --smoothing katz --prune 0,1,2 "$SMALL" > "$T/katz-pruned.arpa" 2>/dev/null
	cut -d' ' -f1-3 "$SMALL" | nlp-vocab > "$T/vocab"
	nlp-lm --smoothing wb --vocab "$T/vocab" "$SMALL" > "$T/closed.arpa"
	ref sum "${files[@]}" "$T/pruned.arpa" "$T/katz-pruned.arpa" "$T/closed.arpa"
	[ "$(grep -c '^sum' <<<"$output")" -eq 13 ]
}

@test "lm --prune: n-grams counted at most Tn times are left out, their mass goes to the back-off (= reference)" {
	nlp-ngram --markers --min-n 1 --max-n 4 --counts "$SMALL" > "$T/counts"
	local cmds=() p m f
	for p in 0,1 0,0,1 0,1,1,2 0,2; do
		for m in mkn wb katz; do
			for f in --interpolate --backoff; do
				[ "$m$f" != katz--interpolate ] || continue
				nlp-lm --discount-fallback -n 4 --smoothing $m $f --prune $p --output "$T/$m$f$p.arpa" "$SMALL" 2>/dev/null
				cmds+=(estimate --discount-fallback -n 4 --smoothing $m $f --prune $p --output "$T/ref.$m$f$p.arpa" "$SMALL" \;
					compare "$T/$m$f$p.arpa" "$T/ref.$m$f$p.arpa" \;)
			done
		done
	done
	ref "${cmds[@]}"
	# --prune 0,1,1,2: no bigram or trigram seen once, no 4-gram seen twice or less is left;
	# every bigram seen twice is; unigrams are never pruned (that a context whose children all
	# went keeps its weight, the comparison with the reference checks)
	a="$T/mkn--interpolate0,1,1,2.arpa"
	awk -F'\t' 'FILENAME == ARGV[1] { c[$1] = $2; next }
		/^\\[0-9]-grams:/ { n = substr($0, 2, 1) + 0; next }
		n > 0 && NF >= 2 { seen[$2] = 1; if ((n == 2 || n == 3) && c[$2] < 2 || n == 4 && c[$2] < 3) bad++ }
		END { for (g in c) { k = split(g, w, " ")
			if (k == 2 && c[g] >= 2 && !(g in seen)) lost++
			if (k == 1 && !(g in seen)) lost++ }
		print bad + 0, lost + 0; exit (bad + lost > 0) }' "$T/counts" "$a"
	[ "$(grep -c . "$a")" -lt "$(nlp-lm -n 4 "$SMALL" | grep -c .)" ]
}

@test "lm --vocab: tokens outside the file become <unk>; its unseen words are unigrams (= reference)" {
	nlp-vocab --min-count 3 "$SMALL" > "$T/vocab.tsv"
	printf 'zebra\t0\n' >> "$T/vocab.tsv"
	cut -f 1 "$T/vocab.tsv" > "$T/vocab.list"
	nlp-lm --discount-fallback --vocab "$T/vocab.tsv" "$SMALL" > "$T/tsv.arpa" 2>/dev/null
	nlp-lm --smoothing wb --vocab "$T/vocab.tsv" "$SMALL" > "$T/wb.arpa"
	nlp-lm --smoothing addk --vocab "$T/vocab.tsv" -n 2 "$SMALL" > "$T/addk.arpa"
	ref estimate --discount-fallback --vocab "$T/vocab.tsv" --output "$T/ref.arpa" "$SMALL" \; \
		compare "$T/tsv.arpa" "$T/ref.arpa" \; \
		estimate --smoothing wb --vocab "$T/vocab.tsv" --output "$T/ref.wb.arpa" "$SMALL" \; \
		compare "$T/wb.arpa" "$T/ref.wb.arpa" \; \
		estimate --smoothing addk -n 2 --vocab "$T/vocab.tsv" --output "$T/ref.addk.arpa" "$SMALL" \; \
		compare "$T/addk.arpa" "$T/ref.addk.arpa" \; sum "$T/tsv.arpa" "$T/wb.arpa" "$T/addk.arpa"
	# the unigrams are the file's words, <s>, </s> and <unk>; zebra, never seen, has one
	awk '/^\\1-grams:/ { on = 1; next } /^\\2-grams:/ { exit } on && NF { print $2 }' "$T/tsv.arpa" | sort > "$T/got"
	{ cat "$T/vocab.list"; printf '%s\n' '<s>' '</s>' '<unk>'; } | sort -u > "$T/want"
	assert_same "$T/got" "$T/want"
	# the file is nlp-vocab's (the spec's amendment): a bare list of words is refused, with the
	# file and line; -v is --vocab
	run --separate-stderr nlp-lm --discount-fallback --vocab "$T/vocab.list" "$SMALL"
	assert_failure 1
	assert_output ""
	[[ "$stderr" == "nlp-lm: $T/vocab.list: line 1: "* ]]
	nlp-lm --discount-fallback -v "$T/vocab.tsv" --output "$T/v.arpa" "$SMALL" 2>/dev/null
	assert_same "$T/v.arpa" "$T/tsv.arpa"
}

@test "lm: <unk> in the corpus is an ordinary word; without it, a unigram of count 0 (= reference)" {
	sed 's/\br1\b/<unk>/g' "$SMALL" > "$T/unk.txt"
	[ "$(grep -o '<unk>' "$T/unk.txt" | wc -l)" -ge 3 ]
	nlp-lm "$T/unk.txt" > "$T/unk.arpa"
	nlp-lm "$SMALL" > "$T/plain.arpa"
	ref estimate --output "$T/ref.unk.arpa" "$T/unk.txt" \; compare "$T/unk.arpa" "$T/ref.unk.arpa" \; \
		estimate --output "$T/ref.plain.arpa" "$SMALL" \; compare "$T/plain.arpa" "$T/ref.plain.arpa"
	# counted, <unk> has bigrams and a weight; unseen, only its unigram, p(<unk>) = gamma() / |V|,
	# below every seen word's
	grep -qP '\t<unk> ' "$T/unk.arpa"
	if grep -P '\t<unk> |\t\S+ <unk>(\t|$)' "$T/plain.arpa"; then fail "<unk> in an n-gram"; fi
	read -r pu bu <<<"$(entry "$T/plain.arpa" '<unk>')"
	[ -z "$bu" ]
	awk -F'\t' -v pu="$pu" '/^\\1-grams:/ { on = 1; next } /^\\2-grams:/ { exit }
		on && NF > 1 && $2 != "<unk>" && $2 != "<s>" && $1 + 0 <= pu + 0 { print "below <unk>: " $0; bad = 1 }
		END { exit bad }' "$T/plain.arpa"
}

@test "lm: empty input (the uniform model); an empty line; one line needs --discount-fallback for mkn (exit 1 without it)" {
	# no sentence: an empty input gives a valid model, uniform over </s> and <unk>, every order
	# empty; the same for every method
	for m in mkn kn abs wb katz addk; do
		run --separate-stderr nlp-lm --smoothing $m /dev/null
		assert_success
		assert_equal "$stderr" ""
		assert_equal "$(printf '%s\n' "$output" | head -n 4 | tr '\n' ' ')" '\data\ ngram 1=3 ngram 2=0 ngram 3=0 '
		assert_line -- $'-0.30103\t</s>'
		assert_line -- $'-99\t<s>'
		assert_line -- $'-0.30103\t<unk>'
	done
	# one sentence: every count is 1, the discounts are undefined
	printf 'a b c\n' > "$T/one.txt"
	run --separate-stderr nlp-lm "$T/one.txt"
	assert_failure 1
	assert_output ""
	[[ "$stderr" == "nlp-lm: "*"--discount-fallback"* ]]
	[ "${#stderr_lines[@]}" -eq 1 ]
	# Katz (SRILM's rule): d(1) = 2 t2 / t1 = 0 is unusable, so nothing is discounted, with a
	# warning for each order, and <unk> gets nothing
	run --separate-stderr nlp-lm --smoothing katz --output "$T/katz.arpa" "$T/one.txt"
	assert_success
	[ "${#stderr_lines[@]}" -eq 3 ]
	[[ "${stderr_lines[0]}" == "nlp-lm: warning: "* ]]
	assert_equal "$(entry "$T/katz.arpa" '<unk>')" "-99 "
	# kn and abs: D = t1 / (t1 + 2 t2) = 1 is defined; wb and addk have no discounts
	for m in kn abs wb addk; do
		run --separate-stderr nlp-lm --smoothing $m --output "$T/$m.arpa" "$T/one.txt"
		assert_success
		assert_equal "$stderr" ""
	done
	run --separate-stderr nlp-lm --discount-fallback --output "$T/one.arpa" "$T/one.txt"
	assert_success
	[[ "$stderr" == "nlp-lm: warning: "* ]]
	# an empty line is the sentence <s> </s>: no trigram at all
	printf '\n' > "$T/empty-line.txt"
	run --separate-stderr nlp-lm --discount-fallback --output "$T/el.arpa" "$T/empty-line.txt"
	assert_success
	grep -qx 'ngram 3=0' "$T/el.arpa"
	ref estimate --discount-fallback --output "$T/ref.one.arpa" "$T/one.txt" \; compare "$T/one.arpa" "$T/ref.one.arpa" \; \
		estimate --smoothing kn --output "$T/ref.kn.arpa" "$T/one.txt" \; compare "$T/kn.arpa" "$T/ref.kn.arpa" \; \
		estimate --smoothing abs --output "$T/ref.abs.arpa" "$T/one.txt" \; compare "$T/abs.arpa" "$T/ref.abs.arpa" \; \
		estimate --smoothing wb --output "$T/ref.wb.arpa" "$T/one.txt" \; compare "$T/wb.arpa" "$T/ref.wb.arpa" \; \
		estimate --smoothing addk --output "$T/ref.addk.arpa" "$T/one.txt" \; compare "$T/addk.arpa" "$T/ref.addk.arpa" \; \
		estimate --smoothing katz --output "$T/ref.katz.arpa" "$T/one.txt" \; compare "$T/katz.arpa" "$T/ref.katz.arpa" \; \
		estimate --discount-fallback --output "$T/ref.el.arpa" "$T/empty-line.txt" \; compare "$T/el.arpa" "$T/ref.el.arpa" \; \
		sum "$T/one.arpa" "$T/el.arpa" "$T/kn.arpa" "$T/wb.arpa" "$T/addk.arpa" "$T/katz.arpa"
}

@test "lm -C: count files of two shards (nlp-ngram --markers --counts), as given or merged, give the text's ARPA" {
	head -n 120 "$SMALL" > "$T/a.txt"
	tail -n +121 "$SMALL" > "$T/b.txt"
	for n in 3 4; do
		nlp-lm -n $n "$SMALL" > "$T/text$n.arpa"
		for s in a b; do
			nlp-ngram --markers --min-n 1 --max-n $n --counts "$T/$s.txt" > "$T/$s.$n.counts"
		done
		nlp-lm -C -n $n "$T/a.$n.counts" "$T/b.$n.counts" > "$T/c$n.arpa"
		assert_same "$T/c$n.arpa" "$T/text$n.arpa"
		nlp-ngram --merge "$T/a.$n.counts" "$T/b.$n.counts" > "$T/m.$n.counts"
		nlp-lm -C -n $n < "$T/m.$n.counts" > "$T/m$n.arpa"
		assert_same "$T/m$n.arpa" "$T/text$n.arpa"
	done
	# other methods and pruning from counts
	nlp-lm -C --smoothing katz --prune 0,1 "$T/m.3.counts" > "$T/k.arpa" 2>/dev/null
	nlp-lm --smoothing katz --prune 0,1 "$SMALL" > "$T/kt.arpa" 2>/dev/null
	assert_same "$T/k.arpa" "$T/kt.arpa"
	# counts of orders 1..4 make an order-3 model too; counts without the top order are an error
	# (4-grams that do not end with </s> have 5-grams after them, so the 5-grams are missing,
	# not absent from the corpus)
	nlp-lm -C -n 3 "$T/m.4.counts" > "$T/c.arpa"
	assert_same "$T/c.arpa" "$T/text3.arpa"
	run --separate-stderr nlp-lm -C -n 5 "$T/m.4.counts"
	assert_failure 1
	assert_output ""
	[[ "$stderr" == "nlp-lm: "* ]]
}

@test "lm: the ARPA file begins with \\data\\ (the spec's layout; KenLM's files too)" {
	nlp-lm -n 2 "$LM/hand.txt" > "$T/m.arpa"
	run head -n 1 "$T/m.arpa"
	assert_output '\data\'
}

@test "lm: the ARPA layout: counts, sorted sections, weights on contexts only, <s> -99, 6 decimals" {
	nlp-lm -n 3 "$SMALL" > "$T/m.arpa"
	grep -qx '\\data\\' "$T/m.arpa"
	run tail -n 1 "$T/m.arpa"
	assert_output '\end\'
	# the counts of \data\ are those of the sections; sections in order, a blank line before each
	awk -F'\t' '/^ngram / { split($0, a, /[ =]/); want[a[2]] = a[3]; next }
		/^\\[0-9]+-grams:$/ { n = substr($0, 2) + 0; if (n != ++expect) { print "section " n; bad = 1 }
			if (prev != "") { print "no blank line before " $0; bad = 1 }; next }
		{ prev = $0 }
		n && NF >= 2 { got[n]++; if (split($2, w, " ") != n) { print "order: " $0; bad = 1 } }
		END { for (k in want) if (got[k] + 0 != want[k]) { print k ": " got[k] " != " want[k]; bad = 1 }
		      exit bad }' "$T/m.arpa"
	# entries sorted by their words' bytes (words of small.txt have no byte below '!')
	for n in 1 2 3; do
		awk -F'\t' -v n=$n '/^\\[0-9]+-grams:$/ { on = (substr($0, 2) + 0 == n); next } on && NF >= 2 { print $2 }' "$T/m.arpa" \
			| LC_ALL=C sort -c
	done
	# weights exactly on the entries of orders 1..N-1 that start some longer n-gram
	awk -F'\t' '/^\\[0-9]+-grams:$/ { n = substr($0, 2) + 0; next }
		n && NF >= 2 { if (NF == 3) hasbow[$2] = n; k = split($2, w, " ")
			if (k > 1) { ctx = w[1]; for (i = 2; i < k; i++) ctx = ctx " " w[i]; isctx[ctx] = 1 } }
		END { for (g in hasbow) if (!(g in isctx)) { print "weight on " g; bad = 1 }
		      for (g in isctx) if (!(g in hasbow)) { print "no weight on " g; bad = 1 }
		      exit bad }' "$T/m.arpa"
	run entry "$T/m.arpa" '<s>'
	assert_output --regexp '^-99 -'
	# numbers (the spec's amendment): log10 rounded to 6 decimals, trailing zeros dropped, 0
	# rather than -0; most have all 6
	awk -F'\t' '/^\\[0-9]+-grams:$/ { on = 1; next }
		on && NF >= 2 { for (i = 1; i <= NF; i += 2) { x = $i; if (i > 1 && NF < 3) break
			n++
			dec = index(x, ".") ? length(x) - index(x, ".") : 0
			if (x !~ /^-?[0-9]+(\.[0-9]*[1-9])?$/ || x == "-0" || dec > 6) { print "not 6 decimals: " x; bad++ }
			if (dec == 6) six++ } }
		END { printf "%d numbers, %d with 6 decimals\n", n, six
		      exit !(bad == 0 && six * 2 > n) }' "$T/m.arpa"
}

@test "lm sample: --seed repeats, sentences of model words, a model with one path samples it" {
	nlp-lm "$SMALL" > "$T/m.arpa"
	nlp-lm sample --seed 7 --count 40 "$T/m.arpa" > "$T/s1"
	nlp-lm sample --seed 7 --count 40 "$T/m.arpa" > "$T/s2"
	nlp-lm sample --seed 8 --count 40 "$T/m.arpa" > "$T/s3"
	assert_same "$T/s1" "$T/s2"
	if cmp -s "$T/s1" "$T/s3"; then fail "seeds 7 and 8 drew the same"; fi
	[ "$(wc -l < "$T/s1")" -eq 40 ]
	# every word is a unigram of the model (not <s> or </s>)
	awk 'FNR == NR { if (/^\\1-grams:/) on = 1; else if (/^\\2-grams:/) on = 0; else if (on && NF > 1) v[$2] = 1; next }
		{ for (i = 1; i <= NF; i++) if (!($i in v) || $i == "<s>" || $i == "</s>") { print "not a word: " $i; bad = 1 } }
		END { exit bad }' "$T/m.arpa" "$T/s1"
	# --max-words, --prefix, the count
	nlp-lm sample --seed 3 --count 20 --max-words 3 "$T/m.arpa" | awk 'NF > 3 { exit 1 }'
	run nlp-lm sample --seed 3 --count 5 --prefix 'the cat' "$T/m.arpa"
	assert_success
	[ "${#lines[@]}" -eq 5 ]
	for l in "${lines[@]}"; do [[ "$l" == "the cat"* ]]; done
	# a model whose only sentence is "a b c": every other word after each context has
	# probability 10^-99 (its back-off weights are -99)
	printf '%s\n' '\data\' 'ngram 1=6' 'ngram 2=4' '' '\1-grams:' \
		$'-0.69897\t</s>' $'-99\t<s>\t-99' $'-0.69897\t<unk>' $'-0.69897\ta\t-99' $'-0.69897\tb\t-99' $'-0.69897\tc\t-99' \
		'' '\2-grams:' $'0\t<s> a' $'0\ta b' $'0\tb c' $'0\tc </s>' '' '\end\' > "$T/abc.arpa"
	run nlp-lm sample --seed 5 --count 20 "$T/abc.arpa"
	assert_success
	assert_output "$(yes 'a b c' | head -n 20)"
	# a model from the single sentence, with the fallback discounts, samples it too (among others)
	printf 'a b c\n' | nlp-lm --discount-fallback --output "$T/abc2.arpa" 2>/dev/null
	nlp-lm sample --count 50 "$T/abc2.arpa" | grep -qx 'a b c'
}

@test "lm --binary: nlp-perplexity scores the binary model as the ARPA one; sample reads both" {
	command -v nlp-perplexity >/dev/null || skip "nlp-perplexity is not built"
	nlp-lm -n 4 --output "$T/m.arpa" "$SMALL"
	nlp-lm -n 4 -b --output "$T/m.bin" "$SMALL"
	if cmp -s "$T/m.arpa" "$T/m.bin"; then fail "-b wrote ARPA"; fi
	head -n 150 "$SMALL" | sed 's/ cat / zebra /' > "$T/test.txt"
	nlp-perplexity --model "$T/m.arpa" "$T/test.txt" > "$T/arpa.out"
	nlp-perplexity --model "$T/m.bin" "$T/test.txt" > "$T/bin.out"
	cat "$T/arpa.out"
	# the SRILM lines are the same; KenLM's perplexities within 1e-6 (the binary form keeps floats)
	assert_equal "$(head -n 2 "$T/bin.out" | sed 's/m\.bin/m.arpa/')" "$(head -n 2 "$T/arpa.out")"
	paste "$T/arpa.out" "$T/bin.out" | awk -F'\t' '/^Perplexity/ { d = $2 / $4 - 1; if (d < 0) d = -d
		printf "%s %s %s\n", $1, $2, $4; if (d > 1e-6) bad = 1 } END { exit bad }'
	nlp-lm sample --seed 2 --count 10 "$T/m.bin" > "$T/s.bin"
	nlp-lm sample --seed 2 --count 10 "$T/m.arpa" > "$T/s.arpa"
	assert_same "$T/s.bin" "$T/s.arpa"
	# --binary needs a file
	run --separate-stderr nlp-lm -b "$SMALL"
	assert_failure 2
}

@test "lm: PTB (5,000 lines): equals the reference, sums to 1, the same with --memory 8M (spilled counts)" {
	need_shared ptb/ptb.train.txt
	# 147,000 n-grams: --memory 8M spills 3 runs, 1M cannot hold the model
	head -n 5000 "$SHARED_DATA/ptb/ptb.train.txt" > "$T/ptb.txt"
	nlp-lm -n 3 --output "$T/m.arpa" "$T/ptb.txt"
	run --separate-stderr nlp-lm -n 3 -M 8M --progress --output "$T/m8.arpa" "$T/ptb.txt"
	assert_success
	[[ "${stderr_lines[-1]}" == *" runs spilled "* ]]
	assert_same "$T/m8.arpa" "$T/m.arpa"
	# a budget the model cannot fit in stops with a message rather than pass it
	run --separate-stderr nlp-lm -n 3 -M 1M "$T/ptb.txt"
	assert_failure 1
	assert_output ""
	[[ "$stderr" == "nlp-lm: "*"--memory"* ]]
	ref estimate -n 3 --output "$T/ref.arpa" "$T/ptb.txt" \; compare "$T/m.arpa" "$T/ref.arpa" \; sum "$T/m.arpa"
}

@test "lm: bad options exit 2 with a usage line; -h exits 0; --version" {
	for bad in "-n 0" "-n 16" "-n x" "--smoothing foo" "--prune 1,2" "--prune 0,2,1" "--prune x" "--prune 0,-1" \
		"--prune 0,1," "--prune ''" "--add 0" "--add -1" "--interpolate --smoothing katz" "--interpolate --smoothing addk" "-s mkn" "-o x" "-Z" "-M 0" "-M 5Q" \
		"--invalid maybe"; do
		run --separate-stderr nlp-lm $bad "$SMALL"
		echo "$bad: $stderr"
		assert_failure 2
		[[ "$stderr" == nlp-lm:* || "$stderr" == usage:* || "$stderr" == *"nlp-lm: "* ]]
		assert_output ""
	done
	for bad in "" "--count x" "-c 3 $SMALL" "--seed x" "--max-words 0" "-Z $SMALL"; do
		run --separate-stderr nlp-lm sample $bad
		echo "sample $bad: $stderr"
		assert_failure 2
	done
	run --separate-stderr nlp-lm "$T/nonesuch"
	assert_failure 1
	[[ "$stderr" == "nlp-lm: "*"nonesuch"*"No such file or directory" ]]
	run --separate-stderr nlp-lm sample "$T/nonesuch"
	assert_failure 1
	run nlp-lm -h
	assert_success
	assert_line -n 0 --partial "usage: nlp-lm"
	run nlp-lm --version
	assert_success
	assert_output --regexp '^nlp-lm [0-9]'
}

@test "lm --output: written once the model is made (the file may be an input; a failed run leaves it); markers inside a count file's n-gram are refused" {
	cp "$SMALL" "$T/in.txt"
	nlp-lm --output "$T/in.txt" "$T/in.txt"
	nlp-lm "$SMALL" > "$T/ref.arpa"
	cmp "$T/in.txt" "$T/ref.arpa"
	# a run that fails (undefined discounts) leaves the file as it was
	run --separate-stderr sh -c 'echo "a b" | nlp-lm --output "$1"' sh "$T/in.txt"
	assert_failure 1
	cmp "$T/in.txt" "$T/ref.arpa"
	printf '<s>\t2\n</s>\t2\na\t2\n<s> a\t2\na </s>\t1\na <s>\t1\n' > "$T/mk.cnt"
	run --separate-stderr nlp-lm -C -n 2 --smoothing wb "$T/mk.cnt"
	assert_failure 1
	assert_output ""
	assert_equal "$stderr" "nlp-lm: counts: 'a <s>': <s> inside an n-gram (the markers begin and end sentences)"
	printf '<s>\t2\n</s>\t2\na\t2\n</s> a\t1\n' > "$T/mk2.cnt"
	run --separate-stderr nlp-lm -C -n 2 --smoothing wb "$T/mk2.cnt"
	assert_failure 1
	[[ "$stderr" == *"</s> inside an n-gram"* ]]
}
