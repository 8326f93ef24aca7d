#!/usr/bin/env bats
# nlp-stopword: built-in lists, user lists, case folding, --keep, Korean particle splitting.

load helper

# meets_goal LINE: the line's f1= is at least 0.95 and its oversplit= at most 0.03 (issue 11).
meets_goal() {
	[[ "$1" =~ f1=([0-9.]+)\ oversplit=([0-9.]+) ]] || fail "no f1= and oversplit= in: $1"
	awk -v f="${BASH_REMATCH[1]}" -v o="${BASH_REMATCH[2]}" \
		'BEGIN { exit !(f >= 0.95 && o <= 0.03) }' ||
		fail "below the goal (F1 >= 0.95, oversplit <= 0.03): $1"
}

@test "stopword: English list by default removes function words" {
	run nlp-stopword <<<'this movie is a famous movie and i liked it'
	assert_output 'movie famous movie liked'
}

@test "stopword: matching is exact unless -i; -i uses full case folding" {
	run nlp-stopword <<<'The THE the Movie'
	assert_output 'The THE Movie'
	run nlp-stopword -i <<<'The THE the Movie'
	assert_output 'Movie'
}

@test "stopword: --keep keeps only the stopwords" {
	run nlp-stopword --keep <<<'this movie is famous'
	assert_output 'this is'
}

@test "stopword: Korean list removes particles and function words given as tokens" {
	run nlp-stopword --lang ko <<<'나 는 영화 를 보았다 그리고 집 에 갔다'
	assert_output '영화 보았다 집 갔다'
}

@test "stopword: --split-particles splits a trailing particle off (영화가 -> 영화)" {
	run nlp-stopword -L ko --split-particles <<<'영화가 정말 재미있었다 학교에서 친구와 도서관에서는'
	assert_output '영화 정말 재미있었다 학교 친구 도서관'
	run nlp-stopword -L ko --split-particles --keep <<<'영화가 학교에서는'
	assert_output '가 에서는'
}

@test "stopword: stacked particles are cut as one chain, and -L ko removes the chain" {
	local in='학교에서는 친구에게도 오늘까지만 서울로부터 집에만 회사에서의 내일까지도 사과보다는'
	run nlp-stopword --list /dev/null --split-particles <<<"$in"
	assert_output '학교 에서는 친구 에게도 오늘 까지만 서울 로부터 집 에만 회사 에서의 내일 까지도 사과 보다는'
	run nlp-stopword -L ko --split-particles <<<"$in"
	assert_output '학교 친구 오늘 서울 집 회사 내일 사과'
}

@test "stopword: verb and adjective endings, and words that end like particles, stay whole" {
	local in='있는 같은 많은 모든 정의 함께 그러나 나이 도로 서로 하고 먹으면'
	run nlp-stopword --list /dev/null --split-particles <<<"$in"
	assert_output "$in"
}

@test "stopword: -L ko keeps a common word that would split into stopwords (수도, not 수 + 도)" {
	run nlp-stopword -L ko --split-particles <<<'수도 나이 도로 서로 도 나는 수도를 나이가'
	assert_output '수도 나이 도로 서로 수도 나이'
}

@test "stopword: --split-particles on the fixture: F1 >= 0.95, at most 3% of whole words split" {
	# tests/data/ko-particles.tsv: word<TAB>gold stem; one word a line in, its stem first out
	run bash -c "grep -v '^#' '$DATA/ko-particles.tsv' | cut -f1 |
		nlp-stopword --list /dev/null --split-particles |
		paste <(grep -v '^#' '$DATA/ko-particles.tsv') - | awk -F'\t' '
		{ split(\$3, t, \" \"); pred = t[1]; whole = \$1 == \$2
		  if (whole) { nw++; if (pred != \$1) over++ } else { ng++; if (pred == \$2) tp++ }
		  if (pred != \$1) ps++ }
		END { p = tp / ps; r = tp / ng
		      printf \"f1=%.3f oversplit=%.3f\\n\", 2 * p * r / (p + r), over / nw }'"
	assert_success
	echo "$output"
	meets_goal "$output"
}

@test "stopword: --split-particles on the UD Korean dev sets (the scorer of ../shared/bench)" {
	local f scorer="$SHARED_DATA/../bench/eval_particles.py"
	need_shared ud-korean/ko_gsd-ud-dev.conllu.xz
	[ -f "$scorer" ] || skip "needs $scorer"
	for f in gsd kaist; do
		run "$PY" "$scorer" "$SHARED_DATA/ud-korean/ko_$f-ud-dev.conllu.xz" -- \
			nlp-stopword --list /dev/null --split-particles
		assert_success
		echo "$f: $output"
		meets_goal "$output"
	done
}

@test "stopword: a corrupt particle lexicon or model is rejected with its line" {
	local d="$BATS_TEST_TMPDIR/d"
	mkdir -p "$d/particles"
	# file<TAB>contents<TAB>message
	while IFS=$'\t' read -r file body want; do
		rm -f "$d/particles/"*
		printf "$body" > "$d/particles/$file"
		run --separate-stderr env NLP_DATADIR="$d" nlp-stopword --split-particles <<<'영화가'
		assert_failure 1
		[[ "$stderr" == "nlp-stopword: $d/particles/$file: $want"* ]] ||
			fail "$file '$body': got '$stderr', want '$want'"
	done <<-'EOF'
	ko-lexicon.tsv	nlp-particles-lexicon 1\n영화\t5\n	line 1: not a particle lexicon
	ko-lexicon.tsv		not a particle lexicon (empty)
	ko-lexicon.tsv	#nlp-particles-lexicon 1\n영화 5\n	line 2: expected KEY<TAB>VALUE
	ko-lexicon.tsv	#nlp-particles-lexicon 1\n영화\t0\n	line 2: value '0' is too small
	ko-lexicon.tsv	#nlp-particles-lexicon 1\n영화\t5x\n	line 2: value '5x' is invalid
	ko-lexicon.tsv	#nlp-particles-lexicon 1\nmovie\t5\n	line 2: a word that is not all
	ko-lexicon.tsv	#nlp-particles-lexicon 1\n영화\t5\n영화\t6\n	line 3: the word is given
	ko-lexicon.tsv	#nlp-particles-lexicon 1\n\xea\xb0\t5\n	line 2: invalid UTF-8
	ko-model.tsv	#nlp-particles-model 1\nbias\tnan\n	line 2: value 'nan' is invalid
	ko-model.tsv	#nlp-particles-model 1\nbias\t1e400\n	line 2: value '1e400' is too large
	ko-model.tsv	#nlp-particles-model 1\nbias\t1\t2\n	line 2: expected FEATURE<TAB>WEIGHT
	ko-model.tsv	#nlp-particles-model 1\nbias\t1\nbias\t2\n	line 3: the feature is given
	ko-model.tsv	#nlp-particles-lexicon 1\n	line 1: not a particle model
	EOF
}

@test "stopword: --split-particles without its data is a runtime error" {
	local t="$BATS_TEST_TMPDIR"
	[ ! -e /usr/local/share/nlp/particles ] || skip "an installed share/nlp/particles is found"
	mkdir -p "$t/bin" "$t/share/nlp"
	cp "$(command -v nlp-stopword)" "$t/bin/"
	cp -r "$NLP_TOP/share/nlp/stopwords" "$t/share/nlp/"
	run --separate-stderr env NLP_DATADIR= "$t/bin/nlp-stopword" --split-particles <<<'x'
	assert_failure 1
	[[ "$stderr" == "nlp-stopword: --split-particles: particles/ko-lexicon.tsv not found"* ]]
}

@test "stopword: a particle alone is not split off itself (가 stays a token)" {
	run nlp-stopword -L en --split-particles <<<'가 이 영화가'
	assert_output '가 이 영화 가'
}

@test "stopword: several languages at once" {
	run nlp-stopword -L en,ko <<<'the 영화 는 good'
	assert_output '영화 good'
}

@test "stopword: a user list replaces the built-in ones unless --lang is given" {
	printf '# my list\nmovie  \n\n  famous # trailing comment\n' > "$BATS_TEST_TMPDIR/l.txt"
	run nlp-stopword --list "$BATS_TEST_TMPDIR/l.txt" <<<'this movie is famous'
	assert_output 'this is'
	run nlp-stopword --list "$BATS_TEST_TMPDIR/l.txt" -L en <<<'this movie is famous too'
	assert_output ''
}

@test "stopword: spacing is normalized to single spaces, empty lines kept" {
	run bash -c "printf 'a  movie\tthe  end\n\nthe\n' | nlp-stopword"
	assert_bytes "$(printf 'movie end\n\n')" "$output"
}

@test "stopword: lists are found beside an installed program and through NLP_DATADIR" {
	mkdir -p "$BATS_TEST_TMPDIR/d/stopwords"
	echo movie > "$BATS_TEST_TMPDIR/d/stopwords/xx.txt"
	run env NLP_DATADIR="$BATS_TEST_TMPDIR/d" nlp-stopword -L xx <<<'the movie'
	assert_output 'the'
	make -C "$NLP_TOP" -s install PREFIX="$BATS_TEST_TMPDIR/p" >/dev/null
	run "$BATS_TEST_TMPDIR/p/bin/nlp-stopword" <<<'the movie'
	assert_output 'movie'
}

@test "stopword: unknown language is a usage error; missing list file exit 1" {
	run --separate-stderr nlp-stopword -L klingon <<<'x'
	assert_failure 2
	[[ "$stderr" == *"no built-in list for 'klingon'"* ]]
	run --separate-stderr nlp-stopword -L '../etc' <<<'x'
	assert_failure 2
	run --separate-stderr nlp-stopword --list /nonexistent <<<'x'
	assert_failure 1
	[[ "$stderr" == "nlp-stopword: open /nonexistent: No such file or directory" ]]
}

@test "stopword: a list with invalid UTF-8 is rejected with its line" {
	printf 'ok\nbad\xff\n' > "$BATS_TEST_TMPDIR/bad.txt"
	run --separate-stderr nlp-stopword --list "$BATS_TEST_TMPDIR/bad.txt" <<<'x'
	assert_failure 1
	[[ "$stderr" == *"bad.txt: line 2: invalid UTF-8"* ]]
}

@test "stopword: built-in lists have the documented sizes and sources" {
	run grep -vc '^#' "$NLP_TOP/share/nlp/stopwords/en.txt"
	assert_output 179
	run grep -c 'Source:' "$NLP_TOP/share/nlp/stopwords/ko.txt"
	assert_output 1
}

@test "stopword: --help and --version" {
	run nlp-stopword --help
	assert_success
	assert_output --partial '--split-particles'
	run nlp-stopword --version
	assert_output --regexp '^nlp-stopword [0-9]'
}

@test "stopword: an empty --lang is a usage error" {
	run --separate-stderr nlp-stopword -L '' <<<'x'
	assert_failure 2
	[[ "$stderr" == *"no language given"* ]]
}
