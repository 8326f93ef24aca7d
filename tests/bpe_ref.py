#!/usr/bin/python3
"""bpe_ref.py: the tests' independent reference for nlp-bpe, written from the spec (issue 17,
/work/bpe-spec.md then man/man1/nlp-bpe.1) and from subword-nmt 0.2's algorithm, not from the C
code. Plain Python, no modules beyond the standard library.

    bpe_ref.py [--graphemes CMD | --codepoints] COMMAND ARGS [';' COMMAND ARGS]...

Several commands run in one start-up, separated by a ';' argument. The exit status is 1 when a
command failed or a comparison found a difference, after every command has run.

  learn [-m N | --vocab-size N] [--min-frequency N] [--counts] [-o OUT] FILE...
      the merges file (`#version: 0.2`, then `LEFT RIGHT` a line) learnt from the words of the
      token text FILE... (or, with --counts, from the vocabularies FILE..., `token<TAB>count`,
      summed): Sennrich et al.'s algorithm as subword-nmt 0.2's learn_bpe.py, without its pruning
  apply -c MERGES [-s subword-nmt|sentencepiece] [--vocab FILE [--threshold N]] [-o OUT] FILE...
      each word of the text FILE... segmented as subword-nmt 0.2's apply_bpe.py encode() does,
      written in the style with the spec's escapes; --vocab as its check_vocab_and_split
  decode [-s subword-nmt|sentencepiece] [-o OUT] FILE...
      the spec's inverse of apply
  same GOT WANT
      the two files are byte-identical; else prints the first line that differs in each

Initial symbols are a word's extended grapheme clusters. Python's standard library has no
grapheme segmentation (unicodedata lacks the Grapheme_Cluster_Break property), so the reference
takes the clusters from a segmenter: --graphemes CMD runs the shell command CMD once per command
on the words it has not seen yet, one a line, and reads each line's clusters back separated by
single spaces: what `nlp-tokenize -c` prints. That is fair: the segmentation is utf8proc's
(utf8proc_grapheme_break_stateful, which nlp-tokenize -c and nlp-bpe share through
text/tokenize's tokenize_grapheme_end), and nlp-tokenize's tests check it against the Unicode
rules; what these tests check is the BPE algorithm on top of it. nlp-tokenize -c drops the
characters that are whitespace or controls to Unicode but not blanks to nlp-bpe (U+00A0, U+2028,
NUL...), so the reference refuses a word whose clusters do not spell it again, and the tests keep
such words out of the texts they compare. --codepoints (the default) takes each code point as a
symbol, which is the same for text without combining marks, jamo or emoji sequences.

Text is UTF-8 (the reference does not repair invalid input; the --invalid policies are tested
apart). A line ends at '\\n'; words are runs of bytes other than the blanks space, tab, CR, VT
and FF (never Python's str.split(), which splits at Unicode spaces too); the blank runs are copied
verbatim; every line is written with '\\n'.
"""
import re
import subprocess
import sys
from collections import Counter, defaultdict
from operator import itemgetter

EOW = '</w>'
BY_COUNT_THEN_PAIR = itemgetter(1, 0)  # an item (pair, count) -> (count, pair)
SEP = '@@'
SPACE = '\u2581'
BLANK_RUN = re.compile(r'[ \t\r\v\f]+')
WORD = re.compile(r'[^ \t\r\v\f]+')
WORD_OR_NL = re.compile(r'[^ \t\r\v\f\n]+')  # the words of many lines at once
SNMT_ESCAPE = re.compile(r'@@\\*\Z')          # a word that needs one more '\' (subword-nmt style)
SP_ESCAPE = re.compile('\\\\*' + SPACE)       # a non-first piece that needs a '\' in front
SNMT_UNESCAPE = re.compile(r'@@\\+\Z')        # a decoded word that loses one '\'


class Failure(Exception):
    pass


# ---- text ----

def read_lines(paths):
    """The lines of the files (stdin for '-'), without their '\\n', as str."""
    for path in paths:
        data = sys.stdin.buffer.read() if path == '-' else open(path, 'rb').read()
        try:
            text = data.decode('utf-8')
        except UnicodeDecodeError as e:
            raise Failure('%s: invalid UTF-8 (%s); the reference takes valid text only' % (path, e))
        lines = text.split('\n')
        if lines[-1] == '':
            lines.pop()
        yield from lines


def split_line(line):
    """[sep0, word1, sep1, word2, ..., wordN, sepN]: the words and the blank runs around them
    (the first and last possibly empty)."""
    out = []
    at = 0
    for m in WORD.finditer(line):
        out.append(line[at:m.start()])
        out.append(m.group())
        at = m.end()
    out.append(line[at:])
    return out


def write_out(path, lines):
    data = ''.join(l + '\n' for l in lines).encode('utf-8')
    if path is None or path == '-':
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        with open(path, 'wb') as f:
            f.write(data)


# ---- initial symbols ----

class Segmenter:
    """A word's extended grapheme clusters, from CMD (see the module's comment), or its code
    points."""

    def __init__(self, cmd):
        self.cmd = cmd
        self.cache = {}

    def prepare(self, words):
        """Segments, in one run of the command, the words not yet seen."""
        if self.cmd is None:
            return
        new = sorted(set(w for w in words if w not in self.cache))
        if not new:
            return
        for w in new:
            if '\n' in w:
                raise Failure('a word with a newline: %r' % w)
        data = ''.join(w + '\n' for w in new).encode('utf-8')
        r = subprocess.run(self.cmd, shell=True, input=data, stdout=subprocess.PIPE)
        if r.returncode != 0:
            raise Failure('%s exited %d' % (self.cmd, r.returncode))
        out = r.stdout.decode('utf-8').split('\n')
        if out and out[-1] == '':
            out.pop()
        if len(out) != len(new):
            raise Failure('%s: %d lines for %d words' % (self.cmd, len(out), len(new)))
        for w, line in zip(new, out):
            g = line.split(' ') if line else []
            if ''.join(g) != w or '' in g:
                raise Failure('%s does not spell %r again (%r): keep such words out of the '
                              'compared text' % (self.cmd, w, line))
            self.cache[w] = g

    def __call__(self, word):
        if self.cmd is None:
            return list(word)
        return self.cache[word]


def initial_symbols(graphemes):
    """subword-nmt 0.2: the last symbol carries the end-of-word mark."""
    return graphemes[:-1] + [graphemes[-1] + EOW]


# ---- learn ----

def pairs_of(syms):
    return list(zip(syms, syms[1:]))


def merge_word(syms, pair):
    """Every occurrence of pair, left to right without overlap ('a a a' -> 'aa a')."""
    a, b = pair
    out = []
    i = 0
    n = len(syms)
    while i < n:
        if i + 1 < n and syms[i] == a and syms[i + 1] == b:
            out.append(a + b)
            i += 2
        else:
            out.append(syms[i])
            i += 1
    return out


def learn(counts, nmerges, min_frequency, seg, vocab_size=None):
    """The merges, in the order learnt. counts: word -> count (words with count 0 left out).
    Each step takes max(stats, key=lambda p: (stats[p], p)) over every pair left (the simple way,
    so as to be obviously right); the counts are kept up to date through an index of the words
    that hold each pair, and a changed word is counted again whole (old pairs out, new in)."""
    items = sorted((w, c) for w, c in counts.items() if c > 0)
    if hasattr(seg, 'prepare'):
        seg.prepare(w for w, _ in items)
    words = [initial_symbols(seg(w)) for w, _ in items]
    freq = [c for _, c in items]
    if vocab_size is not None:
        symbols = set(s for syms in words for s in syms)
        nmerges = vocab_size - len(symbols)
        if nmerges <= 0:
            sys.stderr.write('bpe_ref: --vocab-size %d: %d initial symbols, no merges\n'
                             % (vocab_size, len(symbols)))
            return []
    stats = defaultdict(int)
    index = defaultdict(set)
    for j, syms in enumerate(words):
        for p in pairs_of(syms):
            stats[p] += freq[j]
            index[p].add(j)
    merges = []
    while len(merges) < nmerges and stats:
        # = max(stats, key=lambda p: (stats[p], p)), the key built in C: (count, pair) of each item
        best, count = max(stats.items(), key=BY_COUNT_THEN_PAIR)
        if count < min_frequency:
            break
        merges.append(best)
        touched = set()
        for j in sorted(index.pop(best)):
            old = words[j]
            new = merge_word(old, best)
            words[j] = new
            for p in pairs_of(old):
                stats[p] -= freq[j]
                touched.add(p)
            for p in pairs_of(new):
                stats[p] += freq[j]
            newp = set(pairs_of(new))
            for p in set(pairs_of(old)) - newp:
                if p in index:
                    index[p].discard(j)
            for p in newp:
                index[p].add(j)
        for p in touched:  # the pairs gone: only those whose count fell can be
            if stats[p] == 0:
                del stats[p]
                index.pop(p, None)
            elif stats[p] < 0:
                raise Failure('learn: a negative pair count (the reference is wrong)')
    return merges


def read_counts(paths):
    """Vocabularies (`token<TAB>count`), shards summed."""
    counts = defaultdict(int)
    for path in paths:
        for n, line in enumerate(read_lines([path]), 1):
            line = line.rstrip('\r')
            tok, tab, c = line.rpartition('\t')
            if not tab or not tok or not c.isdigit():
                raise Failure('%s: line %d: not token<TAB>count: %r' % (path, n, line))
            counts[tok] += int(c)
    return counts


def count_words(paths):
    counts = Counter()
    for path in paths:
        text = '\n'.join(read_lines([path]))
        counts.update(WORD_OR_NL.findall(text))
    return counts


# ---- apply ----

class Codes:
    """A merges file: pair -> rank (a repeated pair keeps its first), and result -> the first
    merge in the file whose result it is (subword-nmt's bpe_codes_reverse)."""

    def __init__(self, path):
        lines = list(read_lines([path]))
        if not lines or lines[0].rstrip('\r') != '#version: 0.2':
            raise Failure('%s: no #version: 0.2 header' % path)
        self.rank = {}
        self.reverse = {}
        for n, line in enumerate(lines[1:], 2):
            line = line[:-1] if line.endswith('\r') else line
            f = line.split(' ')
            if len(f) != 2 or not f[0] or not f[1] or BLANK_RUN.search(line.replace(' ', '', 1)):
                raise Failure('%s: line %d: not two symbols: %r' % (path, n, line))
            p = (f[0], f[1])
            if p not in self.rank:
                self.rank[p] = len(self.rank)
            if p[0] + p[1] not in self.reverse:
                self.reverse[p[0] + p[1]] = p


def encode(graphemes, codes):
    """subword-nmt 0.2's encode(): the adjacent pair of lowest rank merged everywhere, left to
    right, until no adjacent pair is a merge; the pieces without the trailing </w>."""
    word = initial_symbols(graphemes)
    rank = codes.rank
    while len(word) > 1:
        best = None
        for p in zip(word, word[1:]):
            r = rank.get(p)
            if r is not None and (best is None or r < best[0]):
                best = (r, p)
        if best is None:
            break
        word = merge_word(word, best[1])
    assert word[-1].endswith(EOW)
    word[-1] = word[-1][:-len(EOW)]
    return word


class Style:
    """How pieces are written: the marks and the escapes of the spec."""

    def __init__(self, name):
        if name not in ('subword-nmt', 'sentencepiece'):
            raise Failure('unknown style %r' % name)
        self.sp = name == 'sentencepiece'

    def form(self, piece, first, final, word):
        """The piece as apply writes it, marks and escapes included (what --vocab looks up)."""
        if self.sp:
            if first:
                return SPACE + piece
            return ('\\' if SP_ESCAPE.match(piece) else '') + piece
        if not final:
            return piece + SEP
        return piece + ('\\' if SNMT_ESCAPE.search(word) else '')

    def write(self, pieces, word):
        n = len(pieces)
        forms = [self.form(p, i == 0, i == n - 1, word) for i, p in enumerate(pieces)]
        return ' '.join(forms)


def vocab_split(pieces, word, codes, vocab, style):
    """subword-nmt's check_vocab_and_split and recursive_split: a piece whose written form is not
    in the vocabulary is split back by the merge that made it (the reverse map), recursively,
    until every piece is known or cannot be split. The last piece looks its merge up with </w>
    (and drops the </w> of the right half); in the sentencepiece style the first piece (and the
    left halves of it) is written with its mark, the others plain."""

    def known(p, first, final):
        return style.form(p, first, final, word) in vocab

    def rsplit(p, first, final):
        try:
            left, right = codes.reverse[p + EOW if final else p]
        except KeyError:
            yield p
            return
        if final:
            right = right[:-len(EOW)]
        if known(left, first, False):
            yield left
        else:
            yield from rsplit(left, first, False)
        if known(right, False, final):
            yield right
        else:
            yield from rsplit(right, False, final)

    out = []
    n = len(pieces)
    for i, p in enumerate(pieces):
        first, final = i == 0, i == n - 1
        if known(p, first, final):
            out.append(p)
        else:
            out.extend(rsplit(p, first, final))
    return out


def read_vocab(path, threshold):
    """`token<TAB>count` or subword-nmt's `token count`: the tokens with count >= threshold."""
    vocab = set()
    for n, line in enumerate(read_lines([path]), 1):
        line = line.rstrip('\r')
        if '\t' in line:
            tok, _, c = line.rpartition('\t')
        else:
            tok, _, c = line.rpartition(' ')
        if not tok or not c.isdigit():
            raise Failure('%s: line %d: not a vocabulary entry: %r' % (path, n, line))
        if int(c) >= threshold:
            vocab.add(tok)
    return vocab


def apply_lines(lines, codes, style, seg, vocab):
    lines = list(lines)
    seg.prepare(w for line in lines for w in split_line(line)[1::2])
    cache = {}
    out = []
    for line in lines:
        parts = split_line(line)
        for i in range(1, len(parts), 2):
            w = parts[i]
            if w not in cache:
                pieces = encode(seg(w), codes)
                if vocab is not None:
                    pieces = vocab_split(pieces, w, codes, vocab, style)
                if ''.join(pieces) != w:
                    raise Failure('apply: the pieces %r do not spell %r' % (pieces, w))
                cache[w] = style.write(pieces, w)
            parts[i] = cache[w]
        out.append(''.join(parts))
    return out


# ---- decode ----

def decode_line(line, style):
    parts = split_line(line)
    out = [parts[0]]
    i = 1
    if not style.sp:
        while i < len(parts):
            w = parts[i]
            # a token ending in @@, then exactly one space and a token: joined
            while w.endswith(SEP) and i + 2 < len(parts) and parts[i + 1] == ' ':
                w = w[:-len(SEP)] + parts[i + 2]
                i += 2
            if SNMT_UNESCAPE.search(w):
                w = w[:-1]
            out.append(w)
            out.append(parts[i + 1])
            i += 2
        return ''.join(out)
    # sentencepiece: out holds everything written; a continuation drops the space before it
    for i in range(1, len(parts), 2):
        w = parts[i]
        if w.startswith(SPACE):
            out.append(w[len(SPACE):])
        elif i > 1 and parts[i - 1] == ' ':
            out.pop()  # the one space before it
            out.append(w[1:] if SP_ESCAPE.match(w) and w.startswith('\\') else w)
        else:
            out.append(w)
        out.append(parts[i + 1])
    return ''.join(out)


# ---- commands ----

def take(args, i, name):
    if i + 1 >= len(args):
        raise Failure('%s needs a value' % name)
    return args[i + 1]


def cmd_learn(args, seg):
    nmerges, vocab_size, minf, counts_in, out, files = 10000, None, 2, False, None, []
    i = 0
    while i < len(args):
        a = args[i]
        if a in ('-m', '--merges'):
            nmerges = int(take(args, i, a)); i += 1
        elif a == '--vocab-size':
            vocab_size = int(take(args, i, a)); i += 1
        elif a == '--min-frequency':
            minf = int(take(args, i, a)); i += 1
        elif a == '--counts':
            counts_in = True
        elif a in ('-o', '--output'):
            out = take(args, i, a); i += 1
        else:
            files.append(a)
        i += 1
    counts = read_counts(files or ['-']) if counts_in else count_words(files or ['-'])
    merges = learn(counts, nmerges, minf, seg, vocab_size)
    write_out(out, ['#version: 0.2'] + ['%s %s' % p for p in merges])


def style_arg(a):
    return {'subword-nmt': 'subword-nmt', 'sentencepiece': 'sentencepiece'}.get(a, a)


def cmd_apply(args, seg):
    codes, style, vocab, threshold, out, files = None, 'subword-nmt', None, 1, None, []
    i = 0
    while i < len(args):
        a = args[i]
        if a in ('-c', '--codes'):
            codes = take(args, i, a); i += 1
        elif a in ('-s', '--style'):
            style = take(args, i, a); i += 1
        elif a == '--vocab':
            vocab = take(args, i, a); i += 1
        elif a == '--threshold':
            threshold = int(take(args, i, a)); i += 1
        elif a in ('-o', '--output'):
            out = take(args, i, a); i += 1
        else:
            files.append(a)
        i += 1
    if codes is None:
        raise Failure('apply needs -c MERGES')
    st = Style(style)
    v = read_vocab(vocab, threshold) if vocab is not None else None
    write_out(out, apply_lines(read_lines(files or ['-']), Codes(codes), st, seg, v))


def cmd_decode(args, seg):
    style, out, files = 'subword-nmt', None, []
    i = 0
    while i < len(args):
        a = args[i]
        if a in ('-s', '--style'):
            style = take(args, i, a); i += 1
        elif a in ('-o', '--output'):
            out = take(args, i, a); i += 1
        else:
            files.append(a)
        i += 1
    st = Style(style)
    write_out(out, [decode_line(l, st) for l in read_lines(files or ['-'])])


def cmd_same(args, seg):
    if len(args) != 2:
        raise Failure('same GOT WANT')
    a = open(args[0], 'rb').read().split(b'\n')
    b = open(args[1], 'rb').read().split(b'\n')
    if a == b:
        print('same: %s = %s (%d lines)' % (args[0], args[1], len(a) - 1))
        return
    for n, (x, y) in enumerate(zip(a, b), 1):
        if x != y:
            raise Failure('%s differs from %s at line %d:\n  got:  %r\n  want: %r'
                          % (args[0], args[1], n, x[:300], y[:300]))
    raise Failure('%s has %d lines, %s %d' % (args[0], len(a) - 1, args[1], len(b) - 1))


def cmd_random(args, seg):
    """random SEED MERGES TEXT: a text of words of every length up to 2,000 grapheme clusters
    over a small alphabet, most of them repeats of short chunks, and merges learnt from it
    (--min-frequency 1) then put out of the learnt order: a quarter of the ranks swapped (a merge
    may then make the pair of a lower rank), pairs repeated later, merges of symbols that are
    there inserted (two merges may make the same symbol). For apply's two ways of merging: a
    scan on short words, a heap on long ones."""
    import random
    if len(args) != 3:
        raise Failure('random SEED MERGES TEXT')
    r = random.Random(int(args[0]))
    alphabet = ['a', 'b', 'c', '@', '\\', SPACE, 'e\u0301', '\ud55c', '\u1112\u1161\u11ab']
    words = []
    for n in [r.randint(1, 40) for _ in range(120)] + [r.randint(100, 300) for _ in range(30)] + \
            [r.randint(1000, 2000) for _ in range(4)]:
        w = []
        while len(w) < n:
            if r.random() < 0.7:
                chunk = [r.choice(alphabet) for _ in range(r.randint(1, 6))]
                w += chunk * r.randint(1, 8)
            else:
                w.append(r.choice(alphabet))
        words.append(w[:n])
    clusters = {''.join(w): w for w in words}
    counts = defaultdict(int)
    for w in words:
        counts[''.join(w)] += 1
    merges = learn(counts, 250, 1, lambda w: clusters[w])
    symbols = sorted(set(a + b for a, b in merges) | set(alphabet))
    for _ in range(len(merges) // 8):
        i, j = r.randrange(len(merges)), r.randrange(len(merges))
        merges[i], merges[j] = merges[j], merges[i]
    for _ in range(10):
        merges.insert(r.randrange(len(merges) + 1), r.choice(merges))
    for _ in range(30):
        left, right = r.choice(symbols), r.choice(symbols)
        if r.random() < 0.3:
            right += EOW
        merges.insert(r.randrange(len(merges) + 1), (left, right))
    write_out(args[1], ['#version: 0.2'] + ['%s %s' % m for m in merges])
    lines = []
    texts = [''.join(w) for w in words]
    while texts:
        k = r.randint(1, 4)
        lines.append(' '.join(texts[:k]))
        texts = texts[k:]
    write_out(args[2], lines)


COMMANDS = {'random': cmd_random, 'learn': cmd_learn, 'apply': cmd_apply, 'decode': cmd_decode, 'same': cmd_same}


def main(argv):
    cmd = None
    while argv and argv[0].startswith('--'):
        if argv[0] == '--graphemes' and len(argv) > 1:
            cmd = argv[1]
            argv = argv[2:]
        elif argv[0] == '--codepoints':
            cmd = None
            argv = argv[1:]
        else:
            sys.stderr.write('bpe_ref: unknown option %s\n' % argv[0])
            return 2
    seg = Segmenter(cmd)
    groups, cur = [], []
    for a in argv:
        if a == ';':
            groups.append(cur)
            cur = []
        else:
            cur.append(a)
    groups.append(cur)
    status = 0
    for g in groups:
        if not g:
            continue
        if g[0] not in COMMANDS:
            sys.stderr.write('bpe_ref: unknown command %s\n' % g[0])
            status = 1
            continue
        try:
            COMMANDS[g[0]](g[1:], seg)
        except (Failure, OSError, ValueError) as e:
            print('bpe_ref: %s: %s' % (g[0], e))
            status = 1
    return status


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
