#!/usr/bin/env bats
# libnlp: unit tests of the library (string table, RNG, numbers, reader, UTF-8 repair, the matrix
# format with its round trips and every rejection, and the normalizer's fast path against
# utf8proc for every BMP character; the ARPA reader's numbers against strtof, an n-gram model
# built entry by entry; the perplexity scorer over a model that is not an n-gram model).

load helper

@test "libnlp: unit tests pass" {
	run test-lib
	echo "$output"
	assert_success
	refute_output --partial FAIL
	assert_output --partial 'ok norm fast path equals utf8proc for every BMP character'
	assert_output --partial 'ok matrix rejects unsorted triples'
	assert_output --partial 'ok matrix dense f64 round trip, bit exact'
	assert_output --partial 'ok lm_parse_float within 1 ulp of strtof'
	assert_output --partial 'ok lm builder: the binary form reads back to the same queries'
	assert_output --partial 'ok lm score: a model without n-grams, its files, markers, OOVs, zeroprobs, a failure'
	assert_output --partial 'ok stem cache: every stem equals libstemmer'"'"'s, across two clearings'
}
