#!/usr/bin/env bats
# nlp-stopword: built-in lists, user lists, case folding, --keep, Korean particle splitting.

load helper

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

@test "stopword: --split-particles splits the longest trailing particle (영화가 -> 영화)" {
	run nlp-stopword -L ko --split-particles <<<'영화가 정말 재미있었다 학교에서 친구와 도서관에서는'
	assert_output '영화 정말 재미있었다 학교 친구 도서관'
	run nlp-stopword -L ko --split-particles --keep <<<'영화가 학교에서는'
	assert_output '가 에서는'
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
