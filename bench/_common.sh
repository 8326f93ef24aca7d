# shellcheck shell=bash
# bench/_common.sh: helpers sourced by the bench scripts (not a benchmark itself; run-all.sh skips
# files whose names start with '_').
#
# Sets: bench (this folder), root (the repository), bindir, data (../shared/data beside the
# repository), BENCH_DIR (cache of decompressed data, default /tmp/nlp-bench).

bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$bench/.." && pwd)
bindir="$root/bin"
data="$root/../shared/data"
BENCH_DIR=${BENCH_DIR:-/tmp/nlp-bench}
PY=${PY:-/usr/bin/python3}

# skip_without_data NAME FILE...: exit 0 with a message when shared/data or a file in it is missing.
skip_without_data()
{
	local name=$1 f
	shift
	if [ ! -d "$data" ]; then
		echo "$name: skipped: no benchmark data at $data (shared/ beside the repository)"
		exit 0
	fi
	for f in "$@"; do
		if [ ! -f "$data/$f" ]; then
			echo "$name: skipped: $data/$f is missing"
			exit 0
		fi
	done
}

# need_bins NAME PROG...: the nlp programs must be built.
need_bins()
{
	local name=$1 p
	shift
	for p in "$@"; do
		if [ ! -x "$bindir/$p" ]; then
			echo "$name: $bindir/$p is missing: run 'make all' first" >&2
			exit 1
		fi
	done
}

# need_tools NAME CMD...: peer tools must be installed (make deps-bench installs them).
need_tools()
{
	local name=$1 missing="" t
	shift
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
	done
	if [ -n "$missing" ]; then
		echo "$name: missing peer tools:$missing; run 'make deps-bench'" >&2
		exit 1
	fi
}

# need_time NAME: GNU time, for the peak RSS of the warm-up rounds.
need_time()
{
	[ -x /usr/bin/time ] || { echo "$1: /usr/bin/time is missing; run 'make deps-bench'" >&2; exit 1; }
}

# need_py_modules NAME MODULE...: $PY must import them all.
need_py_modules()
{
	local name=$1 mods
	shift
	mods=$(IFS=,; echo "$*")
	"$PY" -c "import $mods" 2>/dev/null ||
		{ echo "$name: $PY needs $*; run 'make deps-bench'" >&2; exit 1; }
}

need_nltk()
{
	if ! "$PY" -c 'import nltk.tokenize' 2>/dev/null; then
		echo "$1: $PY cannot import nltk; run 'make deps-bench' (python3-nltk)" >&2
		exit 1
	fi
}

# unxz_cached NAME: decompresses $data/NAME.txt.xz once into $BENCH_DIR/NAME.txt and prints that
# path; a cached copy is reused while it is newer than the .xz file.
unxz_cached()
{
	local xzf="$data/$1.txt.xz" out="$BENCH_DIR/$1.txt"

	mkdir -p "$BENCH_DIR"
	if [ ! -s "$out" ] || [ "$xzf" -nt "$out" ]; then
		echo "decompressing $1.txt.xz into $BENCH_DIR ..." >&2
		xz -dc "$xzf" >"$out.tmp.$$"
		mv "$out.tmp.$$" "$out"
	fi
	printf '%s\n' "$out"
}

# enwik100_cached: the letters-only corpus of BENCH.md, built once from enwiki-100M into
# $BENCH_DIR/enwik100.txt (with BENCH.md's tr pipeline); prints its path.
enwik100_cached()
{
	local en corpus=$BENCH_DIR/enwik100.txt

	en=$(unxz_cached enwiki-100M)
	if [ ! -s "$corpus" ] || [ "$en" -nt "$corpus" ]; then
		echo "building $corpus (BENCH.md's tr pipeline) ..." >&2
		tr 'A-Z' 'a-z' <"$en" | tr -c 'a-z\n' ' ' | tr -s ' ' | sed 's/^ //' | grep -v '^$' \
			>"$corpus.tmp.$$"
		mv "$corpus.tmp.$$" "$corpus"
	fi
	printf '%s\n' "$corpus"
}

# head_bytes_cached SRC BYTES NAME: the complete lines within the first BYTES bytes of SRC (a line
# cut by the limit is dropped), cached as $BENCH_DIR/NAME; prints that path.
head_bytes_cached()
{
	local src=$1 bytes=$2 out="$BENCH_DIR/$3" n

	if [ ! -s "$out" ] || [ "$src" -nt "$out" ]; then
		n=$(head -c "$bytes" "$src" | tr -cd '\n' | wc -c)
		head -n "$n" "$src" >"$out.tmp.$$"
		mv "$out.tmp.$$" "$out"
	fi
	printf '%s\n' "$out"
}

# machine: one line describing this machine.
machine()
{
	local cpu mem
	cpu=$(awk -F': *' '/^model name/{print $2; exit}' /proc/cpuinfo)
	mem=$(awk '/^MemTotal/{printf "%.0f GB", $2 / 1048576}' /proc/meminfo)
	printf '%s cores, %s, %s RAM, %s\n' "$(nproc)" "${cpu:-unknown CPU}" "$mem" "$(uname -sr)"
}

# The side-by-side runner of text.sh and count.sh. They set: me (the script's name), tmp (a scratch
# directory), reps (timed rounds), input[ID] (the stdin of job ID) and the arrays nlp_ID and
# peer_ID (the two commands of job ID).

# run_to TAG IN OUT CMD...: one run, stdin from IN, stdout to OUT. Appends the wall time (us) to
# $tmp/TAG.time. With OUT other than /dev/null (the warm-up round) the command runs under
# /usr/bin/time -v and its peak RSS (KB) goes to $tmp/TAG.rss; the timed rounds run it bare, so
# that time's own start-up (some ms) is not counted.
run_to()
{
	local tag=$1 in=$2 out=$3 t0 t1 wrap=()
	shift 3
	if [ "$out" != /dev/null ]; then
		wrap=(/usr/bin/time -v -o "$tmp/time.txt")
	fi
	t0=${EPOCHREALTIME/[.,]/}
	if ! "${wrap[@]}" "$@" <"$in" >"$out" 2>"$tmp/$tag.err"; then
		echo "$me: command failed: $*" >&2
		cat "$tmp/$tag.err" >&2
		[ ${#wrap[@]} -eq 0 ] || cat "$tmp/time.txt" >&2
		exit 1
	fi
	t1=${EPOCHREALTIME/[.,]/}
	echo "$((t1 - t0))" >>"$tmp/$tag.time"
	if [ ${#wrap[@]} -gt 0 ]; then
		awk -F': *' '/Maximum resident set size/{print $2}' "$tmp/time.txt" >>"$tmp/$tag.rss"
	fi
}

# one_job ID ROUND OUTDIR: both commands of a job, in an order that swaps with the round.
one_job()
{
	local id=$1 round=$2 outdir=$3
	local -n ncmd=nlp_$id pcmd=peer_$id
	local nout=/dev/null pout=/dev/null
	if [ -n "$outdir" ]; then
		nout="$outdir/$id.nlp"
		pout="$outdir/$id.peer"
	fi
	if ((round % 2)); then
		run_to "$id.nlp.r$round" "${input[$id]}" "$nout" "${ncmd[@]}"
		run_to "$id.peer.r$round" "${input[$id]}" "$pout" "${pcmd[@]}"
	else
		run_to "$id.peer.r$round" "${input[$id]}" "$pout" "${pcmd[@]}"
		run_to "$id.nlp.r$round" "${input[$id]}" "$nout" "${ncmd[@]}"
	fi
}

# run_rounds [HOOK]: the warm-up round (round 0, outputs kept in $tmp/out for the checks) and
# $reps timed rounds of every job of ${jobs[@]}; HOOK ID ROUND, when given, runs after each job.
run_rounds()
{
	local hook=${1:-} r id
	mkdir -p "$tmp/out"
	for r in $(seq 0 "$reps"); do
		[ "$r" -eq 0 ] || echo "$me: round $r of $reps" >&2
		for id in "${jobs[@]}"; do
			if [ "$r" -eq 0 ]; then one_job "$id" 0 "$tmp/out"; else one_job "$id" "$r" ""; fi
			[ -z "$hook" ] || "$hook" "$id" "$r"
		done
	done
}

# table_head: the head of the side-by-side table, after a blank line.
table_head()
{
	echo
	echo "| job | nlp time | peer | peer time | ratio | nlp peak RSS | peer peak RSS | target | result |"
	echo "|---|---|---|---|---|---|---|---|---|"
}

# job_stats ID: sets nt nr (nlp median seconds, peak RSS KB) and pt pr (the peer's) of job ID.
job_stats()
{
	read -r nt nr < <(stats nlp "$1")
	read -r pt pr < <(stats peer "$1")
}

# stats SIDE ID: "median_seconds peak_rss_kb": median wall time over the timed rounds, peak RSS of
# the warm-up round
stats()
{
	local files=() rss
	for r in $(seq 1 "$reps"); do
		files+=("$tmp/$2.$1.r$r.time")
	done
	rss=$(cat "$tmp/$2.$1.r0.rss")
	cat "${files[@]}" | sort -n | awk -v rss="$rss" '
		{ t[NR] = $1 }
		END { med = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
		      printf "%.6f %d\n", med / 1e6, rss }'
}

# lines, counting a last line without '\n'
nlines() { awk 'END { print NR }' "$1"; }

mb() { awk -v k="$1" 'BEGIN { printf "%.1f MB", k / 1024 }'; }

