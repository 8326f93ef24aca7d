#!/usr/bin/env bats
# nlp-tokenize: word rules, Treebank agreement with NLTK, scikit-learn's tokens, graphemes, jamo,
# sentences.

load helper

@test "tokenize: words split by Unicode category, punctuation split off" {
	run nlp-tokenize <<<'Hello, world! (Really?) Ça va... «bien»'
	assert_output 'Hello , world ! ( Really ? ) Ça va ... « bien »'
}

@test "tokenize: numbers with . and , stay whole; hyphenated words stay whole" {
	run nlp-tokenize <<<'pi is 3.14, a crowd of 1,000 people; state-of-the-art e-mail -5'
	assert_output 'pi is 3.14 , a crowd of 1,000 people ; state-of-the-art e-mail - 5'
}

@test "tokenize: English clitics split as in the Treebank, names with apostrophes kept" {
	run nlp-tokenize <<<"I don't think they'll go; we can't, won't. It's O'Neil's rock'n'roll."
	assert_output "I do n't think they 'll go ; we ca n't , wo n't . It 's O'Neil 's rock'n'roll ."
}

@test "tokenize: curly apostrophe clitics" {
	run nlp-tokenize <<<'don’t we’re'
	assert_output 'do n’t we ’re'
}

@test "tokenize: acronyms and abbreviations with inner periods kept" {
	run nlp-tokenize <<<'The U.S. and e.g. the U.K. are fine.'
	assert_output 'The U.S. and e.g. the U.K. are fine .'
}

@test "tokenize: URLs and e-mail addresses whole, or split with -U" {
	run nlp-tokenize <<<'see https://example.com/a?b=1, or www.example.org. mail ann@ex.com!'
	assert_output 'see https://example.com/a?b=1 , or www.example.org . mail ann@ex.com !'
	run nlp-tokenize -U <<<'mail ann@ex.com'
	assert_output 'mail ann @ ex . com'
}

@test "tokenize: Hangul runs are words, CJK ideographs one per token" {
	run nlp-tokenize <<<'나는 東京大学에서 공부했다. 3월에 왔어요!'
	assert_output '나는 東 京 大 学 에서 공부했다 . 3월에 왔어요 !'
}

@test "tokenize: emoji and symbols as grapheme clusters" {
	run nlp-tokenize <<<'I ❤️ NLP 👍🏽👨‍👩‍👧 $5 + 3 = 8 🇰🇷'
	assert_output 'I ❤️ NLP 👍🏽 👨‍👩‍👧 $ 5 + 3 = 8 🇰🇷'
}

@test "tokenize: whitespace of any kind separates; one line in, one line out" {
	run bash -c "printf ' a\tb\xc2\xa0c\xe3\x80\x80d \n\nlast' | nlp-tokenize"
	assert_bytes "$(printf 'a b c d\n\nlast')" "$output"
}

@test "tokenize --ptb: equals NLTK TreebankWordTokenizer on the fixture cases" {
	need_python_module nltk
	run $PY "$NLP_TOP/tests/ptb_compare.py" "$DATA/ptb-cases.txt" 1.0
	assert_success
	assert_output --partial "29 of 29 lines identical"
}

@test "tokenize --ptb: known Treebank outputs" {
	run nlp-tokenize --ptb <<<"They'll save and invest more. \"Cannot\" she said -- gonna go."
	assert_output "They 'll save and invest more. \`\` Can not '' she said -- gon na go ."
}

@test "tokenize --ptb: at least 99% of 10,000 enwiki lines equal NLTK's tokens" {
	need_shared enwiki-100M.txt.xz
	need_python_module nltk
	xz -dc "$SHARED_DATA/enwiki-100M.txt.xz" | head -n 10000 > "$BATS_TEST_TMPDIR/enwiki10k.txt"
	run $PY "$NLP_TOP/tests/ptb_compare.py" "$BATS_TEST_TMPDIR/enwiki10k.txt" 0.99
	assert_success
	assert_output --regexp "of 10000 lines identical"
}

@test "tokenize --chars: extended grapheme clusters" {
	run bash -c "printf 'e\xcc\x81a 한글 🇰🇷👍🏽\n' | nlp-tokenize --chars"
	assert_bytes "$(printf 'e\xcc\x81 a 한 글 🇰🇷 👍🏽')" "$output"
}

@test "tokenize --chars --space: whitespace runs become one token" {
	run nlp-tokenize --chars --space '▁' <<<'ab  cd '
	assert_output 'a b ▁ c d'
	run --separate-stderr nlp-tokenize --space _ <<<'x'
	assert_failure 2
}

@test "tokenize --jamo: syllables into conjoining jamo; --compose restores them" {
	run bash -c "echo '한국어 텍스트, 값' | nlp-tokenize --jamo | od -An -tx1 | tr -d ' \n'"
	# 한 = 1112 1161 11AB, 국 = 1100 116E 11A8, 어 = 110B 1165
	assert_output --partial 'e18492e185a1e186abe18480e185aee186a8e1848be185a5'
	run bash -c "echo '한국어 텍스트, 값' | nlp-tokenize --jamo | nlp-tokenize --compose"
	assert_output '한국어 텍스트 , 값'
}

@test "tokenize --compose: round trip over all 11,172 Hangul syllables" {
	run bash -c "$PY -c 'print(\" \".join(chr(c) for c in range(0xAC00, 0xD7A4)))' > '$BATS_TEST_TMPDIR/s.txt'
		nlp-tokenize --jamo '$BATS_TEST_TMPDIR/s.txt' | nlp-tokenize --compose | cmp - '$BATS_TEST_TMPDIR/s.txt' && echo same"
	assert_output same
}

@test "tokenize --sentences: abbreviations, initials, decimals, Korean endings" {
	run nlp-tokenize --sentences <<<'Mr. Smith paid $3.50 at 5 p.m. today. J. K. Rowling wrote it! Did he? 나는 학교에 갔다. 그리고 집에 왔어요. The U.S. Army is big. See e.g. this one... and that.'
	assert_output "$(printf '%s\n' 'Mr. Smith paid $3.50 at 5 p.m. today.' 'J. K. Rowling wrote it!' 'Did he?' '나는 학교에 갔다.' '그리고 집에 왔어요.' 'The U.S. Army is big.' 'See e.g. this one... and that.')"
}

@test "tokenize --sentences: quotes after the period stay with the sentence; blank lines vanish" {
	run bash -c "printf '\"Stop.\" He left.\n\n  \nEnd\n' | nlp-tokenize -s"
	assert_output "$(printf '%s\n' '"Stop."' 'He left.' 'End')"
}

@test "tokenize: modes exclude each other (exit 2)" {
	run --separate-stderr nlp-tokenize --ptb --chars
	assert_failure 2
	[[ "$stderr" == nlp-tokenize:* ]]
}

@test "tokenize: --invalid=fail reports line and byte" {
	run --separate-stderr bash -c "printf 'ab\xc3(\n' | nlp-tokenize --invalid=fail"
	assert_failure 1
	[[ "$stderr" == *"line 1, byte 3: invalid UTF-8"* ]]
}

@test "tokenize: --help lists every mode, --version" {
	run nlp-tokenize -h
	assert_success
	for o in --ptb --chars --space --jamo --compose --sklearn --keep-case --sentences --no-special \
		--invalid --progress; do
		assert_output --partial -- "$o"
	done
	run nlp-tokenize --version
	assert_output --regexp '^nlp-tokenize [0-9]'
}

@test "tokenize: placeholders of nlp-normalize stay whole" {
	run bash -c "echo 'Mail x@y.com. at 3 pm or <url>!' | nlp-normalize --replace-all | nlp-tokenize"
	assert_output 'Mail <email> . at <num> pm or <url> !'
}

@test "tokenize: an e-mail address before a period, and odd addresses split" {
	run nlp-tokenize <<<'write x@y.com. not a@.b.com'
	assert_output 'write x@y.com . not a @ . b . com'
}

@test "tokenize --sentences: after a decimal number, and CJK full stops without spaces" {
	run nlp-tokenize -s <<<'It costs $3.50. Great! 今日は晴れ。明日は雨。'
	assert_output "$(printf '%s\n' 'It costs $3.50.' 'Great!' '今日は晴れ。' '明日は雨。')"
}

@test "tokenize: the same mode twice is fine; --space needs a token without whitespace" {
	run nlp-tokenize -c -c <<<'ab'
	assert_output 'a b'
	for tok in 'a b' '' "$(printf 'a\xc2\xa0')" "$(printf 'a\001')" "$(printf 'a\377')"; do
		run --separate-stderr nlp-tokenize -c --space "$tok" <<<'ab'
		assert_failure 2
		assert_equal "${stderr_lines[0]}" "nlp-tokenize: --space: the token must be non-empty UTF-8 without whitespace or controls"
	done
}

@test "tokenize: pathological lines stay linear (no hang)" {
	# the last line: a URL and half a million unmatched ')', each of which rescanned the URL (a
	# quadratic scan of it takes minutes even in the optimised build: 120,000 took 9.4 s)
	$PY -c 'import sys; sys.stdout.write("a." * 1000000 + "b @x\n" + "," * 2500000 + "\n" + "a+" * 1000000 + "@\n" + "http://a" + ")" * 500000 + "\n")' > "$BATS_TEST_TMPDIR/p.txt"
	for mode in "" --ptb --sentences; do
		status=0
		timeout 120 nlp-tokenize $mode "$BATS_TEST_TMPDIR/p.txt" > "$BATS_TEST_TMPDIR/out$mode" || status=$?
		[ "$status" -eq 0 ] || fail "nlp-tokenize $mode: status $status"
	done
	run bash -c "tail -n 1 '$BATS_TEST_TMPDIR/out' | awk '{ print NF, \$1, length(\$2) }'"
	assert_output '2 http://a 500000'
	run bash -c "timeout 120 nlp-normalize -r '$BATS_TEST_TMPDIR/p.txt' | wc -l"
	assert_output 4
}

@test "tokenize --ptb: equals NLTK on 20,000 random lines of the rules' trigger pieces" {
	need_python_module nltk
	run $PY "$NLP_TOP/tests/ptb_fuzz.py" 20000
	assert_success
	assert_output "0 of 20000 differ"
}

# sk_tokens FILE [keep]: scikit-learn's default analyzer (lowercase=False with keep) on each line
# of FILE, its tokens joined by spaces, one line each, as nlp-tokenize --sklearn writes them.
sk_tokens() {
	$PY - "$@" <<'EOF'
import sys
from sklearn.feature_extraction.text import CountVectorizer
analyze = CountVectorizer(lowercase=sys.argv[2:] != ['keep']).build_analyzer()
data = open(sys.argv[1], 'rb').read()
lines = data.split(b'\n')
if data.endswith(b'\n'):
    lines = lines[:-1]
for l in lines:
    sys.stdout.buffer.write(' '.join(analyze(l.decode('utf-8'))).encode() + b'\n')
EOF
}

@test "tokenize --sklearn: lower-cased runs of 2 or more word characters" {
	run nlp-tokenize --sklearn <<<"I don't like this actor; it's 3.14 x_y A-B Café."
	assert_output "don like this actor it 14 x_y café"
	run nlp-tokenize --sklearn <<<'한국어 문장은 東京大学 Ⅻ½ ² ab² ١٢'
	assert_output '한국어 문장은 東京大学 ⅻ½ ab² ١٢'
	# marks are no word characters: a decomposed ï splits the word
	run bash -c "printf 'nai\xcc\x88ve na\xc3\xafve\n' | nlp-tokenize --sklearn"
	assert_output "$(printf 'nai ve na\xc3\xafve')"
	run bash -c "printf 'a\n\n!! ?\n' | nlp-tokenize --sklearn | od -An -c"
	assert_output '  \n  \n  \n'
}

@test "tokenize --sklearn: Python's str.lower(): final sigma, dotted I, no case folding" {
	run nlp-tokenize --sklearn <<<"ΟΔΟΣ ΟΔΟΣ. ΣΑΣ Σ ΑΣ'Β ΑΣ' ΑΣ́ ÅΣ ΣΑ İstanbul STRASSE Straße ﬁne ǅemal"
	assert_output "οδος οδος σας ασ ας ας åς σα stanbul strasse straße ﬁne ǆemal"
	run nlp-tokenize --sklearn --keep-case <<<"ΟΔΟΣ İstanbul Straße x"
	assert_output "ΟΔΟΣ İstanbul Straße"
}

@test "tokenize --sklearn: --keep-case needs it; it excludes the other modes (exit 2)" {
	run --separate-stderr nlp-tokenize --keep-case <<<'x'
	assert_failure 2
	[[ "$stderr" == "nlp-tokenize: --keep-case needs --sklearn"* ]] || fail "$stderr"
	for m in -p -c -j -J -s; do
		run --separate-stderr nlp-tokenize --sklearn $m <<<'x'
		assert_failure 2
		[[ "$stderr" == "nlp-tokenize: --ptb, --chars, --jamo, --compose, --sklearn and --sentences exclude each other"* ]] || fail "$m: $stderr"
	done
}

@test "tokenize --sklearn: equals scikit-learn on every character Python assigns, in sigma contexts" {
	need_python_module sklearn
	cd "$BATS_TEST_TMPDIR"
	$PY - <<'EOF'
import random, unicodedata as ud
random.seed(5)
cps = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000 and c not in (10, 13)
       and ud.category(chr(c)) != 'Cn']
out = []
for i in range(0, len(cps), 64):  # each character inside and beside words and capital sigmas
    out.append(' '.join('a%sΣ%sb %s%s Σ%s %sΣ' % ((c,) * 6) for c in cps[i:i + 64]))
for _ in range(3000):
    out.append(''.join(random.choice(cps) if random.random() < 0.3 else random.choice('ΣσΑaİI .\'\u0301_1Ⅻ ') for _ in range(40)))
open('u.txt', 'w', encoding='utf-8', newline='\n').write('\n'.join(out) + '\n')
EOF
	sk_tokens u.txt > want.txt
	nlp-tokenize --sklearn u.txt > got.txt
	run cmp want.txt got.txt
	assert_success
	sk_tokens u.txt keep > want.txt
	nlp-tokenize --sklearn --keep-case u.txt > got.txt
	run cmp want.txt got.txt
	assert_success
	[ "$(wc -l < got.txt)" -gt 5000 ]
}

@test "tokenize --sklearn: 10,000 lines of enwiki-100M give scikit-learn's tokens byte for byte" {
	need_shared enwiki-100M.txt.xz
	need_python_module sklearn
	cd "$BATS_TEST_TMPDIR"
	xz -dc "$SHARED_DATA/enwiki-100M.txt.xz" | head -n 10000 > en.txt
	sk_tokens en.txt > want.txt
	nlp-tokenize --sklearn en.txt > got.txt
	run cmp want.txt got.txt
	assert_success
	[ "$(wc -w < got.txt)" -gt 500000 ]
}

@test "tokenize --sklearn: bad UTF-8 under each policy; long runs around sigmas stay linear" {
	run --separate-stderr bash -c "printf 'ab\xffcd e\xc3\n' | nlp-tokenize --sklearn"
	assert_output "$(printf 'ab cd')"
	run --separate-stderr bash -c "printf 'ab\xffcd e\xc3\n' | nlp-tokenize --sklearn --invalid skip"
	assert_output 'abcd'
	run --separate-stderr bash -c "printf 'ok\nab\xffcd\n' | nlp-tokenize --sklearn --invalid fail"
	assert_failure 1
	assert_output 'ok'
	assert_equal "$stderr" "nlp-tokenize: <stdin>: line 2, byte 3: invalid UTF-8"
	$PY -c 'import sys; sys.stdout.write("AΣ." * 1000000 + "\n" + "A" + "." * 4000000 + "Σ" + "\u0301" * 4000000 + "\n")' > "$BATS_TEST_TMPDIR/s.txt"
	# a sigma before "." and a letter is not final, the last one is; a lone ς is no token
	run bash -c "timeout 60 nlp-tokenize --sklearn '$BATS_TEST_TMPDIR/s.txt' | awk '{ print NF, \$1, \$NF }'"
	assert_success
	assert_output "$(printf '1000000 aσ aς\n0  ')"
}
