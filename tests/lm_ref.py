#!/usr/bin/python3
"""lm_ref.py: the tests' independent reference for nlp-lm, written from the definitions of issue
13's spec (not from the C code). Plain Python, no modules beyond the standard library.

    lm_ref.py COMMAND ARGS [';' COMMAND ARGS]...

Several commands run in one start-up, separated by a ';' argument; each prints one line (estimate
prints nothing unless -o is absent). The exit status is 1 when a command failed or a check was
beyond its tolerance, after every command has run.

  estimate [-n N] [--smoothing mkn|kn|abs|wb|katz|addk] [--interpolate|--backoff] [--add K]
           [--discount-fallback] [--vocab FILE] [--prune T1,T2,..] [--output OUT] [--verbose] FILE...
      an order-N model of the token text FILE... (one sentence per line) as ARPA, to OUT or stdout,
      in the spec's conventions (log10 rounded to 6 decimals, <s> -99, weights on contexts);
      --verbose prints the discounts of each order to stderr
  sum [--tol X] [--identity] ARPA...
      for every context of each model (the empty one and every entry of order < N with a back-off
      weight), the sum over the vocabulary (all unigrams but <s>) of p(w | h) under back-off
      semantics; prints the largest |sum - 1| and fails beyond X (default 1e-4). Large models (and
      --identity) are summed through an identity instead of word by word (see context_sums)
  compare [--tol X] [--loose-weights] A B
      the n-grams of the two ARPA files must be the same, and so must the entries that have a
      back-off weight (unless --loose-weights: KenLM writes one on every entry below the top
      order); prints the largest absolute difference of the log10 probabilities (also by order)
      and of the log10 back-off weights (a missing weight is 0), with the n-gram where it is;
      fails beyond X (default 1e-4). The probability of <s> is not
      compared: it is never used, and tools write -99 (SRILM, nlp-lm) or 0 (KenLM). Two back-off
      weights at or below -10 are equal: both say that no mass is left (Katz on a context whose
      children are all seen more than 5 times: -99, or the rounding of 1 - sum = 1e-16)
  query ARPA 'w1 .. wn'
      prints log10 p(wn | w1 .. wn-1) under back-off semantics and the length of the n-gram used
"""
import math
import sys
from collections import defaultdict

BOS, EOS, UNK = b'<s>', b'</s>', b'<unk>'
KATZ_K = 5
ZERO = -10.0  # compare: log10 values at or below it are both "no mass" (-99, or rounding noise)


class Failure(Exception):
    pass


# ---- estimation ----

def read_sentences(paths, vocab):
    for path in paths:
        with open(path, 'rb') as f:
            for line in f:
                toks = line.split()
                if vocab is not None:
                    toks = [t if t in vocab else UNK for t in toks]
                yield [BOS] + toks + [EOS]


def count_ngrams(sentences, N):
    """c[n][g]: the count of every n-gram g (a tuple of words) of orders 1..N."""
    c = [None] + [defaultdict(int) for _ in range(N)]
    for s in sentences:
        for n in range(1, N + 1):
            cn = c[n]
            for i in range(len(s) - n + 1):
                cn[tuple(s[i:i + n])] += 1
    return c


def used_counts(c, N, method):
    """a[n][g]: KN's continuation counts N1+(. g) below the top order (but for n-grams that
    start with <s>), the plain counts otherwise."""
    if method not in ('mkn', 'kn'):
        return c
    a = [None] + [dict() for _ in range(N)]
    a[N] = dict(c[N])
    for n in range(1, N):
        left = defaultdict(int)
        for g in c[n + 1]:
            left[g[1:]] += 1
        a[n] = {g: (k if g[0] == BOS else left[g]) for g, k in c[n].items()}
    return a


def count_of_counts(an, kmax):
    t = [0] * (kmax + 2)
    for g, k in an.items():
        if g == (BOS,) or k == 0:
            continue
        if k <= kmax + 1:
            t[k] += 1
    return t


def discounts(method, t, n, fallback):
    """The discounts of one order from its count-of-counts t[1..]; raises Failure when they are
    undefined and fallback is off."""
    def undefined(why):
        if not fallback:
            raise Failure('order %d: discounts undefined (%s); use --discount-fallback' % (n, why))
        print('lm_ref: warning: order %d: discounts undefined (%s), fallback used' % (n, why),
              file=sys.stderr)
    if method == 'mkn':
        t1, t2, t3, t4 = t[1:5]
        if 0 in (t1, t2, t3, t4):
            undefined('t1..t4 = %d %d %d %d' % (t1, t2, t3, t4))
            return [0, 0.5, 1.0, 1.5]
        Y = t1 / (t1 + 2 * t2)
        D = [0, 1 - 2 * Y * t2 / t1, 2 - 3 * Y * t3 / t2, 3 - 4 * Y * t4 / t3]
        if any(not 0 <= D[k] <= k for k in (1, 2, 3)):
            undefined('D = %g %g %g' % tuple(D[1:]))
            return [0, 0.5, 1.0, 1.5]
        return D
    if method in ('kn', 'abs'):
        if t[1] == 0:
            undefined('t1 = 0')
            return 0.5
        return t[1] / (t[1] + 2 * t[2])
    if method == 'katz':
        # SRILM's rule (the spec's amendment of 22:40): never undefined; a coefficient that cannot
        # be computed (t1 = 0, R >= 1, t_a = 0) or falls outside (0, 1] is 1, with a warning when
        # it was computed
        K = KATZ_K
        d = [1.0] * (K + 1)
        R = (K + 1) * t[K + 1] / t[1] if t[1] else 1.0
        for a in range(1, K + 1):
            if t[1] and R < 1 and t[a]:
                x = ((a + 1) * t[a + 1] / (a * t[a]) - R) / (1 - R)
                if 0 < x <= 1:
                    d[a] = x
                else:
                    print('lm_ref: warning: order %d: Good-Turing d(%d) = %g is not discounted'
                          % (n, a, x), file=sys.stderr)
        return d
    return None


def estimate(paths, N=3, method='mkn', form=None, k=1.0, fallback=False, vocab_path=None,
             prune=None, verbose=False):
    """The model as (prob, bow): dicts from n-gram tuples to linear probabilities and weights."""
    if form is None:
        form = 'backoff' if method in ('katz', 'addk') else 'interpolate'
    if form == 'interpolate' and method in ('katz', 'addk'):
        raise Failure('%s has only the back-off form' % method)
    vocab = None
    if vocab_path:
        with open(vocab_path, 'rb') as f:
            vocab = {line.split()[0] for line in f if line.split()}
    c = count_ngrams(read_sentences(paths, vocab), N)
    V = set(vocab) if vocab is not None else {g[0] for g in c[1]}
    V |= {EOS, UNK}
    V.discard(BOS)
    nV = len(V)
    a = used_counts(c, N, method)
    T = [0] * (N + 1)  # pruning thresholds; the last repeats
    if prune:
        ts = [int(x) for x in prune.split(',')]
        T = [0] + [ts[min(n - 1, len(ts) - 1)] for n in range(1, N + 1)]

    def kept(g):
        return len(g) == 1 or c[len(g)][g] > T[len(g)]

    # per order: the discounts, and per context h: [S, T, N1, N2, N3+] over its children
    disc = [None] * (N + 1)
    stats = [None] * (N + 1)
    for n in range(1, N + 1):
        an = {g: x for g, x in a[n].items() if x > 0 and g != (BOS,)}
        a[n] = an
        if an:
            disc[n] = discounts(method, count_of_counts(an, KATZ_K), n, fallback)
            if verbose:
                print('lm_ref: order %d discounts %s' % (n, disc[n]), file=sys.stderr)
        st = defaultdict(lambda: [0, 0, 0, 0, 0])
        for g, x in an.items():
            s = st[g[:-1]]
            s[0] += x
            s[1] += 1
            s[min(x, 3) + 1] += 1
        stats[n] = st

    def u(n, g):
        """The discounted (or smoothed) estimate of the last word of g given the others."""
        x = a[n].get(g, 0)
        S, Tn = stats[n][g[:-1]][:2]
        if method == 'mkn':
            return (x - disc[n][min(x, 3)]) / S
        if method in ('kn', 'abs'):
            return (x - disc[n]) / S
        if method == 'wb':
            return x / (S + Tn)
        if method == 'katz':
            return (disc[n][x] if x <= KATZ_K else 1.0) * x / S
        return (x + k) / (S + k * nV)  # addk

    def gamma(n, h):
        S, Tn, n1, n2, n3 = stats[n][h]
        if method == 'mkn':
            D = disc[n]
            return (D[1] * n1 + D[2] * n2 + D[3] * n3) / S
        if method in ('kn', 'abs'):
            return disc[n] * Tn / S
        if method == 'wb':
            return Tn / (S + Tn)
        raise AssertionError

    prob, bow = {}, {}
    # unigrams: interpolated with the uniform 1/|V| (addk: every word is a child)
    S1 = stats[1][()][0] if () in stats[1] else 0
    if S1 == 0:
        for w in V:
            prob[(w,)] = 1.0 / nV
    elif method == 'addk':
        for w in V:
            prob[(w,)] = (c[1].get((w,), 0) + k) / (S1 + k * nV)
    else:
        if method == 'katz':
            lost = 1.0 - sum(u(1, g) for g in a[1])
        else:
            lost = gamma(1, ())
        for w in V:
            prob[(w,)] = (u(1, (w,)) if (w,) in a[1] else 0.0) + lost / nV
    prob[(BOS,)] = 0.0

    def p(h, w):
        """p(w | h) under back-off semantics in the model built so far."""
        g = h + (w,)
        if g in prob:
            return prob[g]
        return bow.get(h, 1.0) * p(h[1:], w)

    for n in range(2, N + 1):
        children = defaultdict(list)
        for g in a[n]:
            children[g[:-1]].append(g)
        for h, gs in children.items():
            keep = [g for g in gs if kept(g)]
            if not kept(h):
                continue
            if form == 'interpolate':
                gam = gamma(n, h) + sum(u(n, g) for g in gs if not kept(g))
                bow[h] = gam
                for g in keep:
                    prob[g] = u(n, g) + gam * p(h[1:], g[-1])
            else:
                num = 1.0 - sum(u(n, g) for g in keep)
                den = 1.0 - sum(p(h[1:], g[-1]) for g in keep)
                for g in keep:
                    prob[g] = u(n, g)
                bow[h] = num / max(den, 1e-30)
    return prob, bow


def log10(x):
    return math.log10(x) if x > 0 else -99.0


def fmt(x):
    """A log10 value as the spec (amended) writes it: rounded to 6 decimals, trailing zeros
    dropped, -0 as 0."""
    s = ('%.6f' % x).rstrip('0').rstrip('.')
    return b'0' if s in ('-0', '') else s.encode()


def write_arpa(out, prob, bow, N):
    byorder = [[] for _ in range(N + 1)]
    for g in prob:
        byorder[len(g)].append(g)
    w = out.write
    w(b'\\data\\\n')
    for n in range(1, N + 1):
        w(b'ngram %d=%d\n' % (n, len(byorder[n])))
    for n in range(1, N + 1):
        w(b'\n\\%d-grams:\n' % n)
        for g in sorted(byorder[n]):
            lp = -99.0 if g == (BOS,) else log10(prob[g])
            line = b'%s\t%s' % (fmt(lp), b' '.join(g))
            if g in bow:
                line += b'\t%s' % fmt(log10(bow[g]))
            w(line + b'\n')
    w(b'\n\\end\\\n')


# ---- reading ARPA files ----

def read_arpa(path):
    """(order, prob, bow): dicts from n-gram tuples to log10 values; checks the \\data\\ counts."""
    prob, bow = {}, {}
    declared = {}
    n = 0
    seen = defaultdict(int)
    with open(path, 'rb') as f:
        state = 'start'
        for lineno, line in enumerate(f, 1):
            s = line.strip()
            if not s:
                continue
            if s == b'\\data\\':
                state = 'data'
            elif s == b'\\end\\':
                state = 'end'
                break
            elif s.startswith(b'\\') and s.endswith(b'-grams:'):
                n = int(s[1:-7])
                state = 'grams'
            elif state == 'data' and s.startswith(b'ngram '):
                k, v = s[6:].split(b'=')
                declared[int(k)] = int(v)
            elif state == 'grams':
                f_ = s.split()
                if len(f_) not in (n + 1, n + 2):
                    raise Failure('%s:%d: %d fields in a %d-gram' % (path, lineno, len(f_), n))
                g = tuple(f_[1:n + 1])
                prob[g] = float(f_[0])
                if len(f_) == n + 2:
                    bow[g] = float(f_[n + 1])
                seen[n] += 1
            elif state != 'start':
                raise Failure('%s:%d: unexpected line' % (path, lineno))
        if state != 'end':
            raise Failure('%s: no \\end\\' % path)
    for k, v in declared.items():
        if seen[k] != v:
            raise Failure('%s: \\data\\ says %d %d-grams, the file has %d' % (path, v, k, seen[k]))
    return max(declared), prob, bow


class Model:
    def __init__(self, path):
        self.path = path
        self.N, self.prob, self.bow = read_arpa(path)
        self.unk = (UNK,)

    def logp(self, ctx, w):
        """log10 p(w | ctx) and the length of the n-gram used (standard back-off)."""
        if (w,) not in self.prob:
            w = UNK
        ctx = tuple(ctx[max(0, len(ctx) - self.N + 1):]) if self.N > 1 else ()
        for i in range(len(ctx) + 1):
            g = ctx[i:] + (w,)
            if g in self.prob:
                return self.prob[g] + sum(self.bow.get(ctx[j:], 0.0) for j in range(i)), len(g)
        raise Failure('%s: %s is not a unigram' % (self.path, w.decode(errors='replace')))


def context_sums(m, identity=False):
    """{h: sum over the vocabulary but <s> of p(w | h)} for the empty context and every entry of
    order < N with a back-off weight. Small models add p(w | h) over the whole vocabulary; large
    ones use the identity sum(h) = sum over the entries h w of p(h w) + bow(h) (sum(h') - sum over
    the same w of p(w | h')), h' = h without its first word, exact under back-off semantics."""
    words = [g[0] for g in m.prob if len(g) == 1 and g[0] != BOS]
    contexts = [()] + [g for g in m.bow if len(g) < m.N]
    if not identity and len(contexts) * len(words) <= 2000000:
        return {h: sum(10 ** m.logp(h, w)[0] for w in words) for h in contexts}, 'every word'
    kids = defaultdict(list)
    for g in m.prob:
        if g[-1] != BOS:
            kids[g[:-1]].append(g)
    memo = {}

    def total(h):
        if h in memo:
            return memo[h]
        if h == ():
            s = sum(10 ** m.prob[g] for g in kids[()])
        else:
            ks = kids.get(h, [])
            s = sum(10 ** m.prob[g] for g in ks)
            lower = total(h[1:]) - sum(10 ** m.logp(h[1:], g[-1])[0] for g in ks)
            s += 10 ** m.bow.get(h, 0.0) * lower
        memo[h] = s
        return s
    for n in range(1, m.N):  # shortest first, so that the recursion stays shallow
        for h in contexts:
            if len(h) == n:
                total(h)
    return {h: total(h) for h in contexts}, 'identity'


# ---- commands ----

def show(g):
    return ' '.join(w.decode(errors='replace') for w in g) or '(empty)'


def cmd_estimate(args):
    opts = dict(N=3, method='mkn', form=None, k=1.0, fallback=False, vocab_path=None, prune=None,
                verbose=False)
    out = None
    paths = []
    it = iter(args)
    for x in it:
        if x in ('-n', '--order'):
            opts['N'] = int(next(it))
        elif x in ('-s', '--smoothing'):
            opts['method'] = next(it)
        elif x == '--interpolate':
            opts['form'] = 'interpolate'
        elif x == '--backoff':
            opts['form'] = 'backoff'
        elif x in ('-k', '--add'):
            opts['k'] = float(next(it))
        elif x == '--discount-fallback':
            opts['fallback'] = True
        elif x in ('-v', '--vocab'):
            opts['vocab_path'] = next(it)
        elif x == '--prune':
            opts['prune'] = next(it)
        elif x in ('-o', '--output'):
            out = next(it)
        elif x == '--verbose':
            opts['verbose'] = True
        else:
            paths.append(x)
    if opts['method'] not in ('mkn', 'kn', 'abs', 'wb', 'katz', 'addk'):
        raise Failure('unknown method %s' % opts['method'])
    prob, bow = estimate(paths or ['/dev/stdin'], **opts)
    if out:
        with open(out, 'wb') as f:
            write_arpa(f, prob, bow, opts['N'])
    else:
        write_arpa(sys.stdout.buffer, prob, bow, opts['N'])
        sys.stdout.flush()
    return True


def take_tol(args):
    if len(args) >= 2 and args[0] == '--tol':
        return float(args[1]), args[2:]
    return 1e-4, args


def cmd_sum(args):
    tol, paths = take_tol(args)
    identity = '--identity' in paths
    ok = True
    for path in [p for p in paths if p != '--identity']:
        m = Model(path)
        sums, how = context_sums(m, identity)
        h, s = max(sums.items(), key=lambda kv: abs(kv[1] - 1))
        good = abs(s - 1) <= tol
        ok &= good
        print('sum %s: %d contexts (%s), max |sum-1| = %.3g at "%s"%s'
              % (path, len(sums), how, abs(s - 1), show(h), '' if good else '  FAIL > %g' % tol))
    return ok


def cmd_compare(args):
    loose = '--loose-weights' in args
    tol, paths = take_tol([a for a in args if a != '--loose-weights'])
    if len(paths) != 2:
        raise Failure('compare takes two ARPA files')
    na, pa, ba = read_arpa(paths[0])
    nb, pb, bb = read_arpa(paths[1])
    only_a = [g for g in pa if g not in pb]
    only_b = [g for g in pb if g not in pa]
    dp, gp = 0.0, ()
    db, gb = 0.0, ()
    byorder = defaultdict(float)
    bow_presence = 0
    for g in pa:
        if g not in pb:
            continue
        d = 0.0 if g == (BOS,) else abs(pa[g] - pb[g])
        byorder[len(g)] = max(byorder[len(g)], d)
        if d > dp:
            dp, gp = d, g
        if (g in ba) != (g in bb):
            bow_presence += 1
        x, y = ba.get(g, 0.0), bb.get(g, 0.0)
        d = 0.0 if x <= ZERO and y <= ZERO else abs(x - y)
        if d > db:
            db, gb = d, g
    good = not only_a and not only_b and dp <= tol and db <= tol and (loose or not bow_presence)
    line = ('compare %s %s: %d and %d entries, max |dlog10p| = %.3g at "%s", max |dlog10bow| = '
            '%.3g at "%s"' % (paths[0], paths[1], len(pa), len(pb), dp, show(gp), db, show(gb)))
    line += ' (|dlog10p| by order: %s)' % ' '.join('%.2g' % byorder[n] for n in sorted(byorder))
    if bow_presence:
        line += ', %d entries with a weight in one file only' % bow_presence
    if only_a or only_b:
        line += ', %d only in the first (e.g. "%s"), %d only in the second (e.g. "%s")' % (
            len(only_a), show(only_a[0]) if only_a else '', len(only_b),
            show(only_b[0]) if only_b else '')
    print(line + ('' if good else '  FAIL (tolerance %g)' % tol))
    return good


def cmd_query(args):
    m = Model(args[0])
    ws = tuple(args[1].encode().split())
    lp, n = m.logp(ws[:-1], ws[-1])
    print('%.7g %d' % (lp, n))
    return True


COMMANDS = {'estimate': cmd_estimate, 'sum': cmd_sum, 'compare': cmd_compare, 'query': cmd_query}


def main(argv):
    ok = True
    cmds, cur = [], []
    for x in argv:
        if x == ';':
            cmds.append(cur)
            cur = []
        else:
            cur.append(x)
    cmds.append(cur)
    for cmd in cmds:
        if not cmd:
            continue
        if cmd[0] not in COMMANDS:
            print(__doc__, file=sys.stderr)
            return 2
        try:
            ok &= COMMANDS[cmd[0]](cmd[1:])
        except (Failure, OSError, ValueError) as e:
            print('lm_ref: %s: %s' % (cmd[0], e), file=sys.stderr)
            ok = False
    sys.stdout.flush()
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
