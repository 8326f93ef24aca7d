#!/usr/bin/env bats
# nlp-stem: Snowball stems in every language of libstemmer against python3-snowballstemmer,
# WordNet lemmas against NLTK's WordNetLemmatizer, the blanks kept, every option, bad input.
# tests/data/stem/words.txt: 4,000 tokens, a line each: English, Korean and hand-written inflected
# forms of the other languages, the English and Korean stopword lists, the tokens of the sample
# corpus and of the test fixtures, and English words with endings added (s, es, ed, ing, er, est).

load helper

WORDS="$DATA/stem/words.txt"

# wordnet DIR: a small WordNet of nouns and verbs in DIR, for --wordnet and $WNSEARCHDIR.
wordnet() {
	mkdir -p "$1"
	printf '  1 licence line\n  2 more licence\ncat n 1 0 1 0 02121620  \nmouse n 2 0 2 0 1 2  \n' \
		> "$1/index.noun"
	printf 'mice mouse\ncats dog\n' > "$1/noun.exc"
	printf 'run v 1 0 1 0 01926311  \n' > "$1/index.verb"
	printf 'ran run\n' > "$1/verb.exc"
}

@test "stem: the seeds' examples: jumps jumping jumped, is am are" {
	run nlp-stem <<<'jumps jumping jumped'
	assert_output 'jump jump jump'
	run nlp-stem --lemma --pos v <<<'is am are'
	assert_output 'be be be'
}

@test "stem: the blanks between tokens are copied as they are, every line gives one" {
	printf '  jump   jump\tjump  \n\n\t\nponi\r\v\fx\n' > "$BATS_TEST_TMPDIR/want"
	run bash -c "printf '  jumps   jumping\tjumped  \n\n\t\nponies\r\v\fx\n' | nlp-stem |
		cmp - '$BATS_TEST_TMPDIR/want' && echo same"
	assert_output same
	run bash -c "printf '  dogs \t geese \n' | nlp-stem --lemma"
	assert_bytes '  dog 	 goose ' "$output"
	run bash -c "printf 'jumps' | nlp-stem"
	assert_output 'jump'
}

@test "stem: -L and --lang choose the stemmer; porter is Porter's original" {
	run nlp-stem <<<'generously fairly running cats'
	assert_output 'generous fair run cat'
	run nlp-stem -L english <<<'generously fairly running cats'
	assert_output 'generous fair run cat'
	run nlp-stem --lang porter <<<'generously fairly running cats'
	assert_output 'gener fairli run cat'
	run nlp-stem -L german <<<'häuser laufen freundlichkeit'
	assert_output 'haus lauf freundlich'
	run nlp-stem --lang=french <<<'maisons parlaient nationales'
	assert_output 'maison parl national'
	run nlp-stem -L russian <<<'книгами говорили'
	assert_output 'книг говор'
}

@test "stem: ISO 639 codes libstemmer accepts name the same stemmers" {
	local code lang
	while read -r code lang; do
		run bash -c "nlp-stem -L $code < '$WORDS' | cmp - <(nlp-stem -L $lang < '$WORDS') && echo same"
		assert_output same
	done <<-'EOF'
	en english
	eng english
	de german
	deu german
	fr french
	fre french
	es spanish
	ru russian
	tr turkish
	EOF
}

@test "stem: --list prints the 29 languages of libstemmer 2.2, one a line" {
	run nlp-stem --list
	assert_success
	assert_output "$(printf '%s\n' arabic armenian basque catalan danish dutch english finnish \
		french german greek hindi hungarian indonesian irish italian lithuanian nepali norwegian \
		porter portuguese romanian russian serbian spanish swedish tamil turkish yiddish)"
	run nlp-stem --list -L klingon
	assert_success
	assert_line english
}

@test "stem: an unknown language is a usage error that names --list" {
	local l
	for l in klingon English ko '' 'en glish' ../english; do
		run --separate-stderr nlp-stem -L "$l" <<<'x'
		assert_failure 2
		assert_equal "${stderr%%$'\n'*}" "nlp-stem: --lang: unknown language '$l' (--list lists the languages)"
		[[ "$stderr" == *"usage: nlp-stem "* ]] || fail "$stderr"
		assert_output ''
	done
}

@test "stem: case is kept; lower-cased first, capitals stem too" {
	run nlp-stem <<<'Jumping JUMPING Ponies'
	assert_output 'Jump JUMPING Poni'
	run bash -c "echo 'Jumping JUMPING Ponies' | nlp-normalize -l | nlp-stem"
	assert_output 'jump jump poni'
	run nlp-stem --lemma <<<'Dogs DOGS dogs'
	assert_output 'Dogs DOGS dog'
}

@test "stem: every language agrees with python3-snowballstemmer on the fixture's words" {
	need_python_module snowballstemmer
	local d="$BATS_TEST_TMPDIR" langs l
	langs=$(nlp-stem --list)
	for l in $langs; do
		nlp-stem -L "$l" < "$WORDS" > "$d/$l.out" || fail "nlp-stem -L $l: exit $?"
	done
	run $PY "$NLP_TOP/tests/stem_ref.py" stems "$WORDS" "$d" $langs
	echo "$output"
	assert_success
	assert_line 'english: 4161 words, 0 differ'
	assert_line 'yiddish: 4161 words, 0 differ'
	assert_line '29 checks'
}

@test "stem: english, porter, german and french agree with python3-snowballstemmer on the PTB vocabulary" {
	need_shared ptb/ptb.train.txt
	need_python_module snowballstemmer
	local d="$BATS_TEST_TMPDIR" l
	tr ' ' '\n' < "$SHARED_DATA/ptb/ptb.train.txt" | grep -v '^$' | sort -u > "$d/vocab.txt"
	for l in english porter german french; do
		nlp-stem -L "$l" < "$d/vocab.txt" > "$d/$l.out" || fail "nlp-stem -L $l: exit $?"
	done
	run $PY "$NLP_TOP/tests/stem_ref.py" stems "$d/vocab.txt" "$d" english porter german french
	echo "$output"
	assert_success
	assert_line 'english: 9999 words, 0 differ'
	assert_line '4 checks'
}

@test "stem: lemmas equal NLTK's WordNetLemmatizer for n, v, a, r and s on the fixture's words" {
	need_python_module nltk
	local d="$BATS_TEST_TMPDIR" p
	for p in n v a r s; do
		nlp-stem --lemma --pos "$p" < "$WORDS" > "$d/$p.out" || fail "--pos $p: exit $?"
	done
	# the default is n
	nlp-stem --lemma < "$WORDS" | cmp - "$d/n.out" || fail "--lemma differs from --lemma --pos n"
	run $PY "$NLP_TOP/tests/stem_ref.py" lemmas "$WORDS" "$d" n v a r s
	echo "$output"
	assert_success
	assert_line 'n: 4161 words, 0 differ'
	assert_line 'v: 4161 words, 0 differ'
	assert_line '5 checks'
}

@test "stem: lemmas equal NLTK's WordNetLemmatizer on the PTB vocabulary" {
	need_shared ptb/ptb.train.txt
	need_python_module nltk
	local d="$BATS_TEST_TMPDIR" p
	tr ' ' '\n' < "$SHARED_DATA/ptb/ptb.train.txt" | grep -v '^$' | sort -u > "$d/vocab.txt"
	for p in n v a r; do
		nlp-stem --lemma --pos "$p" < "$d/vocab.txt" > "$d/$p.out" || fail "--pos $p: exit $?"
	done
	run $PY "$NLP_TOP/tests/stem_ref.py" lemmas "$d/vocab.txt" "$d" n v a r
	echo "$output"
	assert_success
	assert_line 'n: 9999 words, 0 differ'
	assert_line '4 checks'
}

@test "stem: --pos: each part of speech with its rules and exceptions" {
	local in='geese churches wolves women went running bigger best better hardest ran happily'
	run nlp-stem --lemma <<<"$in"
	assert_output 'goose church wolf woman went running bigger best better hardest ran happily'
	run nlp-stem --lemma --pos n <<<"$in"
	assert_output 'goose church wolf woman went running bigger best better hardest ran happily'
	run nlp-stem --lemma --pos v <<<"$in"
	assert_output 'geese church wolves women go run bigger best better hardest run happily'
	run nlp-stem --lemma --pos a <<<"$in"
	assert_output 'geese churches wolves women went running big best good hard ran happily'
	run nlp-stem --lemma --pos s <<<"$in"
	assert_output 'geese churches wolves women went running big best good hard ran happily'
	run nlp-stem --lemma --pos r <<<"$in"
	# (best: itself and well, both adverbs of the same length: the first)
	assert_output 'geese churches wolves women went running bigger best well hard ran happily'
}

@test "stem: the exception lists as NLTK reads them: a form given twice keeps its last bases" {
	# noun.exc: involucra involucre, then involucra involucrum (not a lemma): NLTK's dict keeps
	# the second line, so the word stays; adj.exc: offer off, then offer offer
	run nlp-stem --lemma <<<'involucra aurar diastemata'
	assert_output 'involucra eyrir diastema'
	run nlp-stem --lemma --pos a <<<'offer'
	assert_output 'offer'
	# the first of the shortest: axes is ax, axis and axe; abaci abacus
	run nlp-stem --lemma <<<'axes abaci'
	assert_output 'ax abacus'
}

@test "stem: a bad --pos, and --pos or --wordnet without --lemma, or --lemma with --lang, are usage errors" {
	run --separate-stderr nlp-stem --lemma --pos x <<<'dogs'
	assert_failure 2
	[[ "$stderr" == "nlp-stem: --pos: 'x' is not "* ]] || fail "$stderr"
	run --separate-stderr nlp-stem --lemma --pos nv <<<'dogs'
	assert_failure 2
	run --separate-stderr nlp-stem --pos v <<<'dogs'
	assert_failure 2
	[[ "$stderr" == "nlp-stem: --pos and --wordnet go with --lemma"* ]] || fail "$stderr"
	run --separate-stderr nlp-stem --wordnet /usr/share/wordnet <<<'dogs'
	assert_failure 2
	run --separate-stderr nlp-stem --lemma -L english <<<'dogs'
	assert_failure 2
	[[ "$stderr" == "nlp-stem: --lemma gives English lemmas; --lang chooses a stemmer"* ]] ||
		fail "$stderr"
}

@test "stem: --wordnet DIR, else \$WNSEARCHDIR, else /usr/share/wordnet; only the files of the part of speech" {
	local d="$BATS_TEST_TMPDIR/wn"
	wordnet "$d"
	# (cats is an exception whose one base is no lemma: it stays, the rules are not tried)
	run nlp-stem --lemma --wordnet "$d" <<<'mice cats dogs geese cat'
	assert_output 'mouse cats dogs geese cat'
	run env WNSEARCHDIR="$d" nlp-stem --lemma <<<'mice cats dogs geese cat'
	assert_output 'mouse cats dogs geese cat'
	run env WNSEARCHDIR="$d" nlp-stem --lemma --wordnet /usr/share/wordnet <<<'mice cats dogs geese'
	assert_output 'mouse cat dog goose'
	run env WNSEARCHDIR= nlp-stem --lemma <<<'mice cats dogs geese'
	assert_output 'mouse cat dog goose'
	run nlp-stem --lemma --pos v --wordnet "$d" <<<'ran runs running'
	assert_output 'run run running'
	# the adjectives' files are missing: only --pos a needs them
	run --separate-stderr nlp-stem --lemma --pos a --wordnet "$d" <<<'big'
	assert_failure 1
	assert_equal "$stderr" "nlp-stem: open $d/index.adj: No such file or directory"
	rm "$d/noun.exc"
	run --separate-stderr nlp-stem --lemma --wordnet "$d" <<<'mice'
	assert_failure 1
	assert_equal "$stderr" "nlp-stem: open $d/noun.exc: No such file or directory"
	run --separate-stderr nlp-stem --lemma --wordnet /no/such/dir <<<'mice'
	assert_failure 1
	assert_equal "$stderr" "nlp-stem: open /no/such/dir/index.noun: No such file or directory"
	run --separate-stderr nlp-stem --lemma --wordnet "$BATS_TEST_TMPDIR" <<<'mice'
	assert_failure 1
	[[ "$stderr" == "nlp-stem: open $BATS_TEST_TMPDIR/index.noun: "* ]] || fail "$stderr"
}

@test "stem: a garbled or foreign WordNet file is an error naming the file and the line" {
	local d="$BATS_TEST_TMPDIR/wn" file body want
	# file<TAB>contents<TAB>message
	while IFS=$'\t' read -r file body want; do
		wordnet "$d"
		printf "$body" > "$d/$file"
		run --separate-stderr nlp-stem --lemma --wordnet "$d" <<<'mice'
		assert_failure 1
		assert_equal "$stderr" "nlp-stem: $d/$file: $want"
		assert_output ''
	done <<-'EOF'
	index.noun	cat n 1 0 1 0 02121620\ndog v 1 0\n	line 2: not a line of a WordNet index (LEMMA n SYNSET_CNT ...)
	index.noun	cat\n	line 1: not a line of a WordNet index (LEMMA n SYNSET_CNT ...)
	index.noun	cat n x\n	line 1: not a line of a WordNet index (LEMMA n SYNSET_CNT ...)
	index.noun	root:x:0:0:root:/root:/bin/bash\n	line 1: not a line of a WordNet index (LEMMA n SYNSET_CNT ...)
	index.noun	  1 licence\nca\xfft n 1 0\n	line 2: invalid UTF-8
	index.noun	  1 only the licence\n\n	no lemma (not a WordNet index)
	noun.exc	mice mouse\nm\xc3ce mouse\n	line 2: invalid UTF-8
	EOF
	# an empty file, random bytes, and a directory where the file should be
	: > "$d/index.noun"
	run --separate-stderr nlp-stem --lemma --wordnet "$d" <<<'mice'
	assert_failure 1
	assert_equal "$stderr" "nlp-stem: $d/index.noun: no lemma (not a WordNet index)"
	head -c 100000 /dev/urandom > "$d/index.noun"
	run --separate-stderr nlp-stem --lemma --wordnet "$d" <<<'mice'
	assert_failure 1
	[[ "$stderr" == "nlp-stem: $d/index.noun: line "* ]] || fail "$stderr"
	rm "$d/index.noun" && mkdir "$d/index.noun"
	run --separate-stderr nlp-stem --lemma --wordnet "$d" <<<'mice'
	assert_failure 1
	assert_equal "$stderr" "nlp-stem: read $d/index.noun: Is a directory"
}

@test "stem: an exception list may be empty, hold blank lines and forms without bases" {
	local d="$BATS_TEST_TMPDIR/wn"
	wordnet "$d"
	printf '\n  \nmice\ncats\tcat dog\n' > "$d/noun.exc"
	run nlp-stem --lemma --wordnet "$d" <<<'mice cats'
	assert_output 'mice cat'
	: > "$d/noun.exc"
	run nlp-stem --lemma --wordnet "$d" <<<'mice cats'
	assert_output 'mice cat'
}

@test "stem: --lemma lemmatizes tokens up to 24 bytes longer than the longest lemma, passes longer ones" {
	# the longest noun of WordNet 3.0 has 71 bytes: 95 are lemmatized, as NLTK does, 96 not
	local s92
	s92=$(printf 's%.0s' $(seq 92))
	run nlp-stem --lemma <<<"dog$s92 dog${s92}s"
	assert_output "dog dog${s92}s"
}

@test "stem: invalid UTF-8 under each --invalid policy" {
	run --separate-stderr bash -c "printf 'jumps\xffjumping ponies\n' | nlp-stem"
	assert_success
	assert_output $'jumps\xef\xbf\xbdjump poni'
	[[ "$stderr" == "nlp-stem: <stdin>: line 1: invalid UTF-8 replaced by U+FFFD"* ]] || fail "$stderr"
	run --separate-stderr bash -c "printf 'jumps\xffjumping ponies\n' | nlp-stem --invalid=skip"
	assert_output 'jumpsjump poni'
	run --separate-stderr bash -c "printf 'ponies\njumps\xffjumping\n' | nlp-stem --invalid fail"
	assert_failure 1
	assert_output 'poni'
	assert_equal "$stderr" "nlp-stem: <stdin>: line 2, byte 6: invalid UTF-8"
	run --separate-stderr bash -c "printf 'dogs\xff\n' | nlp-stem --lemma --invalid=replace"
	assert_output $'dogs\xef\xbf\xbd'
	run --separate-stderr nlp-stem --invalid=maybe
	assert_failure 2
}

@test "stem: a 10 MB token, empty input and empty lines" {
	$PY -c 'import sys; sys.stdout.write("ab" * 5000000 + "ing jumps\n")' > "$BATS_TEST_TMPDIR/big.txt"
	run bash -c "nlp-stem < '$BATS_TEST_TMPDIR/big.txt' | od -An -c | sed -n '1p;\$p' | tr -s ' '"
	assert_output "$(printf '%s\n' ' a b a b a b a b a b a b a b a b' ' j u m p \n')"
	run bash -c "nlp-stem < '$BATS_TEST_TMPDIR/big.txt' | wc -c"
	assert_output 10000006
	# (the long token passes as it is, the next one is lemmatized)
	run bash -c "nlp-stem --lemma < '$BATS_TEST_TMPDIR/big.txt' > '$BATS_TEST_TMPDIR/out' &&
		cmp -n 10000003 '$BATS_TEST_TMPDIR/out' '$BATS_TEST_TMPDIR/big.txt' && tail -c 6 '$BATS_TEST_TMPDIR/out'"
	assert_output ' jump'
	run nlp-stem < /dev/null
	assert_success
	assert_output ''
	run nlp-stem --lemma < /dev/null
	assert_success
	assert_output ''
	run bash -c "printf '\n\n' | nlp-stem -L german | od -An -c"
	assert_output '  \n  \n'
}

@test "stem: files in turn, - for stdin; a missing file is reported and the others still stemmed" {
	printf 'jumps\n' > "$BATS_TEST_TMPDIR/a.txt"
	run --separate-stderr bash -c "echo ponies | nlp-stem '$BATS_TEST_TMPDIR/a.txt' - /no/such '$BATS_TEST_TMPDIR/a.txt'"
	assert_failure 1
	assert_output "$(printf 'jump\nponi\njump')"
	assert_equal "$stderr" "nlp-stem: open /no/such: No such file or directory"
}

@test "stem: --progress reports on stderr only" {
	run --separate-stderr bash -c "echo jumps | nlp-stem --progress"
	assert_output 'jump'
	[[ "$stderr" =~ ^nlp-stem:\ 1\ lines\ \(6\ B\)\ read,\ 5\ B\ written,\ [0-9.]+\ s,\ peak ]] ||
		fail "$stderr"
	run --separate-stderr bash -c "echo dogs | nlp-stem --lemma --progress"
	assert_output 'dog'
	[[ "$stderr" =~ ^nlp-stem:\ 1\ lines\ \(5\ B\)\ read,\ 4\ B\ written ]] || fail "$stderr"
	run --separate-stderr bash -c "echo dogs | nlp-stem"
	assert_equal "$stderr" ''
}

@test "stem: --help and --version" {
	run nlp-stem --help
	assert_success
	assert_line --index 0 --partial 'usage: nlp-stem [-L lang] [--lemma'
	assert_output --partial '--wordnet DIR'
	run nlp-stem -h
	assert_success
	run nlp-stem --version
	assert_output --regexp '^nlp-stem [0-9]'
	run --separate-stderr nlp-stem --no-such-option
	assert_failure 2
	[[ "$stderr" == *"usage: nlp-stem "* ]] || fail "$stderr"
}
