#!/usr/bin/env bats
# The progress display (lib/cli/progress, nlp(7) PROGRESS): what it draws on a terminal, that it
# clears and fits the width, that the stages of a pipeline share the line, that a non-terminal
# gets nothing unless asked, and the summary of each stage. The terminal is a pseudo-terminal
# of script(1).

load helper

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	for i in $(seq 3000); do echo "line $i of the text, with words: a b c."; done > text.txt
}

# on_tty COLUMNS COMMAND: runs the shell command on a pseudo-terminal COLUMNS wide; what it wrote
# to the terminal goes to tty.out (the terminal's \r\n made \n again).
on_tty() {
	script -qfec "stty cols $1 rows 24; $2" /dev/null > tty.raw
	sed 's/\r$//' tty.raw > tty.out
}

# check_tty [--lock] NAME...: reads tty.out; every line drawn in place ("\r" text "\e[K") is
# narrower than the terminal (COLS) and names one of the stages; each stage leaves one summary
# ("\r\e[K" text, a whole line), in the order given, matching SUMMARY_<n> (the nth's pattern).
# With --lock, the drawings before the first summary all come from one stage. Prints what it found.
check_tty() {
	$PY - "$COLS" "$@" <<-'EOF'
	import re, sys
	cols, args = int(sys.argv[1]), sys.argv[2:]
	lock = args[:1] == ["--lock"]
	names = args[1:] if lock else args
	raw = open("tty.out", encoding="utf-8", newline="").read()
	draws = [(m.start(), m.group(1)) for m in re.finditer(r"\r([^\r\n\x1b]+)\x1b\[K", raw)]
	sums = [(m.start(), m.group(1)) for m in re.finditer(r"\r\x1b\[K([^\r\n\x1b]*)\n", raw)]
	print("draws:", len(draws), "summaries:", [s for _, s in sums])
	for _, d in draws:
	    assert len(d) <= cols - 1, ("wider than the terminal", d)
	    assert any(d.startswith(n + ": ") for n in names), ("a stranger's line", d)
	    assert sum(n + ":" in d for n in names) == 1, ("two stages on a line", d)
	assert [s.split(":")[0] for _, s in sums] == names, "summaries: one a stage, in order"
	for (_, s), n in zip(sums, names):
	    pat = open("summary." + n).read().strip()
	    assert re.fullmatch(pat, s), ("summary", s, pat)
	if lock and sums:
	    first = sums[0][0]
	    who = {d.split(":")[0] for at, d in draws if at < first}
	    print("drawn before the first summary by:", who)
	    assert len(who) <= 1, "two stages drew at once"
	# after the last summary, nothing is left on the line
	assert raw.endswith("\n"), "the last line is not ended"
	EOF
}

# the figures every summary ends with
TAIL='[0-9.]+ s, peak [0-9.]+ [kMG]?B'

@test "progress: a stage reading a file draws its percentage on a terminal, cut to its width, then its summary" {
	nlp-tokenize text.txt > expected
	echo "nlp-tokenize: 3000 lines \(.* kB\) read, .* kB written, $TAIL" > summary.nlp-tokenize
	COLS=40
	on_tty $COLS "NLP_PROGRESS_DELAY=0 nlp-tokenize text.txt > out"
	cmp out expected
	run check_tty nlp-tokenize
	assert_success
	# the first drawing: the phase and its percentage
	run grep -c $'\rnlp-tokenize: reading [0-9]*% (' tty.out
	assert_success
	refute_output 0
}

@test "progress: nothing on a stderr that is not a terminal; --progress or NLP_PROGRESS=always gives the summary alone" {
	nlp-tokenize text.txt > out 2> err
	[ ! -s err ]
	nlp-tokenize --progress text.txt > out 2> err
	run cat err
	assert_output --regexp "^nlp-tokenize: 3000 lines \(.* kB\) read, .* kB written, $TAIL\$"
	NLP_PROGRESS=always nlp-stopword --list /dev/null text.txt > out 2> err
	run cat err
	assert_output --regexp "^nlp-stopword: 3000 lines \(.* kB\) read, .* kB written, $TAIL\$"
	# no \r or escape sequence in a log
	run grep -c $'[\r\e]' err
	assert_output 0
}

@test "progress: NLP_PROGRESS=never silences even --progress; a short run on a terminal leaves no summary" {
	on_tty 80 "NLP_PROGRESS=never nlp-tokenize --progress text.txt > out"
	[ ! -s tty.out ]
	on_tty 80 "printf 'a b\n' | nlp-tokenize > out"
	[ ! -s tty.out ]
}

@test "progress: with stdout on the same terminal, no line is drawn, only the summary" {
	on_tty 80 "NLP_PROGRESS_DELAY=0 nlp-tokenize --progress text.txt"
	run grep -oF $'\e[K' tty.out
	assert_output $'\e[K' # the summary's clearing only
	run tail -n 1 tty.out
	assert_output --regexp "nlp-tokenize: 3000 lines .* read"
}

@test "progress: a pipeline on a terminal shares the line, one stage at a time, and ends with a summary a stage" {
	echo "nlp-normalize: 6000 lines \(.* kB\) read, .* kB written, $TAIL" > summary.nlp-normalize
	echo "nlp-tokenize: 6000 lines \(.* kB\) read, .* kB written, $TAIL" > summary.nlp-tokenize
	echo "nlp-vocab: 6000 lines \(.* kB\) read, 3012 words written, $TAIL" > summary.nlp-vocab
	COLS=60
	# the input arrives in two parts, 1.2 s apart: each stage runs long enough to draw and to
	# leave its summary (a second), and draws its first line as the second part comes
	on_tty $COLS "export NLP_PROGRESS_DELAY=0; (cat text.txt; sleep 1.2; cat text.txt) |
		nlp-normalize | nlp-tokenize | nlp-vocab > voc"
	run check_tty --lock nlp-normalize nlp-tokenize nlp-vocab
	echo "$output"
	assert_success
	run head -n 2 voc
	assert_output $',\t6000\n.\t6000'
}

@test "progress: a message clears the line before it is printed" {
	on_tty 80 "printf 'a\\377b\\n' | nlp-tokenize > out"
	run cat -v tty.out
	assert_output "^M^[[Knlp-tokenize: <stdin>: line 1: invalid UTF-8 replaced by U+FFFD (later cases are counted)"
}

@test "progress: the matrix stages end with their figures (cooccur, ppmi, svd, mat, similar)" {
	nlp-cooccur --progress -v "$DATA/cooc/small.vocab" "$DATA/cooc/small.txt" > c.mat 2> err
	run cat err
	assert_output --regexp "^nlp-cooccur: [0-9]+ lines read, [0-9]+ words, [0-9]+ non-zeros, $TAIL\$"
	nlp-ppmi --progress c.mat > p.mat 2> err
	run cat err
	assert_output --regexp "^nlp-ppmi: a [0-9]+ x [0-9]+ matrix, [0-9]+ non-zeros written, $TAIL\$"
	nlp-svd --progress -d 2 -v "$DATA/cooc/small.vocab" p.mat > v.vec 2> err
	run cat err
	assert_output --regexp "^nlp-svd: a sparse [0-9]+ x [0-9]+ matrix with [0-9]+ non-zeros, 2 dimensions, $TAIL\$"
	nlp-mat --progress transpose p.mat > t.mat 2> err
	run cat err
	assert_output --regexp "^nlp-mat: transpose, [0-9.]+ [kM]?B written, $TAIL\$"
	nlp-cooccur --progress --merge c.mat c.mat > m.mat 2> err
	run cat err
	assert_output --regexp "^nlp-cooccur: 2 matrices merged, [0-9]+ words, [0-9]+ non-zeros, $TAIL\$"
	nlp-similar --progress v.vec "$(sed -n '1s/\t.*//p' "$DATA/cooc/small.vocab")" > sim 2> err
	run cat err
	assert_output --regexp "^nlp-similar: [0-9]+ vectors of 2 dimensions, $TAIL\$"
}
