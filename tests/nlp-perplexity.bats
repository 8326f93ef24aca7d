#!/usr/bin/env bats
# nlp-perplexity: a handwritten order-3 model (tests/data/lm/tiny.arpa: back-off weights at every
# order, an n-gram whose context is missing, one whose shorter suffix is missing, a zero
# probability) scored by hand and by an independent back-off reader in Python (tests/lm_score_ref.py);
# the text and JSON reports, --no-bos and --no-eos, several files, empty text; the binary form
# gives the same reports and rejects every damaged file with the reason; every malformed ARPA
# file gets its message and exit status 1; IRSTLM's ARPA files score as IRSTLM's compile-lm
# scores them, and KenLM's as KenLM's query does (skipped visibly without those tools).

load helper

LM="$DATA/lm"
TAB=$(printf '\t')

setup() {
	T="$BATS_TEST_TMPDIR"
}

# base FILE: a valid order-2 model of 15 lines; the malformed cases are edits of it.
#  1 \data\  2 ngram 1=4  3 ngram 2=2  5 \1-grams:  6-9 the 1-grams  11 \2-grams:  12-13 the
#  2-grams  15 \end\
base() {
	printf '%s\n' '\data\' 'ngram 1=4' 'ngram 2=2' '' '\1-grams:' "-1${TAB}</s>" \
		"-99${TAB}<s>${TAB}-0.5" "-1${TAB}<unk>" "-0.5${TAB}a${TAB}-0.2" '' '\2-grams:' \
		"-0.3${TAB}<s> a" "-0.4${TAB}a </s>" '' '\end\' > "$1"
}

# bad MESSAGE [FILE]: the model FILE ($T/bad.arpa) is refused with "nlp-perplexity: FILE:
# MESSAGE" alone on stderr, exit status 1 and nothing on stdout.
bad() {
	local f=${2:-$T/bad.arpa}
	run --separate-stderr nlp-perplexity --model "$f" /dev/null
	assert_failure 1
	assert_output ''
	assert_equal "$stderr" "nlp-perplexity: $f: $1"
}

# ---- scores ----

@test "perplexity: the tiny model's scores, worked out by hand, as KenLM's query prints them" {
	run --separate-stderr nlp-perplexity --model "$LM/tiny.arpa" --verbosity word "$LM/tiny.txt"
	assert_success
	assert_equal "$stderr" ''
	# a b c: the 2-gram, the 3-grams, then </s> by c </s> plus the weight of b c
	# b d a: b d a is used although its context b d is missing; </s> backs off to the 1-gram
	#        with the weights of a and d a
	# a a d: a a d is used although its suffix a d is missing
	# q b: q is <unk> (an OOV); z has probability 0 (log10 -inf)
	assert_line -n 0 "a=3 2 -0.2${TAB}b=4 3 -0.1${TAB}c=5 3 -0.15${TAB}</s>=0 2 -0.35000002${TAB}Total: -0.8 OOV: 0"
	assert_line -n 1 "b=4 1 -1.3${TAB}d=6 1 -1.7${TAB}a=3 3 -0.25${TAB}</s>=0 1 -1.4200001${TAB}Total: -4.67 OOV: 0"
	assert_line -n 2 "a=3 2 -0.2${TAB}a=3 2 -0.95${TAB}d=6 3 -0.05${TAB}</s>=0 1 -1.4${TAB}Total: -2.6 OOV: 0"
	assert_line -n 3 "q=2 1 -2.5${TAB}b=4 1 -0.8${TAB}</s>=0 2 -0.9${TAB}Total: -4.2 OOV: 1"
	assert_line -n 4 "</s>=0 1 -1.5${TAB}Total: -1.5 OOV: 0"
	assert_line -n 5 "z=7 1 -inf${TAB}a=3 1 -0.6${TAB}</s>=0 1 -1.3${TAB}Total: -inf OOV: 0"
	# the markers the line has are the ones it gets anyway
	assert_line -n 6 "a=3 2 -0.2${TAB}b=4 3 -0.1${TAB}c=5 3 -0.15${TAB}</s>=0 2 -0.35000002${TAB}Total: -0.8 OOV: 0"
	# <s> inside a line is a word
	assert_line -n 7 "a=3 2 -0.2${TAB}<s>=1 1 -99.55${TAB}b=4 1 -1.3${TAB}q=2 1 -2.2${TAB}q=2 1 -2${TAB}</s>=0 1 -1${TAB}Total: -106.25 OOV: 2"
	# the zero probability is left out of SRILM's figures and makes KenLM's infinite
	assert_line -n 8 "file $LM/tiny.txt: 8 sentences, 21 words, 3 OOVs"
	assert_line -n 9 "1 zeroprobs, logprob= -122.72 ppl= 24146.7 ppl1= 1.36773e+06"
	assert_line -n 10 "Perplexity including OOVs:${TAB}inf"
	assert_line -n 13 "Tokens:${TAB}29"
	[ "${#lines[@]}" -eq 14 ]
}

@test "perplexity: every token and the summary equal an independent back-off reader's (tests/lm_score_ref.py), with and without <s> and </s>" {
	for opt in "" --no-bos --no-eos; do
		nlp-perplexity --model "$LM/tiny.arpa" --verbosity word --json $opt "$LM/tiny.txt" > "$T/ours$opt.jsonl"
	done
	run $PY "$NLP_TOP/tests/lm_score_ref.py" "$LM/tiny.arpa" "$LM/tiny.txt" "$T/ours.jsonl"
	echo "$output"
	assert_success
	run $PY "$NLP_TOP/tests/lm_score_ref.py" "$LM/tiny.arpa" "$LM/tiny.txt" "$T/ours--no-bos.jsonl" --no-bos
	echo "$output"
	assert_success
	run $PY "$NLP_TOP/tests/lm_score_ref.py" "$LM/tiny.arpa" "$LM/tiny.txt" "$T/ours--no-eos.jsonl" --no-eos
	echo "$output"
	assert_success
}

@test "perplexity: the summary, SRILM's two lines and KenLM's four; --no-eos leaves </s> out of both" {
	grep -v z "$LM/tiny.txt" > "$T/t.txt"
	run --separate-stderr nlp-perplexity --model "$LM/tiny.arpa" "$T/t.txt"
	assert_success
	# logprob -120.82 over 19 words (3 OOVs, of log10 p -2.5, -2.2, -2) + 7 </s>: ppl
	# 10^(120.82/26), ppl1 10^(120.82/19); without the OOVs 10^((120.82 - 6.7)/23)
	assert_output "$(printf '%s\n' "file $T/t.txt: 7 sentences, 19 words, 3 OOVs" \
		'0 zeroprobs, logprob= -120.82 ppl= 44353 ppl1= 2.28532e+06' \
		"Perplexity including OOVs:${TAB}44353.02020212241" \
		"Perplexity excluding OOVs:${TAB}91567.05901162341" "OOVs:${TAB}3" "Tokens:${TAB}26")"
	# without the seven </s> (-6.92 in all): 10^(113.9/19)
	run --separate-stderr nlp-perplexity --model "$LM/tiny.arpa" --no-eos "$T/t.txt"
	assert_success
	assert_line -n 1 '0 zeroprobs, logprob= -113.9 ppl= 987955 ppl1= 987955'
	assert_line -n 5 "Tokens:${TAB}19"
}

@test "perplexity: --verbosity sentence prints KenLM's line totals; JSON lines carry the same figures" {
	run --separate-stderr nlp-perplexity --model "$LM/tiny.arpa" --verbosity sentence "$LM/tiny.txt"
	assert_success
	assert_line -n 0 'Total: -0.8 OOV: 0'
	assert_line -n 3 'Total: -4.2 OOV: 1'
	assert_line -n 5 'Total: -inf OOV: 0'
	assert_line -n 8 "file $LM/tiny.txt: 8 sentences, 21 words, 3 OOVs"
	run --separate-stderr nlp-perplexity --model "$LM/tiny.arpa" --verbosity sentence --json "$LM/tiny.txt"
	assert_success
	# q b: -2.5 -0.8 -0.9 (floats summed in double); without q, 10^(1.7/2)
	assert_line -n 3 '{"sentence":4,"sentences":1,"words":2,"oovs":1,"zeroprobs":0,"tokens":3,"logprob":-4.19999998807907,"ppl":25.118864085267,"ppl1":125.892539451607,"ppl_including_oovs":25.118864085267,"ppl_excluding_oovs":7.07945774667953,"logprob_oovs":-2.5}'
	# z a: z has probability 0, left out: 10^(1.9/2) over a and </s>, 10^(1.9/1) over a
	assert_line -n 5 '{"sentence":6,"sentences":1,"words":2,"oovs":0,"zeroprobs":1,"tokens":3,"logprob":-1.89999997615814,"ppl":8.91250913669841,"ppl1":79.4328191117325,"ppl_including_oovs":null,"ppl_excluding_oovs":null,"logprob_oovs":0}'
	assert_line -n 8 "{\"model\":\"$LM/tiny.arpa\",\"order\":3,\"bos\":true,\"eos\":true,\"file\":\"$LM/tiny.txt\",\"sentences\":8,\"words\":21,\"oovs\":3,\"zeroprobs\":1,\"tokens\":29,\"logprob\":-122.720003131777,\"ppl\":24146.6704354388,\"ppl1\":1367729.31874309,\"ppl_including_oovs\":null,\"ppl_excluding_oovs\":null,\"logprob_oovs\":-6.70000004768372}"
	[ "${#lines[@]}" -eq 9 ]
	# words are JSON strings
	printf 'a "q\\\n' | nlp-perplexity --model "$LM/tiny.arpa" --verbosity word --json > "$T/j"
	run head -n 1 "$T/j"
	assert_output --partial '{"word":"\"q\\","id":2,"order":1,'
}

@test "perplexity: several files get a report each, then the total; stdin is '-'" {
	printf 'a b c\n' > "$T/one"
	printf 'q b\n\n' > "$T/two"
	run --separate-stderr nlp-perplexity --model "$LM/tiny.arpa" "$T/one" - < "$T/two"
	assert_success
	# 4 + 3 + 1 tokens: 10^(6.5/8); without q (-2.5), 10^(4/7)
	assert_output "$(printf '%s\n' "file $T/one: 1 sentences, 3 words, 0 OOVs" \
		'0 zeroprobs, logprob= -0.8 ppl= 1.58489 ppl1= 1.84785' \
		'file -: 2 sentences, 2 words, 1 OOVs' '0 zeroprobs, logprob= -5.7 ppl= 26.6073 ppl1= 707.946' \
		'total 2 files: 3 sentences, 5 words, 1 OOVs' '0 zeroprobs, logprob= -6.5 ppl= 6.49382 ppl1= 19.9526' \
		"Perplexity including OOVs:${TAB}6.493816357539096" \
		"Perplexity excluding OOVs:${TAB}3.727593747721694" "OOVs:${TAB}1" "Tokens:${TAB}8")"
	run --separate-stderr nlp-perplexity --model "$LM/tiny.arpa" --json "$T/one" "$T/two"
	assert_success
	assert_line -n 0 --partial "{\"file\":\"$T/one\",\"sentences\":1,"
	assert_line -n 2 --partial "\"files\":[\"$T/one\",\"$T/two\"],\"sentences\":3,\"words\":5,"
}

@test "perplexity: empty text gives 0 sentences and undefined perplexities; an empty line is <s> </s>" {
	run --separate-stderr nlp-perplexity --model "$LM/tiny.arpa" < /dev/null
	assert_success
	assert_output "$(printf '%s\n' 'file -: 0 sentences, 0 words, 0 OOVs' \
		'0 zeroprobs, logprob= 0 ppl= undefined ppl1= undefined' \
		"Perplexity including OOVs:${TAB}undefined" "Perplexity excluding OOVs:${TAB}undefined" \
		"OOVs:${TAB}0" "Tokens:${TAB}0")"
	run --separate-stderr nlp-perplexity --model "$LM/tiny.arpa" --json < /dev/null
	assert_output --partial '"sentences":0,"words":0,"oovs":0,"zeroprobs":0,"tokens":0,"logprob":0,"ppl":null,"ppl1":null,'
	run --separate-stderr nlp-perplexity --model "$LM/tiny.arpa" <<< ''
	assert_line -n 0 'file -: 1 sentences, 0 words, 0 OOVs'
	assert_line -n 1 '0 zeroprobs, logprob= -1.5 ppl= 31.6228 ppl1= undefined'
}

@test "perplexity: invalid UTF-8 in the text: replaced, skipped or refused (--invalid)" {
	printf 'a \377b c\n' > "$T/bad.txt"
	run --separate-stderr nlp-perplexity --model "$LM/tiny.arpa" --verbosity word "$T/bad.txt"
	assert_success
	assert_line -n 0 --partial $'\xef\xbf\xbd''b=2 1 '
	assert_equal "$stderr" "nlp-perplexity: $T/bad.txt: line 1: invalid UTF-8 replaced by U+FFFD (later cases are counted)"
	run --separate-stderr nlp-perplexity --model "$LM/tiny.arpa" --verbosity word --invalid skip "$T/bad.txt"
	assert_line -n 0 --partial "${TAB}b=4 3 -0.1${TAB}"
	run --separate-stderr nlp-perplexity --model "$LM/tiny.arpa" --invalid fail "$T/bad.txt"
	assert_failure 1
	assert_output ''
	assert_equal "$stderr" "nlp-perplexity: $T/bad.txt: line 1, byte 3: invalid UTF-8"
}

@test "perplexity: a model without <unk> gets one of log10 p -100, as KenLM does, with a warning" {
	base "$T/m.arpa"
	sed -i -e 's/^ngram 1=4/ngram 1=3/' -e '/<unk>/d' "$T/m.arpa"
	run --separate-stderr nlp-perplexity --model "$T/m.arpa" --verbosity word <<< 'a zz'
	assert_success
	assert_line -n 0 "a=2 2 -0.3${TAB}zz=3 1 -100.2${TAB}</s>=0 1 -1${TAB}Total: -101.5 OOV: 1"
	assert_equal "$stderr" "nlp-perplexity: $T/m.arpa: no <unk> among the 1-grams: words outside the vocabulary get log10 p = -100, as KenLM gives them"
}

@test "perplexity: comments before \\data\\, CRLF line ends, spaces for tabs and blanks around = are read alike" {
	base "$T/m.arpa"
	nlp-perplexity --model "$T/m.arpa" --verbosity word "$LM/tiny.txt" > "$T/want"
	{ echo '# a comment'; echo 'made by hand'; sed 's/$/\r/' "$T/m.arpa"; } > "$T/crlf.arpa"
	nlp-perplexity --model "$T/crlf.arpa" --verbosity word "$LM/tiny.txt" > "$T/got"
	assert_same "$T/got" "$T/want"
	sed -e "s/$TAB/ /g" -e 's/^ngram 1=4/ngram  1 =  4/' "$T/m.arpa" > "$T/spaces.arpa"
	nlp-perplexity --model "$T/spaces.arpa" --verbosity word "$LM/tiny.txt" > "$T/got"
	assert_same "$T/got" "$T/want"
}

# ---- the binary form ----

@test "perplexity: the binary form gives the same reports as the ARPA file; --save-binary alone reads no text" {
	run --separate-stderr nlp-perplexity --model "$LM/tiny.arpa" --save-binary "$T/tiny.lmb" < /dev/zero
	assert_success
	assert_output ''
	run od -A n -c -N 8 "$T/tiny.lmb"
	assert_output '   N   L   P   L   M   B   I   N'
	# 320 header + 49 words + padding + 8 1-grams, 11 2-gram slots, 7 3-gram slots
	run stat -c %s "$T/tiny.lmb"
	assert_output 752
	for v in summary sentence word; do
		nlp-perplexity --model "$LM/tiny.arpa" --verbosity $v --json "$LM/tiny.txt" | sed 's/"model":"[^"]*"//' > "$T/a"
		nlp-perplexity --model "$T/tiny.lmb" --verbosity $v --json "$LM/tiny.txt" | sed 's/"model":"[^"]*"//' > "$T/b"
		assert_same "$T/b" "$T/a"
	done
	# written again, byte for byte; and from an ARPA file through a pipe
	nlp-perplexity --model "$T/tiny.lmb" --save-binary "$T/again.lmb"
	cmp "$T/again.lmb" "$T/tiny.lmb"
	cat "$LM/tiny.arpa" | nlp-perplexity --model - --save-binary "$T/pipe.lmb"
	cmp "$T/pipe.lmb" "$T/tiny.lmb"
	# a model through a pipe is copied to a temporary file first
	mkdir "$T/tmp"
	cat "$T/tiny.lmb" | TMPDIR="$T/tmp" nlp-perplexity --model - --verbosity word --json "$LM/tiny.txt" |
		sed 's/"model":"[^"]*"//' > "$T/b"
	assert_same "$T/b" "$T/a"
	run ls -A "$T/tmp"
	assert_output ''
}

@test "perplexity: a damaged binary model is refused with the reason" {
	nlp-perplexity --model "$LM/tiny.arpa" --save-binary "$T/m.lmb"
	head -c 100 "$T/m.lmb" > "$T/short.lmb"
	bad 'truncated: 100 bytes, the header alone takes 320' "$T/short.lmb"
	head -c 736 "$T/m.lmb" > "$T/cut.lmb"
	bad 'truncated: the header gives 752 bytes, the file has 736' "$T/cut.lmb"
	{ cat "$T/m.lmb"; printf 'more'; } > "$T/long.lmb"
	bad "4 bytes after the model's end (byte 752)" "$T/long.lmb"
	# patch OFFSET BYTES NAME: a copy of the model with BYTES (printf's escapes) at OFFSET
	patch() {
		cp "$T/m.lmb" "$T/$3.lmb"
		printf "$2" | dd of="$T/$3.lmb" bs=1 seek="$1" conv=notrunc status=none
	}
	patch 8 '\002' version
	bad 'a binary model of version 2; this reader reads version 1' "$T/version.lmb"
	patch 12 '\001\002\003\004' endian
	bad 'a model written in big-endian byte order; this one is little-endian' "$T/endian.lmb"
	patch 20 '\020' order
	bad 'order 16 is not within 1..15' "$T/order.lmb"
	# the 2-grams: 7 in 11 slots (offsets 80 and 88); 7 slots claimed
	patch 88 '\007' slots
	bad '7 2-grams in 7 slots: the n-grams at most 68719476736, the slots more than the n-grams and at most 274877906944' "$T/slots.lmb"
	patch 80 '\006' count
	bad '7 2-grams in the table, the header gives 6' "$T/count.lmb"
	# the words from byte 320: 4-byte length, then the word: </s> <s> <unk> a b c d z
	patch 333 ' ' blank
	bad "word 2, '< >', has a blank" "$T/blank.lmb"
	patch 353 'a' twice
	bad "word 5, 'a', again (first word 4)" "$T/twice.lmb"
	patch 348 '\377' utf8
	bad "word 4, '\\xff', is not valid UTF-8" "$T/utf8.lmb"
	# the 1-grams at 384: </s>'s log10 p = +1
	patch 384 '\000\000\200\077' positive
	bad "the 1-gram '</s>' has a log10 probability above 0" "$T/positive.lmb"
	# a 2-gram slot's key (at 448 + 16 k) moved away from where lookups find it, and a value in
	# an empty slot
	"$PY" - "$T/m.lmb" "$T/moved.lmb" "$T/value.lmb" <<-'EOF'
		import struct, sys
		b = bytearray(open(sys.argv[1], "rb").read())
		keys = [struct.unpack_from("<Q", b, 448 + 16 * k)[0] for k in range(11)]
		full, empty = [k for k in range(11) if keys[k]], [k for k in range(11) if not keys[k]]
		moved = bytearray(b)
		# a key whose slot is its home, moved to the slot after the next empty one
		k = next(k for k in full if (keys[k] * 11) >> 64 == k)
		e = next(e for e in empty if e > k)
		d = (e + 1) % 11 if (e + 1) % 11 in empty else e
		moved[448 + 16 * d:448 + 16 * d + 16] = b[448 + 16 * k:448 + 16 * k + 16]
		moved[448 + 16 * k:448 + 16 * k + 16] = bytes(16)
		open(sys.argv[2], "wb").write(moved)
		value = bytearray(b)
		struct.pack_into("<f", value, 448 + 16 * empty[0] + 8, -1.0)
		open(sys.argv[3], "wb").write(value)
	EOF
	run --separate-stderr nlp-perplexity --model "$T/moved.lmb" /dev/null
	assert_failure 1
	[[ "$stderr" =~ ^"nlp-perplexity: $T/moved.lmb: 2-gram slot "[0-9]+" (byte "[0-9]+") holds a key that a lookup does not reach, or that comes twice"$ ]] ||
		[[ "$stderr" == "nlp-perplexity: $T/moved.lmb: 7 2-grams in the table, the header gives 7" ]] ||
		fail "stderr: $stderr"
	run --separate-stderr nlp-perplexity --model "$T/value.lmb" /dev/null
	assert_failure 1
	[[ "$stderr" =~ ^"nlp-perplexity: $T/value.lmb: 2-gram slot "[0-9]+" (byte "[0-9]+") is empty but has values"$ ]] ||
		fail "stderr: $stderr"
}

# ---- malformed ARPA files ----

@test "perplexity: \\data\\ counts that disagree with the sections" {
	base "$T/bad.arpa"; sed -i 's/^ngram 1=4/ngram 1=3/' "$T/bad.arpa"
	bad "line 9: more 1-grams than the 3 that \\data\\ declares"
	base "$T/bad.arpa"; sed -i 's/^ngram 1=4/ngram 1=5/' "$T/bad.arpa"
	bad "line 5: the \\1-grams: section has 4 entries; \\data\\ declares 5"
	base "$T/bad.arpa"; sed -i 's/^ngram 2=2/ngram 2=3/' "$T/bad.arpa"
	bad "line 11: the \\2-grams: section has 2 entries; \\data\\ declares 3"
	base "$T/bad.arpa"; sed -i 's/^ngram 2=2/ngram 2=900/' "$T/bad.arpa"
	bad "\\data\\ declares more n-grams than a file of $(stat -c %s "$T/bad.arpa") bytes can hold"
	base "$T/bad.arpa"; sed -i 's/^ngram 1=4/ngram 1=x/' "$T/bad.arpa"
	bad "line 2: 'ngram 1=x' where \\data\\ has lines 'ngram N=COUNT'"
	base "$T/bad.arpa"; sed -i -e '2s/.*/ngram 2=2/' -e '3s/.*/ngram 1=4/' "$T/bad.arpa"
	bad "line 2: 'ngram 2=' where 'ngram 1=' was expected: the orders go 1, 2, 3 ..."
	{ echo '\data\'; for i in $(seq 16); do echo "ngram $i=1"; done; } > "$T/bad.arpa"
	bad 'line 17: order 16: this reader takes orders up to 15'
	printf '\\data\\\n\n\\1-grams:\n' > "$T/bad.arpa"
	bad "line 3: no 'ngram N=COUNT' line in \\data\\"
	printf '\\data\\\nngram 1=0\n\n\\1-grams:\n\n\\end\\\n' > "$T/bad.arpa"
	bad "line 4: \\data\\ declares no 1-grams"
}

@test "perplexity: missing, extra and misplaced sections; truncated files; text after \\end\\" {
	base "$T/bad.arpa"; sed -i '11,14d' "$T/bad.arpa"
	bad "line 11: \\end\\ where the \\2-grams: section was expected (\\data\\ declares orders up to 2)"
	base "$T/m.arpa"; { head -n 14 "$T/m.arpa"; printf '\\3-grams:\n-0.1\t<s> a </s>\n\n\\end\\\n'; } > "$T/bad.arpa"
	bad "line 15: a \\3-grams: section; \\data\\ declares orders up to 2"
	base "$T/bad.arpa"; sed -i 's/^\\2-grams:/\\two-grams:/' "$T/bad.arpa"
	bad "line 11: '\\two-grams:' where the \\2-grams: section was expected"
	base "$T/bad.arpa"; head -n 13 "$T/bad.arpa" > "$T/cut.arpa"; mv "$T/cut.arpa" "$T/bad.arpa"
	bad "truncated: the file ends after the \\2-grams: section, without \\end\\"
	base "$T/bad.arpa"; head -n 12 "$T/bad.arpa" > "$T/cut.arpa"; mv "$T/cut.arpa" "$T/bad.arpa"
	bad "truncated: the file ends in the \\2-grams: section, after 1 of its 2 entries"
	base "$T/bad.arpa"; head -n 8 "$T/bad.arpa" > "$T/cut.arpa"; mv "$T/cut.arpa" "$T/bad.arpa"
	bad "truncated: the file ends in the \\1-grams: section, after 3 of its 4 entries"
	base "$T/bad.arpa"; head -n 3 "$T/bad.arpa" > "$T/cut.arpa"; mv "$T/cut.arpa" "$T/bad.arpa"
	bad "truncated: the file ends after \\data\\"
	base "$T/bad.arpa"; echo 'junk' >> "$T/bad.arpa"
	bad "line 16: 'junk' after \\end\\"
	printf '\\1-grams:\n\\data\\\n' > "$T/bad.arpa"
	bad "line 1: '\\1-grams:' before \\data\\"
	: > "$T/bad.arpa"
	bad 'an empty file, not a language model'
	printf 'the cat sat\non the mat\n' > "$T/bad.arpa"
	bad 'no \data\ line: not an ARPA file'
	base "$T/m.arpa"; gzip -c "$T/m.arpa" > "$T/bad.arpa"
	bad 'compressed with gzip: decompress it first'
}

@test "perplexity: bad fields: numbers, words, values, duplicates, UTF-8" {
	base "$T/bad.arpa"; sed -i "12s/.*/x0.3${TAB}<s> a/" "$T/bad.arpa"
	bad "line 12: 'x0.3' is not a number (the log10 probability)"
	base "$T/bad.arpa"; sed -i "9s/.*/-0.5${TAB}a${TAB}bow/" "$T/bad.arpa"
	bad "line 9: 'bow' is not a number (the back-off weight)"
	base "$T/bad.arpa"; sed -i "12s/.*/-0.3${TAB}<s> a${TAB}-1e/" "$T/bad.arpa"
	bad "line 12: '-1e' is not a number (the back-off weight)"
	base "$T/bad.arpa"; sed -i "9s/.*/0.5${TAB}a/" "$T/bad.arpa"
	bad 'line 9: the log10 probability 0.5 is above 0'
	base "$T/bad.arpa"; sed -i "9s/.*/nan${TAB}a/" "$T/bad.arpa"
	bad 'line 9: the log10 probability nan is not a number'
	base "$T/bad.arpa"; sed -i "9s/.*/-0.5${TAB}a${TAB}-inf/" "$T/bad.arpa"
	bad 'line 9: the back-off weight -inf is not a finite number'
	base "$T/bad.arpa"; sed -i "13s/.*/-0.4${TAB}b <\\/s>/" "$T/bad.arpa"
	bad "line 13: 'b' is not among the 1-grams"
	base "$T/bad.arpa"; sed -i "12s/.*/-0.3${TAB}<s>/" "$T/bad.arpa"
	bad 'line 12: 1 word where a 2-gram has 2'
	base "$T/bad.arpa"; sed -i "12s/.*/-0.3${TAB}<s> a${TAB}-0.1${TAB}x/" "$T/bad.arpa"
	bad "line 12: more fields than a 2-gram's probability, words and back-off weight"
	base "$T/bad.arpa"; sed -i "9s/.*/-0.5${TAB}a${TAB}-0.1 x/" "$T/bad.arpa"
	bad "line 9: more fields than a 1-gram's probability, word and back-off weight"
	base "$T/bad.arpa"; sed -i "9s/.*/-0.5${TAB}<unk>/" "$T/bad.arpa"
	bad "line 9: the 1-gram '<unk>' again"
	base "$T/bad.arpa"; sed -i "13s/.*/-0.4${TAB}<s> a/" "$T/bad.arpa"
	bad "line 13: the 2-gram '<s> a' again (or another 2-gram with its 64-bit key)"
	base "$T/bad.arpa"; sed -i "9s/.*/-0.5${TAB}\\xff/" "$T/bad.arpa"
	bad "line 9: the word '\\xff' is not valid UTF-8"
	base "$T/bad.arpa"; sed -i 's/<s>/<S>/' "$T/bad.arpa"
	bad 'no <s> among the 1-grams: a model of sentences has both <s> and </s>'
}

@test "perplexity: a model or text that cannot be opened; usage errors" {
	run --separate-stderr nlp-perplexity --model "$T/none.arpa"
	assert_failure 1
	assert_equal "$stderr" "nlp-perplexity: open $T/none.arpa: No such file or directory"
	run --separate-stderr nlp-perplexity --model "$LM/tiny.arpa" "$T/none.txt" "$LM/tiny.txt"
	assert_failure 1
	assert_equal "$stderr" "nlp-perplexity: open $T/none.txt: No such file or directory"
	assert_line "total 2 files: 8 sentences, 21 words, 3 OOVs"
	run --separate-stderr nlp-perplexity "$LM/tiny.txt"
	assert_failure 2
	assert_equal "$stderr" "usage: $(nlp-perplexity --help | head -n 1 | sed 's/^usage: //')"
	run --separate-stderr nlp-perplexity --model "$LM/tiny.arpa" --verbosity all
	assert_failure 2
	assert_equal "$stderr" "nlp-perplexity: --verbosity: 'all' is not summary, sentence or word"
	run nlp-perplexity --help
	assert_success
	assert_line -n 0 --partial 'usage: nlp-perplexity --model file'
	run nlp-perplexity --version
	assert_success
	assert_output --regexp '^nlp-perplexity [0-9]'
}

@test "perplexity: --progress reports on stderr, nothing on stdout changes" {
	nlp-perplexity --model "$LM/tiny.arpa" "$LM/tiny.txt" > "$T/want"
	run --separate-stderr nlp-perplexity --progress --model "$LM/tiny.arpa" "$LM/tiny.txt"
	assert_success
	assert_output "$(cat "$T/want")"
	[[ "$stderr" == *"nlp-perplexity: 8 sentences, 29 tokens scored; a model of order 3, 8 words"* ]] ||
		fail "stderr: $stderr"
}

# ---- other tools' files ----

# ptb_fixture: 400 lines of PTB's training text and the validation lines that have only words of
# them, with <unk> renamed UNKTOK (IRSTLM and KenLM take <unk> for their own unknown word).
ptb_fixture() {
	need_shared ptb/ptb.train.txt
	head -n 400 "$SHARED_DATA/ptb/ptb.train.txt" | sed 's/<unk>/UNKTOK/g' > "$T/train.txt"
	sed 's/<unk>/UNKTOK/g' "$SHARED_DATA/ptb/ptb.valid.txt" |
		awk 'NR == FNR { for (i = 1; i <= NF; i++) v[$i] = 1; next }
		     { for (i = 1; i <= NF; i++) if (!($i in v)) next; print }' "$T/train.txt" - > "$T/test.txt"
}

@test "perplexity: IRSTLM's ARPA files score as IRSTLM's compile-lm --eval scores them (within 0.01)" {
	irst=${IRSTLM:-/usr/lib/irstlm}
	[ -x "$irst/bin/tlm" ] && [ -x "$irst/bin/compile-lm" ] ||
		skip "needs IRSTLM's tlm and compile-lm in $irst/bin (Debian irstlm)"
	ptb_fixture
	"$irst/bin/add-start-end.sh" < "$T/train.txt" > "$T/train.se"
	"$irst/bin/add-start-end.sh" < "$T/test.txt" > "$T/test.se"
	for lm in wb isb; do
		(cd "$T" && IRSTLM=$irst "$irst/bin/tlm" -tr=train.se -n=3 -lm=$lm -ps=no -o=$lm.arpa) > /dev/null 2>&1 ||
			fail "tlm -lm=$lm failed"
		theirs=$(IRSTLM=$irst "$irst/bin/compile-lm" --eval="$T/test.se" "$T/$lm.arpa" 2>&1 | sed -n 's/.* PP=\([0-9.]*\) .*/\1/p')
		[ -n "$theirs" ] || fail "no PP= from compile-lm"
		# the text with its markers (add-start-end.sh's) and without
		for text in test.txt test.se; do
			ours=$(nlp-perplexity --model "$T/$lm.arpa" --json "$T/$text" | sed 's/.*"ppl":\([0-9.e+]*\),.*/\1/')
			echo "$lm $text: IRSTLM $theirs, nlp-perplexity $ours"
			awk -v a="$theirs" -v b="$ours" 'BEGIN { d = a - b; exit !(d < 0.01 && d > -0.01) }' ||
				fail "$lm: IRSTLM's PP $theirs, ours $ours"
		done
		nlp-perplexity --model "$T/$lm.arpa" --save-binary "$T/$lm.lmb"
		nlp-perplexity --model "$T/$lm.arpa" --verbosity word "$T/test.txt" | sed 1,2d > "$T/a"
		nlp-perplexity --model "$T/$lm.lmb" --verbosity word "$T/test.txt" | sed 1,2d > "$T/b"
		assert_same "$T/b" "$T/a"
	done
}

@test "perplexity: KenLM's ARPA files score as KenLM's query scores them (LMPLZ, KENLM_QUERY)" {
	[ -x "${LMPLZ:-}" ] && [ -x "${KENLM_QUERY:-}" ] ||
		skip "needs KenLM: LMPLZ and KENLM_QUERY naming lmplz and query"
	ptb_fixture
	"$LMPLZ" -o 3 -S 10% --discount_fallback < "$T/train.txt" > "$T/k.arpa" 2> /dev/null
	theirs=$("$KENLM_QUERY" -v summary "$T/k.arpa" < "$T/test.txt" 2> /dev/null | sed -n 's/^Perplexity including OOVs:\t//p')
	ours=$(nlp-perplexity --model "$T/k.arpa" "$T/test.txt" | sed -n 's/^Perplexity including OOVs:\t//p')
	echo "KenLM $theirs, nlp-perplexity $ours"
	awk -v a="$theirs" -v b="$ours" 'BEGIN { d = (a - b) / a; exit !(d < 1e-5 && d > -1e-5) }' ||
		fail "KenLM's $theirs, ours $ours"
}
