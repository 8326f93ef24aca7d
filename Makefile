# nlp: classic NLP as a Unix pipeline of small C programs.
# One list of programs; their binaries, man pages and test files are derived from it.

PROGS = normalize tokenize stopword ngram vocab cooccur mat ppmi tfidf svd similar w2v lm perplexity rnnlm classify glove bpe stem tag seq2seq
VERSION = 0.1.0

PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
CFLAGS ?= -O2 -g
WARN = -Wall -Wextra
CPPFLAGS_NLP = -Ilib -DNLP_VERSION='"$(VERSION)"' -DNLP_DATADIR_DEFAULT='"$(PREFIX)/share/nlp"' \
	-D_GNU_SOURCE -pthread
# --as-needed: a program records only the libraries it calls (nlp-tokenize no BLAS), so that
# the thousands of processes the tests start do not each load and start OpenBLAS
LDLIBS = -Wl,--as-needed -lutf8proc -lstemmer -llapacke -lopenblas -lm -lpthread
SANFLAGS = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer -Werror

LIBSRC = $(wildcard lib/*/*.c)
LIBHDR = $(wildcard lib/*/*.h)
BINS = bin/nlp $(PROGS:%=bin/nlp-%)
ASAN_BINS = $(BINS:bin/%=build/asan/bin/%)
MAN1 = man/man1/nlp.1 $(PROGS:%=man/man1/nlp-%.1)
MAN5 = man/man5/nlp-matrix.5 man/man5/nlp-w2v-model.5 man/man5/nlp-arpa.5 man/man5/nlp-rnnlm-model.5 \
	man/man5/nlp-classify-model.5 man/man5/nlp-glove-model.5 man/man5/nlp-bpe.5 \
	man/man5/nlp-tag-model.5 man/man5/nlp-seq2seq-model.5
MAN7 = man/man7/nlp.7
TESTS = $(PROGS:%=tests/nlp-%.bats)
DATA = $(wildcard share/nlp/stopwords/*.txt)
EXAMPLES = $(wildcard share/nlp/examples/*)
# how the pages' examples name the directory of EXAMPLES: install writes PREFIX's instead
MAN_EXAMPLES = /usr/local/share/nlp/examples
PARTICLE_DATA = $(wildcard share/nlp/particles/*.tsv)

.PHONY: all check test asan deps deps-bench demo bench install uninstall clean lint
.PHONY: fuzz fuzz-smoke deps-fuzz
.SUFFIXES:

all: $(BINS)

# optimized build; lib/nn's element-wise loops (nn/act.h) with the vectoriser's dynamic cost
# model, which -O2 alone does not use, without errno from sqrtf and without trapping comparisons
# (the clamps of nn/act.h), each of which keeps a loop scalar
NN_VEC = -ftree-vectorize -fvect-cost-model=dynamic -fno-math-errno -fno-trapping-math
build/opt/nn/%.o: LAYER_CFLAGS = $(NN_VEC)
# GloVe: no fused multiply-adds, so that the optimised and the sanitizer builds (-O1, which
# forms none) give the same bits, as the pages' examples show them
build/opt/vec/glove.o: LAYER_CFLAGS = $(NN_VEC) -ffp-contract=off
# the perceptron's sums of weight rows, a row per tag
build/opt/tag/linear.o: LAYER_CFLAGS = $(NN_VEC)
# the attention's loops (additive scores, the softmax's gradient)
build/opt/s2s/%.o: LAYER_CFLAGS = $(NN_VEC)

build/opt/%.o: lib/%.c $(LIBHDR) Makefile
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_NLP) $(CPPFLAGS) $(CFLAGS) $(LAYER_CFLAGS) $(WARN) -c -o $@ $<

build/opt/libnlp.a: $(LIBSRC:lib/%.c=build/opt/%.o)
	rm -f $@
	$(AR) rcs $@ $^

bin/%: src/%.c build/opt/libnlp.a $(LIBHDR)
	@mkdir -p bin
	$(CC) $(CPPFLAGS_NLP) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< build/opt/libnlp.a $(LDLIBS)

# sanitizer build: what `make check` tests
build/asan/%.o: lib/%.c $(LIBHDR) Makefile
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_NLP) $(CPPFLAGS) $(SANFLAGS) $(WARN) -c -o $@ $<

build/asan/libnlp.a: $(LIBSRC:lib/%.c=build/asan/%.o)
	rm -f $@
	$(AR) rcs $@ $^

build/asan/bin/%: src/%.c build/asan/libnlp.a $(LIBHDR)
	@mkdir -p build/asan/bin
	$(CC) $(CPPFLAGS_NLP) $(CPPFLAGS) $(SANFLAGS) $(WARN) $(LDFLAGS) -o $@ $< build/asan/libnlp.a $(LDLIBS)

build/asan/bin/test-lib: tests/test-lib.c build/asan/libnlp.a $(LIBHDR)
	@mkdir -p build/asan/bin
	$(CC) $(CPPFLAGS_NLP) $(CPPFLAGS) $(SANFLAGS) $(WARN) -o $@ $< build/asan/libnlp.a $(LDLIBS)

build/asan/bin/test-nn: tests/test-nn.c build/asan/libnlp.a $(LIBHDR)
	@mkdir -p build/asan/bin
	$(CC) $(CPPFLAGS_NLP) $(CPPFLAGS) $(SANFLAGS) $(WARN) -o $@ $< build/asan/libnlp.a $(LDLIBS)

build/asan/bin/test-cls: tests/test-cls.c build/asan/libnlp.a $(LIBHDR)
	@mkdir -p build/asan/bin
	$(CC) $(CPPFLAGS_NLP) $(CPPFLAGS) $(SANFLAGS) $(WARN) -o $@ $< build/asan/libnlp.a $(LDLIBS)

build/asan/bin/test-linear: tests/test-linear.c build/asan/libnlp.a $(LIBHDR)
	@mkdir -p build/asan/bin
	$(CC) $(CPPFLAGS_NLP) $(CPPFLAGS) $(SANFLAGS) $(WARN) -o $@ $< build/asan/libnlp.a $(LDLIBS)

# the tree beside the sanitizer binaries looks like the source tree, so data and man pages
# are found the same way
build/asan/share build/asan/man:
	@mkdir -p build/asan
	ln -sfn ../../$(@F) $@

asan: $(ASAN_BINS) build/asan/bin/test-lib build/asan/bin/test-nn build/asan/bin/test-cls \
	build/asan/bin/test-linear build/asan/share build/asan/man

# fuzz targets: libFuzzer (clang) on the readers, one tests/fuzz/fuzz-NAME.c each, the library
# instrumented for coverage; tests/fuzz/README.md says what each covers
FUZZ_CC = clang
FUZZ_SAN = -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined
FUZZ_TIME = 60
FUZZ_TARGETS = $(patsubst tests/fuzz/fuzz-%.c,%,$(wildcard tests/fuzz/fuzz-*.c))
FUZZ_BINS = $(FUZZ_TARGETS:%=build/fuzz/bin/fuzz-%)
FUZZ_HDR = $(wildcard tests/fuzz/*.h)

build/fuzz/%.o: lib/%.c $(LIBHDR) Makefile
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS_NLP) $(CPPFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link $(WARN) -c -o $@ $<

build/fuzz/libnlp.a: $(LIBSRC:lib/%.c=build/fuzz/%.o)
	rm -f $@
	$(AR) rcs $@ $^

build/fuzz/bin/fuzz-%: tests/fuzz/fuzz-%.c $(FUZZ_HDR) build/fuzz/libnlp.a $(LIBHDR)
	@mkdir -p build/fuzz/bin
	$(FUZZ_CC) $(CPPFLAGS_NLP) $(CPPFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer $(WARN) -o $@ $< \
		build/fuzz/libnlp.a $(LDLIBS)

# each target FUZZ_TIME seconds, one after another, on a corpus in build/fuzz/corpus that starts
# from the seeds; fuzz-smoke: the seeds, then a few seconds each (what .ci/run does)
fuzz: deps-fuzz
	@$(MAKE) --no-print-directory -j$(NPROC) $(FUZZ_BINS)
	@tests/fuzz/run $(FUZZ_TIME) $(FUZZ_TARGETS)

fuzz-smoke: deps-fuzz
	@$(MAKE) --no-print-directory -j$(NPROC) $(FUZZ_BINS)
	@tests/fuzz/run --smoke 5 $(FUZZ_TARGETS)

deps:
	@scripts/deps

deps-bench:
	@scripts/deps --bench

deps-fuzz:
	@scripts/deps --fuzz

# the builds run in parallel (one job per processor), and so do the test files (tests/run)
NPROC := $(shell nproc 2>/dev/null || echo 2)

check: deps
	@$(MAKE) --no-print-directory -j$(NPROC) all asan
	@PROGS="$(PROGS)" tests/run

test:
	@$(MAKE) --no-print-directory -j$(NPROC) all asan
	@PROGS="$(PROGS)" tests/run

lint:
	mandoc -Tlint -Wwarning $(MAN1) $(MAN5) $(MAN7)

demo: deps all
	@examples/demo.sh

bench: deps-bench all
	@bench/run-all.sh

# tests/examples.bats installs the sanitizer build into a directory of its own, with
# BINS=build/asan/bin/...
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/man/man7 \
		$(DESTDIR)$(PREFIX)/share/nlp/stopwords $(DESTDIR)$(PREFIX)/share/nlp/examples \
		$(DESTDIR)$(PREFIX)/share/nlp/particles
	install -m 755 $(BINS) $(DESTDIR)$(PREFIX)/bin
	for page in $(MAN1) $(MAN5) $(MAN7); do \
		to=$(DESTDIR)$(PREFIX)/share/$$page; \
		sed 's|$(MAN_EXAMPLES)|$(PREFIX)/share/nlp/examples|g' $$page > $$to && \
		chmod 644 $$to || exit 1; \
	done
	install -m 644 $(DATA) $(DESTDIR)$(PREFIX)/share/nlp/stopwords
	install -m 644 $(EXAMPLES) $(DESTDIR)$(PREFIX)/share/nlp/examples
	install -m 644 $(PARTICLE_DATA) $(DESTDIR)$(PREFIX)/share/nlp/particles

uninstall:
	rm -f $(BINS:bin/%=$(DESTDIR)$(PREFIX)/bin/%) \
		$(MAN1:man/man1/%=$(DESTDIR)$(PREFIX)/share/man/man1/%) \
		$(MAN5:man/man5/%=$(DESTDIR)$(PREFIX)/share/man/man5/%) \
		$(MAN7:man/man7/%=$(DESTDIR)$(PREFIX)/share/man/man7/%) \
		$(DATA:share/nlp/stopwords/%=$(DESTDIR)$(PREFIX)/share/nlp/stopwords/%) \
		$(EXAMPLES:share/nlp/examples/%=$(DESTDIR)$(PREFIX)/share/nlp/examples/%) \
		$(PARTICLE_DATA:share/nlp/particles/%=$(DESTDIR)$(PREFIX)/share/nlp/particles/%)

clean:
	rm -rf bin build

.SECONDARY:
