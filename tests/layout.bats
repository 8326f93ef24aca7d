#!/usr/bin/env bats
# layout: every program has its source, man page and tests; every option its --help prints is in
# its page; man pages lint clean; the README keeps its two set-up commands.

load helper

@test "layout: each program has src, man page, bats file and a binary" {
	for p in $PROGS; do
		[ -f "$NLP_TOP/src/nlp-$p.c" ] || fail "no src/nlp-$p.c"
		[ -f "$NLP_TOP/man/man1/nlp-$p.1" ] || fail "no man/man1/nlp-$p.1"
		[ -f "$NLP_TOP/tests/nlp-$p.bats" ] || fail "no tests/nlp-$p.bats"
		command -v "nlp-$p" >/dev/null || fail "nlp-$p not built"
	done
	[ -f "$NLP_TOP/man/man1/nlp.1" ] && [ -f "$NLP_TOP/man/man7/nlp.7" ]
}

@test "layout: no stray program sources outside the Makefile's list" {
	for f in "$NLP_TOP"/src/nlp-*.c; do
		p=$(basename "$f" .c); p=${p#nlp-}
		[[ " $PROGS " == *" $p "* ]] || fail "src/nlp-$p.c is not in PROGS"
	done
}

@test "layout: every option in --help appears in the man page" {
	for p in $PROGS; do
		page="$NLP_TOP/man/man1/nlp-$p.1"
		for o in $("nlp-$p" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
			name=${o#--}
			grep -qE -- "(Fl|\\\\-|-)-?$name\\b" "$page" || fail "nlp-$p: $o missing from $page"
		done
		for o in $("nlp-$p" --help | grep -oE -- '^  -[A-Za-z]' | tr -d ' ' | sort -u); do
			grep -qE -- "Fl ${o#-}\\b|Fl ${o#-}[A-Za-z]*\\b|\\\\-${o#-}\\b" "$page" || fail "nlp-$p: $o missing from $page"
		done
	done
}

@test "layout: the usage line of --help matches the page's SYNOPSIS options" {
	for p in $PROGS; do
		synopsis=$("nlp-$p" --help | head -n 1)
		rendered=$(MANWIDTH=200 mandoc -Tascii "$NLP_TOP/man/man1/nlp-$p.1" | col -b)
		for o in $(grep -oE -- '--[a-z][a-z-]+' <<<"$synopsis"); do
			grep -q -- "$o" <<<"$rendered" || fail "nlp-$p: $o of the usage line not in the page"
		done
	done
}

@test "layout: mandoc -Tlint reports nothing" {
	command -v mandoc >/dev/null || skip "needs mandoc"
	run mandoc -Tlint -Wwarning "$NLP_TOP"/man/man1/*.1 "$NLP_TOP"/man/man5/*.5 "$NLP_TOP"/man/man7/*.7
	assert_success
	assert_output ''
}

@test "layout: README shows exactly the two set-up commands and .ci/run runs make check" {
	grep -q 'make demo' "$NLP_TOP/README.md"
	grep -q 'make check' "$NLP_TOP/README.md"
	grep -q 'make check' "$NLP_TOP/.ci/run"
}

@test "layout: lib/ keeps its layers (tests/layers.sh): no include of a layer above, no printing or exiting below cli/" {
	run "$NLP_TOP/tests/layers.sh" "$NLP_TOP/lib"
	assert_output ''
	assert_success
}

@test "layout: tests/layers.sh catches an include from above and a print below cli/" {
	tmp=$(mktemp -d)
	cp -r "$NLP_TOP/lib/." "$tmp/"
	printf '#include "cli/err.h"\nstatic void f(void) { exit(1); }\n' >> "$tmp/base/rng.c"
	printf '#include "utf8.h"\n' >> "$tmp/text/pat.h"
	run "$NLP_TOP/tests/layers.sh" "$tmp"
	rm -rf "$tmp"
	assert_failure
	assert_line --partial 'base/rng.c:'
	assert_line --partial 'base may not use cli, a layer above it'
	assert_line --partial 'prints or exits below cli/: static void f(void) { exit(1); }'
	assert_line --partial 'text/pat.h:'
	assert_line --partial 'does not name its layer'
}
