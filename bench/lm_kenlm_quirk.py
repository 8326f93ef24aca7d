#!/usr/bin/python3
"""lm_kenlm_quirk.py N CORPUS OUT.arpa: the modified Kneser-Ney model of tests/lm_ref.py (issue 13's
definitions) with two behaviours of KenLM's lmplz added, so that its ARPA can be compared entry
by entry with lmplz's (tests/lm_ref.py compare --loose-weights KENLM.arpa OUT.arpa): then they
agree within the precision of the files (1e-6 in log10 on PTB, orders 3 and 5), which is the
evidence that the reference implements modified Kneser-Ney as KenLM does. The two behaviours:

1. lmplz's count-of-counts take the last n-gram of each lower order in its stream with its raw
   count instead of its adjusted (continuation) count (lm/builder/adjust_counts.cc, the final
   flush calls stats.Add with actual_counts). Its stream is in suffix order of word ids (<unk> 0,
   <s> 1, </s> 2, then the words in order of first appearance), padded with N-1 <s>; the last
   lower n-grams are the suffixes of the last N-gram. On PTB that is the unigram "unilab", counted
   6 instead of 4: t4 of the unigrams is 656 instead of 657, and D3+ 1.26492 instead of 1.26227,
   which moves the unigram probabilities by up to 9e-4 in log10.
2. lmplz accepts t4 = 0 (then D3+ = 3), where the spec calls the discounts undefined.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests'))
import lm_ref as r  # noqa: E402


def last_suffixes(path, N):
    ids = {r.UNK: 0, r.BOS: 1, r.EOS: 2}
    last = None
    for s in r.read_sentences([path], None):
        for w in s:
            ids.setdefault(w, len(ids))
        s = [r.BOS] * (N - 2) + s
        for i in range(len(s) - N + 1):
            g = tuple(s[i:i + N])
            key = tuple(ids[w] for w in reversed(g))
            if last is None or key > last[0]:
                last = (key, g)
    g = last[1]
    return [g[N - n:] for n in range(1, N) if g[N - n] != r.BOS]


def main():
    N, corpus, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    raw = {}
    orig_used, orig_coc, orig_disc = r.used_counts, r.count_of_counts, r.discounts

    def used(c, N_, method):
        a = orig_used(c, N_, method)
        for g in last_suffixes(corpus, N):
            raw[g] = c[len(g)][g]
            print('lm_kenlm_quirk: "%s" counted %d instead of %d' % (r.show(g), raw[g], a[len(g)][g]),
                  file=sys.stderr)
        return a

    def coc(an, kmax):
        t = orig_coc(an, kmax)
        for g, k in raw.items():
            if g in an:
                if an[g] <= kmax + 1:
                    t[an[g]] -= 1
                if k <= kmax + 1:
                    t[k] += 1
        return t

    def disc(method, t, n, fallback):
        if method == 'mkn' and t[4] == 0 and 0 not in t[1:4]:
            Y = t[1] / (t[1] + 2 * t[2])
            return [0, 1 - 2 * Y * t[2] / t[1], 2 - 3 * Y * t[3] / t[2], 3.0]
        return orig_disc(method, t, n, fallback)

    r.used_counts, r.count_of_counts, r.discounts = used, coc, disc
    return r.main(['estimate', '-n', str(N), '--discount-fallback', '-o', out, corpus])


if __name__ == '__main__':
    sys.exit(main())
