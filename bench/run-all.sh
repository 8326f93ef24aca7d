#!/usr/bin/env bash
# bench/run-all.sh: runs every benchmark script in bench/ (each executable *.sh but this one,
# outputs.sh and versus.sh, which compare two builds, and the helpers whose names start
# with '_'), one after the other, and prints their tables. This is what `make bench` runs, after
# `make deps-bench all`.
#
# A script that skips (no ../shared/data) still exits 0. Exits 1 when a script failed to run; a
# target that is not met shows as FAIL in its table and does not change the exit status.
# Environment: BENCH_DIR (cache of decompressed data, default /tmp/nlp-bench), BENCH_REPS
# (timed rounds of text.sh, default 5); for w2v.sh (the longest: some 20 minutes and more), W2V_C
# (word2vec.c's binary, built outside the project; its row is skipped without it), W2V_SEEDS and
# W2V_CBOW, W2V_HS, W2V_SUBWORD (=1 for its optional sections); for rnnlm.sh, which runs here in
# its speed mode only (some 10 minutes; its --full runs take hours), RNNLM_REPS; for glove.sh,
# GLOVE_DIR (Stanford GloVe's build/, built outside the project; its rows are skipped without
# it: some 13 minutes with it) and GLOVE_SEEDS (3 seeds of nlp-glove by default, 100 s each); for
# bpe.sh, SUBWORD_NMT (a snapshot of subword-nmt, outside the project; its rows are skipped without
# it) and BPE_REFRESH (spm_train's and subword-nmt's figures are cached in $BENCH_DIR/bpe after
# their first run).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
failed=()
for s in "$here"/*.sh; do
	name=$(basename "$s")
	case $name in
	run-all.sh | outputs.sh | versus.sh | _*) continue ;;
	esac
	[ -x "$s" ] || continue
	echo "=== bench/$name"
	if ! "$s"; then
		failed+=("$name")
	fi
	echo
done
if [ ${#failed[@]} -gt 0 ]; then
	echo "run-all.sh: failed: ${failed[*]}" >&2
	exit 1
fi
