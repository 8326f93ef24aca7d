#!/usr/bin/env bats
# nlp-normalize: forms, case folding, accents, placeholders, punctuation, whitespace, policy.

load helper

@test "normalize: Unicode NormalizationTest.txt, all lines, all four forms" {
	f=/usr/share/unicode/NormalizationTest.txt.bz2
	[ -f "$f" ] || f=/usr/share/unicode/NormalizationTest.txt
	[ -f "$f" ] || skip "needs Debian unicode-data"
	run $PY "$NLP_TOP/tests/normtest.py" "$f"
	assert_success
	assert_output --partial ": 0 differences"
}

@test "normalize: default NFC composes e + combining acute" {
	run bash -c "printf 'cafe\xcc\x81\n' | nlp-normalize"
	assert_success
	assert_bytes "$(printf 'caf\xc3\xa9')" "$output"
}

@test "normalize: --form nfd decomposes, none leaves bytes alone" {
	run bash -c "printf 'caf\xc3\xa9\n' | nlp-normalize --form nfd"
	assert_bytes "$(printf 'cafe\xcc\x81')" "$output"
	run bash -c "printf 'cafe\xcc\x81\n' | nlp-normalize -f none"
	assert_bytes "$(printf 'cafe\xcc\x81')" "$output"
}

@test "normalize: --lower is full case folding (ß -> ss, Σ -> σ, ﬁ kept under NFC)" {
	run bash -c "echo 'STRASSE Straße ΣΊΣΥΦΟΣ ＡＢＣ' | nlp-normalize --lower"
	assert_success
	assert_output "strasse strasse σίσυφοσ ａｂｃ"
}

@test "normalize: NFKC folds width and compatibility forms" {
	run bash -c "echo 'Ｆｕｌｌ ﬁ ① ｶﾀｶﾅ' | nlp-normalize -f nfkc"
	assert_output "Full fi 1 カタカナ"
}

@test "normalize: --strip-accents removes marks, also with --form none" {
	run bash -c "echo 'Crème brûlée, naïve Ångström' | nlp-normalize --strip-accents"
	assert_output "Creme brulee, naive Angstrom"
	run bash -c "echo 'résumé' | nlp-normalize -A -f none"
	assert_output "resume"
}

@test "normalize: Hangul stays composed under NFC, decomposes under NFD" {
	run bash -c "echo '한국어' | nlp-normalize -l"
	assert_output "한국어"
	run bash -c "echo '한' | nlp-normalize -f nfd | od -An -tx1 | tr -d ' \n'"
	assert_output "e18492e185a1e186ab0a"
}

@test "normalize: placeholders for url, email, date, phone, number" {
	in='See https://example.com/x?a=1, write to ann.lee@mail.example.org on 2024-03-05 or call +1 555 123 4567; pay 1,000.50 or 3.14e5 (50%).'
	run nlp-normalize -r <<<"$in"
	assert_output 'See <url>, write to <email> on <date> or call <phone>; pay <num> or <num> (<num>).'
	run nlp-normalize --url <<<"$in"
	assert_output 'See <url>, write to ann.lee@mail.example.org on 2024-03-05 or call +1 555 123 4567; pay 1,000.50 or 3.14e5 (50%).'
	run nlp-normalize --email --num <<<"$in"
	assert_output 'See https://example.com/x?a=<num>, write to <email> on 2024-03-05 or call <num> <num> <num> <num>; pay <num> or <num> (<num>).'
}

@test "normalize: dates in several notations, including Korean" {
	run nlp-normalize --date <<<'5/3/2024, 2024.03.05, 2024년 3월 5일, March 5, 2024 and 5 March 2024; not 2024-13-40'
	assert_output '<date>, <date>, <date>, <date> and <date>; not 2024-13-40'
}

@test "normalize: phone numbers need three groups unless led by + or (" {
	run nlp-normalize --phone <<<'010-1234-5678 (02) 123-4567 +82-10-1234-5678 but 1990-1995 stays'
	assert_output '<phone> <phone> <phone> but 1990-1995 stays'
}

@test "normalize: numbers are whole tokens only (3rd, mp3 untouched)" {
	run nlp-normalize --num <<<'3rd mp3 -12 +7 1,234,567 12,34 v2.0'
	assert_output '3rd mp3 <num> <num> <num> 12,34 v2.0'
}

@test "normalize: --strip-punct deletes P* characters, keeps symbols" {
	run nlp-normalize --strip-punct <<<'Hello, world! «quoted» — $5 + 3 = 8. 안녕하세요?'
	assert_output 'Hello world quoted  $5 + 3 = 8 안녕하세요'
}

@test "normalize: --squeeze collapses Unicode whitespace and trims" {
	run bash -c "printf '  a \t b\xc2\xa0\xc2\xa0c\xe3\x80\x80d  \n' | nlp-normalize --squeeze"
	assert_bytes "a b c d" "$output"
}

@test "normalize: steps run in order: fold, placeholders, punctuation, squeeze" {
	run nlp-normalize -l -r -P --squeeze <<<'  VISIT WWW.Example.COM, NOW!  '
	assert_output 'visit <url> now'
}

@test "normalize: one line in, one line out, empty lines kept" {
	run bash -c "printf 'a\n\nb\n\n' | nlp-normalize | wc -l"
	assert_output 4
	run bash -c "printf 'no newline' | nlp-normalize"
	assert_output 'no newline'
}

@test "normalize: invalid UTF-8 replaced by U+FFFD with one warning" {
	run --separate-stderr bash -c "printf 'a\xffb\xc0\n\xfe\n' | nlp-normalize"
	assert_success
	assert_bytes "$(printf 'a\xef\xbf\xbdb\xef\xbf\xbd\n\xef\xbf\xbd')" "$output"
	[[ "$stderr" == nlp-normalize:* ]]
	[ "$(grep -c 'invalid UTF-8' <<<"$stderr")" -eq 2 ] # the first case, then the total
}

@test "normalize: --invalid=skip drops bad bytes, --invalid=fail stops with exit 1" {
	run --separate-stderr bash -c "printf 'a\xffb\n' | nlp-normalize --invalid=skip"
	assert_output 'ab'
	run --separate-stderr bash -c "printf 'ok\na\xffb\n' | nlp-normalize --invalid fail"
	assert_failure 1
	assert_output 'ok'
	[[ "$stderr" == *"line 2, byte 2: invalid UTF-8"* ]]
}

@test "normalize: usage errors exit 2 with usage on stderr" {
	run --separate-stderr nlp-normalize --form nfx
	assert_failure 2
	[[ "$stderr" == nlp-normalize:* ]]
	run --separate-stderr nlp-normalize -Z
	assert_failure 2
	[[ "$stderr" == *"usage: nlp-normalize"* ]]
	run --separate-stderr nlp-normalize --invalid=maybe
	assert_failure 2
}

@test "normalize: --help to stdout, --version" {
	run nlp-normalize --help
	assert_success
	assert_line --index 0 --partial 'usage: nlp-normalize'
	assert_output --partial '--strip-accents'
	run nlp-normalize --version
	assert_output --regexp '^nlp-normalize [0-9]+\.[0-9]+'
}

@test "normalize: missing file is reported, other files still processed, exit 1" {
	run --separate-stderr nlp-normalize /nonexistent/x.txt <(echo HI)
	assert_failure 1
	assert_output 'HI'
	[[ "$stderr" == "nlp-normalize: open /nonexistent/x.txt: No such file or directory" ]]
}

@test "normalize: --progress reports on stderr only" {
	run --separate-stderr bash -c "echo abc | nlp-normalize --progress"
	assert_output 'abc'
	[[ "$stderr" =~ ^nlp-normalize:\ 1\ lines\ \(4\ B\)\ read,\ 4\ B\ written,\ [0-9.]+\ s,\ peak ]] ||
		fail "$stderr"
}

@test "normalize: Korean particles and counters may follow numbers and dates" {
	run nlp-normalize -r <<<'2024년 3월 5일에 3개를 1,000원에 샀다; 2024년 13월 5일'
	assert_output '<date>에 <num>개를 <num>원에 샀다; <num>년 <num>월 <num>일'
}

@test "normalize: what nlp-normalize(1) says of placeholders, particles and URL hosts" {
	# an e-mail address before a sentence's period; a Korean date with a particle
	run nlp-normalize -r <<<'write to ann@example.org. 2024년 3월 5일 회의, 2024년 3월 5일에'
	assert_output 'write to <email>. <date> 회의, <date>에'
	# a particle or counter after a host, after a path, before and after a number
	run nlp-normalize -r <<<'www.example.com에서 https://example.com/a에서 약3개'
	assert_output '<url>에서 <url>에서 약<num>개'
	# the host takes ASCII only: a Unicode host is left alone, its ASCII form is a URL; a host
	# starts with a letter or a digit
	run nlp-normalize --url <<<'https://한국.kr/ https://xn--3e0b707e.kr/ http://-x.org'
	assert_output 'https://한국.kr/ <url> http://-x.org'
	# nlp-tokenize keeps each placeholder whole
	run bash -c "echo 'Write to ann@example.org, see www.example.com.' | nlp-normalize -r | nlp-tokenize"
	assert_output 'Write to <email> , see <url> .'
}

@test "normalize: odd addresses and hosts are left alone" {
	run nlp-normalize --email --url <<<'x@y.com. a@.b.com a@b..com www.. http://. Www.X.com'
	assert_output '<email>. a@.b.com a@b..com www.. http://. <url>'
}

@test "normalize: phones need 9+ digits (7+ after +), two-digit groups: dates and IPs are not phones" {
	run nlp-normalize --phone <<<'2024-03-05 192.168.0.1 02-123-4567 +1 555 1234'
	assert_output '2024-03-05 192.168.0.1 <phone> <phone>'
}

@test "normalize: long runs of combining marks equal Python's unicodedata in all four forms" {
	cd "$BATS_TEST_TMPDIR"
	# runs of non-starters of many classes, some composing with the letter before them, some
	# decomposing further; Python reorders by swapping neighbours too, so its runs stay short
	$PY - <<'EOF2'
import random
random.seed(11)
marks = [chr(c) for c in (0x0301, 0x0302, 0x0316, 0x031B, 0x0323, 0x0327, 0x0328, 0x0334, 0x0344,
                          0x0345, 0x05B0, 0x0E38, 0x0E48, 0x0F71, 0x0F72, 0x0F73, 0x302A, 0x1D165,
                          0x1D16D, 0x0308, 0x093C, 0x0300)]
bases = ['a', 'o', 'u', 'e', 'c', 'ᄀ', '가', 'क', 'ɑ', 'ｶ', 'ﬁ', '\u0f40']
lines = ['a' + '\u0301\u0316' * 10000,
         'o' + ''.join(random.choice(marks) for _ in range(20000)),
         ''.join(random.choice(bases) + ''.join(random.choice(marks) for _ in range(random.randrange(3000)))
                 for _ in range(20)),
         ''.join(random.choice(bases) + ''.join(random.choice(marks) for _ in range(random.randrange(6)))
                 for _ in range(20000))]
open('m.txt', 'w', encoding='utf-8', newline='\n').write('\n'.join(lines) + '\n')
EOF2
	for form in nfc nfd nfkc nfkd; do
		timeout 120 nlp-normalize -f $form m.txt > $form.txt || fail "nlp-normalize -f $form: exit $?"
	done
	run $PY - <<'EOF2'
import unicodedata as ud
lines = open('m.txt', encoding='utf-8').read().split('\n')[:-1]
for form in ('nfc', 'nfd', 'nfkc', 'nfkd'):
    got = open(form + '.txt', encoding='utf-8').read().split('\n')[:-1]
    diff, n = [], 0
    for i, (g, l) in enumerate(zip(got, lines)):
        w = ud.normalize(form.upper(), l)
        n += len(w)
        if g != w:
            at = next((k for k in range(min(len(g), len(w))) if g[k] != w[k]), min(len(g), len(w)))
            diff.append(f'line {i + 1} differs first at code point {at} of {len(w)}')
    print(f'{form}: {len(got)} of {len(lines)} lines, {n} code points:', '; '.join(diff) or 'equal')
EOF2
	assert_success
	echo "$output"
	[ "$(grep -c '^nf[ck]*[cd]: 4 of 4 lines, [0-9]* code points: equal$' <<<"$output")" -eq 4 ] || fail "$output"
}

@test "normalize: pathological lines stay linear (no hang)" {
	cd "$BATS_TEST_TMPDIR"
	# one line each, about 1 MB; before, each took minutes (quadratic), the guard's timeout
	$PY - <<'EOF2'
import unicodedata as ud
n = 250000
# the shape of NFC and NFD on a run of marks of alternating classes, as Python gives it
assert ud.normalize('NFC', 'a' + '\u0301\u0316' * 100) == '\u00e1' + '\u0316' * 100 + '\u0301' * 99
assert ud.normalize('NFD', 'a' + '\u0301\u0316' * 100) == 'a' + '\u0316' * 100 + '\u0301' * 100
cases = {
    # a URL and unmatched ')': each one rescanned the URL to balance it
    'paren': ('http://a' + ')' * (4 * n), '<url>' + ')' * (4 * n)),
    # URLs that run into a letter: each start inside the run rescanned the rest of it
    'urls': ('http://' * (n // 2) + 'é', 'http://' * (n // 2) + 'é'),
    'urlsopen': ('http://a(' * (n // 2) + 'é', 'http://a(' * (n // 2) + 'é'),
    # groups of a phone number: each '(' rescanned the groups after it
    'phones': ('(12)' * n, '(<num>)' * (n - 7) + '<phone>'),
    # canonical reordering of a run of non-starters
    'marks': ('a' + '\u0301\u0316' * n, '\u00e1' + '\u0316' * n + '\u0301' * (n - 1)),
    'marksd': ('a' + '\u0301\u0316' * n, 'a' + '\u0316' * n + '\u0301' * n),
}
for name, (line, want) in cases.items():
    open(name + '.txt', 'w', encoding='utf-8').write(line + '\n')
    open(name + '.want', 'w', encoding='utf-8').write(want + '\n')
EOF2
	for c in "paren -r" "urls -r" "urlsopen --url" "phones -r" "marks -f nfc" "marksd -f nfd"; do
		# shellcheck disable=SC2086
		set -- $c
		timeout 120 nlp-normalize "${@:2}" "$1.txt" > "$1.out" || fail "$c: exit $?"
		cmp "$1.out" "$1.want" || fail "$c: output differs"
	done
}
