#!/usr/bin/python3
"""tag_nltk.py: the NLTK peer of nlp-tag (issue 18), NLTK's averaged perceptron
(nltk.tag.perceptron.PerceptronTagger(load=False), Honnibal's greedy tagger), and the
most-frequent-tag baseline.

usage: tag_nltk.py pos TRAIN DEV [--iter N] [--column upos|xpos] [--seed N]
       tag_nltk.py spacing CORPUS GOLD... [--lines N] [--iter N] [--seed N]

pos: trains on the CoNLL-U file TRAIN (FORM and UPOS, or XPOS with --column xpos; comments,
multiword-token ranges such as `3-4` and empty nodes such as `5.1` skipped, a blank line ends a
sentence; a blank inside a FORM becomes U+00A0, as nlp-tag reads it) for --iter iterations (5)
and tags DEV's tokens. Known tokens are those whose lowercased form is a lowercased form of the
training tokens (nlp-tag eval's definition); the rest are unknown. The baseline gives every token
the tag its form had most often in training, else the tag its lowercased form had most often,
else the most frequent tag of all (ties: the tag seen first).

spacing: Korean word spacing as character tagging. The "words" of a line of CORPUS (of its first
--lines lines, 0 for all; empty lines are no sentences) are its characters that are not blanks
(white space as nlp-tag's character units see it: ASCII space and tab to CR, U+0085, and the
Unicode separators Zs, Zl, Zp, U+00A0 among them); a character's tag is S when a blank and then
another character follow it in the line, '-' otherwise. GOLD files are CoNLL-U (their `# text = `
lines, correctly spaced) or text lines. Each gold line is tagged without its blanks; the space
decisions are the gaps between its characters (the last character of a line has none):
precision, recall and F1 of S.

Files may be xz-compressed (.xz). NLTK's training shuffles with Python's random, seeded with
--seed (1). Writes `key<TAB>value...` lines on stdout (the figures; accuracies as
`name<TAB>accuracy<TAB>right<TAB>total`), progress on stderr. Training time is train() alone,
CPU (process_time) and wall; tagging is tag() over DEV's sentences, one call per sentence.

    tag_nltk.py pos en_gum-train.conllu en_gum-ud-dev.conllu
    tag_nltk.py spacing --lines 30000 kowiki-30M.txt ko_gsd-ud-dev.conllu ko_kaist-ud-dev.conllu
"""
import argparse
import lzma
import random
import sys
import time
from collections import Counter, defaultdict

from nltk.tag.perceptron import PerceptronTagger


def lines(path):
    """The lines of path (xz when it ends in .xz), without their newlines."""
    opener = lzma.open if path.endswith('.xz') else open
    with opener(path, 'rt', encoding='utf-8') as f:
        for line in f:
            yield line.rstrip('\n')


def read_conllu(path, column):
    """The sentences of a CoNLL-U file: lists of (form, tag)."""
    col = 3 if column == 'upos' else 4
    sents, cur = [], []
    for n, line in enumerate(lines(path), 1):
        if not line.strip():
            if cur:
                sents.append(cur)
            cur = []
            continue
        if line.startswith('#'):
            continue
        f = line.split('\t')
        if len(f) != 10:
            sys.exit('tag_nltk.py: %s:%d: not ten tab-separated fields' % (path, n))
        if '-' in f[0] or '.' in f[0]:
            continue
        cur.append((f[1].replace(' ', '\u00a0'), f[col]))
    if cur:
        sents.append(cur)
    return sents


def accuracy_line(name, right, total):
    return '%s\t%.6f\t%d\t%d' % (name, right / total if total else float('nan'), right, total)


def scores(gold, pred, known):
    """(right, total) over all tokens, the known ones and the unknown ones."""
    r = [[0, 0], [0, 0], [0, 0]]
    for g, p, k in zip(gold, pred, known):
        for i in (0, 1 if k else 2):
            r[i][0] += g == p
            r[i][1] += 1
    return r


def most_frequent(train):
    """The baseline: a function from a form to a tag."""
    by_form, by_lower, all_tags = defaultdict(Counter), defaultdict(Counter), Counter()
    for s in train:
        for w, t in s:
            by_form[w][t] += 1
            by_lower[w.lower()][t] += 1
            all_tags[t] += 1
    # Counter.most_common keeps the order of first sight among equal counts
    form = {w: c.most_common(1)[0][0] for w, c in by_form.items()}
    lower = {w: c.most_common(1)[0][0] for w, c in by_lower.items()}
    top = all_tags.most_common(1)[0][0]
    return lambda w: form.get(w) or lower.get(w.lower()) or top


def train_timed(sents, iters, seed):
    """A PerceptronTagger trained on sents; (tagger, cpu seconds, wall seconds)."""
    random.seed(seed)
    tagger = PerceptronTagger(load=False)
    c0, w0 = time.process_time(), time.perf_counter()
    tagger.train(sents, nr_iter=iters)
    return tagger, time.process_time() - c0, time.perf_counter() - w0


def tag_timed(tagger, sents):
    """The tags of every token of sents (lists of tokens); (tags, cpu seconds, wall seconds)."""
    c0, w0 = time.process_time(), time.perf_counter()
    out = [t for s in sents for _, t in tagger.tag(s)]
    return out, time.process_time() - c0, time.perf_counter() - w0


def pos(a):
    train = read_conllu(a.train, a.column)
    dev = read_conllu(a.dev, a.column)
    ntrain = sum(len(s) for s in train)
    print('tag_nltk.py: %d sentences, %d tokens to train; %d sentences, %d tokens to tag'
          % (len(train), ntrain, len(dev), sum(len(s) for s in dev)), file=sys.stderr)
    print('train_tokens\t%d' % ntrain)
    print('train_sentences\t%d' % len(train))
    seen = {w.lower() for s in train for w, _ in s}
    words = [[w for w, _ in s] for s in dev]
    gold = [t for s in dev for _, t in s]
    known = [w.lower() in seen for s in words for w in s]

    tagger, cpu, wall = train_timed(train, a.iter, a.seed)
    print('tag_nltk.py: trained in %.1f s (%.1f s CPU)' % (wall, cpu), file=sys.stderr)
    pred, tcpu, twall = tag_timed(tagger, words)
    for name, (r, n) in zip(('accuracy', 'known', 'unknown'), scores(gold, pred, known)):
        print(accuracy_line(name, r, n))
    print('train_cpu_s\t%.3f' % cpu)
    print('train_wall_s\t%.3f' % wall)
    print('tag_cpu_s\t%.3f' % tcpu)
    print('tag_wall_s\t%.3f' % twall)
    print('tag_tokens_per_s\t%.0f' % (len(gold) / twall))
    print('tagdict_words\t%d' % len(tagger.tagdict))

    mft = most_frequent(train)
    base = [mft(w) for s in words for w in s]
    for name, (r, n) in zip(('mft_accuracy', 'mft_known', 'mft_unknown'),
                            scores(gold, base, known)):
        print(accuracy_line(name, r, n))


def is_blank(ch):
    """White space as nlp-tag's units of characters (utf8_is_space): str.isspace() but the
    ASCII separators U+001C..U+001F."""
    return ch.isspace() and not '\x1c' <= ch <= '\x1f'


def spaced(line):
    """The characters of line that are not blanks, each with S when a blank and then another
    character follow it, else '-'."""
    out = []
    for ch in line:
        if is_blank(ch):
            if out:
                out[-1] = (out[-1][0], 'S')
        else:
            out.append((ch, '-'))
    if out:
        out[-1] = (out[-1][0], '-')
    return out


def gold_lines(path):
    """The `# text = ` lines of a CoNLL-U file, or every line of a text file."""
    text = None
    for line in lines(path):
        if text is None:
            text = not (line.startswith('#') or line.count('\t') == 9)
        if text:
            yield line
        elif line.startswith('# text = '):
            yield line[len('# text = '):]


def spacing(a):
    train = []
    for n, line in enumerate(lines(a.corpus), 1):
        s = spaced(line)
        if s:
            train.append(s)
        if n == a.lines:
            break
    gold = [s for p in a.gold for s in map(spaced, gold_lines(p)) if s]
    ntrain = sum(len(s) for s in train)
    print('tag_nltk.py: %d lines, %d characters to train; %d gold lines' % (
        len(train), ntrain, len(gold)), file=sys.stderr)
    print('train_lines\t%d' % len(train))
    print('train_chars\t%d' % ntrain)
    tagger, cpu, wall = train_timed(train, a.iter, a.seed)
    print('tag_nltk.py: trained in %.1f s (%.1f s CPU)' % (wall, cpu), file=sys.stderr)
    pred, tcpu, twall = tag_timed(tagger, [[c for c, _ in s] for s in gold])
    tp = fp = fn = right = chars = 0
    k = 0
    for s in gold:
        for i, (_, g) in enumerate(s):
            p = pred[k + i]
            if i + 1 < len(s):          # the last character is no decision
                tp += g == 'S' and p == 'S'
                fp += g != 'S' and p == 'S'
                fn += g == 'S' and p != 'S'
            right += g == p
            chars += 1
        k += len(s)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    print('gold_lines\t%d' % len(gold))
    print('gold_spaces\t%d' % (tp + fn))
    print('precision\t%.6f' % prec)
    print('recall\t%.6f' % rec)
    print('f1\t%.6f' % f1)
    print(accuracy_line('char_accuracy', right, chars))
    print('train_cpu_s\t%.3f' % cpu)
    print('train_wall_s\t%.3f' % wall)
    print('tag_wall_s\t%.3f' % twall)
    print('tag_chars_per_s\t%.0f' % (chars / twall))


def main():
    ap = argparse.ArgumentParser(description="NLTK's averaged perceptron: the peer of nlp-tag")
    sub = ap.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('pos', help='part-of-speech tags from CoNLL-U')
    p.add_argument('train')
    p.add_argument('dev')
    p.add_argument('--column', choices=('upos', 'xpos'), default='upos')
    s = sub.add_parser('spacing', help='Korean word spacing as character tagging')
    s.add_argument('corpus')
    s.add_argument('gold', nargs='+')
    s.add_argument('--lines', type=int, default=0)
    for x in (p, s):
        x.add_argument('--iter', type=int, default=5)
        x.add_argument('--seed', type=int, default=1)
    a = ap.parse_args()
    pos(a) if a.cmd == 'pos' else spacing(a)


if __name__ == '__main__':
    main()
