"""Writes the fixtures of tests/nlp-seq2seq.bats (python3 gen.py, in this folder): synthetic tasks
that a tiny model (--hidden 16 --emb 8) learns by heart in a few seconds.

rev.tsv        240 strings of 1 to 5 characters over a, b, c, d, e with an accent and a Hangul
               syllable (code points of 1, 2 and 3 bytes), each with its reversal: `abé<TAB>éba`.
rev-valid.tsv  40 more strings, none of rev.tsv's (the --valid file).
num.tsv        160 lines of 1 to 4 English number words and their digits as tokens:
               `three one four<TAB>3 1 4`; a few with runs of blanks, and leading or trailing
               ones, in the source (units: blank-separated words)."""
import random

ALPHA = ['a', 'b', 'c', 'd', '\u00e9', '\uac00']
WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine']

r = random.Random(19)
seen = set()


def string():
    while True:
        s = ''.join(r.choice(ALPHA) for _ in range(r.randint(1, 5)))
        if s not in seen:
            seen.add(s)
            return s


with open('rev.tsv', 'w', encoding='utf-8') as f:
    for _ in range(240):
        s = string()
        f.write('%s\t%s\n' % (s, s[::-1]))
with open('rev-valid.tsv', 'w', encoding='utf-8') as f:
    for _ in range(40):
        s = string()
        f.write('%s\t%s\n' % (s, s[::-1]))
with open('num.tsv', 'w', encoding='utf-8') as f:
    for i in range(160):
        d = [r.randrange(10) for _ in range(r.randint(1, 4))]
        src = ' '.join(WORDS[k] for k in d)
        if i % 20 == 7:
            src = '  ' + src.replace(' ', '   ') + ' '
        f.write('%s\t%s\n' % (src, ' '.join(str(k) for k in d)))
