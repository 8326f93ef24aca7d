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
