#!/usr/bin/python3
"""cls_ref.py: the tests' independent reference for nlp-classify's recurrent model (issue 15),
written from the spec (nlp-classify-model(5): header, tables, tensors, forward), not from the C
code. Two computations of the same forward, both in float64 from the file's float32 weights:
PyTorch's nn.EmbeddingBag (mean), nn.LSTM/GRU/RNN (one module, bidirectional as set) and
nn.Linear, and a plain NumPy loop over the time steps.

A token's vector is the mean of its embedding rows. Without character n-grams (maxn 0) the one
row of its word id (0, <unk>, for a word outside the table). With them (minn..maxn, buckets):
the word's own row when the table has it (not <unk>'s for an unknown word), then the rows
V + FNV-1a(n-gram) % buckets of the character n-grams of `<word>` (fastText's: UTF-8 characters,
by start then length, the lone '<' and '>' left out, the 32-bit FNV-1a over the bytes taken as
signed chars), the first 1023 of them; a token with neither gets <unk>'s row. These facts are
the ones of lib/vec/subword.h (fastText's), reimplemented here in Python.

    cls_ref.py [--numpy] [--attention] MODEL [FILE ...]
        reads MODEL (an NLPCLSFY file of the recurrent kind: header, sizes, tables, padding and
        the FNV-1a 64 checksum checked), then lines of `label<TAB>text` or `text` (the label is
        ignored; tokens separated by blanks; a word outside the model's table is id 0, <unk>;
        the first max_len tokens when the model has a max_len) from FILEs or stdin, and prints
        for each line every class's probability in the model's label order, %.9g separated by
        tabs; with --attention (attention models) a second line of the attention weights, one a
        token. --numpy computes with the NumPy loop instead of PyTorch. --as-predict prints as
        `nlp-classify predict --probs` would (with --attention, as `--show-attention`), to test
        the checker below.
    cls_ref.py --write-random OUT [--cell lstm|gru|rnn] [--layers N] [--hidden H] [--emb E]
               [--bidirectional] [--pool last|mean|max|attention] [--attention-size A]
               [--classes C] [--vocab V] [--max-len N] [--init A] [--seed S] [--text FILE]
               [--subword MIN-MAX --buckets N]
        writes a model of that shape with every parameter uniform in [-init, init] (0.5 by
        default: wider than training's 0.1, so that a slip shows), words <unk>, w1 .. w{V-2} and
        a UTF-8 word, labels in a shuffled order; --text FILE gets 8 random lines to run it on
        (with labels, unknown words, lengths 1 to 12). --subword: a model with the character
        n-grams of MIN to MAX characters in N buckets (the embedding has V + N rows); its last
        words are a Hangul one and two of one letter (가, x), and the text's unknown words are
        also Hangul ones, a letter (q), `<unk>` itself and a word of 80 letters (at most 1023
        n-gram rows a token).
    cls_ref.py --check MODEL TEXT OURS [--check ...] [--check-attention MODEL TEXT OURS ...]
               [--tol T]
        the parity test: OURS is what `nlp-classify predict --probs --model MODEL TEXT` printed
        (label, probability pairs, most probable first), or with --check-attention what
        `predict --show-attention` printed (label, probability, then token/weight ... with
        weights %.3f). Computes the reference in PyTorch and in NumPy (they must agree within
        1e-9), maps OURS by label, and prints one line `OURS max diff X` per check, the
        probabilities' largest absolute difference (and the weights'), then `max diff X`.
        Exits 1 when a probability is off by more than T (1e-5), a weight by more than
        0.0005 + T (the rounding of %.3f), or a label, token or line is missing or extra.
    cls_ref.py --compare A B [--tol T]
        compares two outputs of this script number by number; prints `max diff X`; exits 1
        above T.

Exits 1 on a bad model or input, 2 on a usage error.
"""
import argparse
import math
import re
import struct
import sys

import numpy as np

MAGIC = b'NLPCLSFY'
VERSION = 1
BOM = 0x01020304
HEADER = 256
ALIGN = 64
CELLS = ('rnn', 'lstm', 'gru')          # the file's cell numbers (nn/rnn.h's enum)
GATES = {'rnn': 1, 'lstm': 4, 'gru': 3}
POOLS = ('last', 'mean', 'max', 'attention')
BLANKS = ' \t\r\v\f'

COMMON = '<8sIIIIQQQ16x'   # magic, version, bom, header, tables, table bytes, P, checksum
# kind, C, V, E, cell, layers, H, bidirectional, pool, A, max_len, word_ngrams, minn, maxn,
# buckets, loss, K, epochs, batch; dropout, recurrent dropout, lr, seed, valid accuracy
FIELDS = '<19I4xdddQd72x'
assert struct.calcsize(COMMON) == 64 and struct.calcsize(FIELDS) == HEADER - 64
NAMES = ('kind classes words emb cell layers hidden bidirectional pool att max_len word_ngrams '
         'minn maxn buckets loss kept epochs batch dropout rdropout lr seed valid_acc').split()


class Failure(Exception):
    """A bad file or input: the message goes to stderr, the exit is 1."""


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for byte in data:
        h = ((h ^ byte) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


# ---- the character n-grams (fastText's) ----

FNV_BASIS, FNV_PRIME = 2166136261, 16777619
MAX_ROWS = 1024     # a token's rows at most: its own and the first 1023 n-grams'


def fnv_step(h, byte):
    """One FNV-1a step on a byte taken as a signed char widened to 32 bits (fastText's)."""
    signed = byte - 256 if byte >= 128 else byte
    return ((h ^ (signed & 0xFFFFFFFF)) * FNV_PRIME) & 0xFFFFFFFF


def ngram_hashes(word, minn, maxn):
    """The hashes of the character n-grams of `<word>` (word: bytes) of minn..maxn characters,
    by start, then by length; a byte 10xxxxxx continues the character before it; the 1-grams
    '<' and '>' are left out."""
    s = b'<' + word + b'>'
    out = []
    for i in range(len(s)):
        if s[i] & 0xC0 == 0x80:
            continue
        h, j, n = FNV_BASIS, i, 0
        while j < len(s) and n < maxn:
            h, j, n = fnv_step(h, s[j]), j + 1, n + 1
            while j < len(s) and s[j] & 0xC0 == 0x80:
                h, j = fnv_step(h, s[j]), j + 1
            if n >= minn and not (n == 1 and (i == 0 or j == len(s))):
                out.append(h)
    return out


def token_rows(c, index, tok):
    """The embedding rows whose mean is the token's vector."""
    wid = index.get(tok, 0)
    if not c['maxn']:
        return [wid]
    rows = [wid] if wid else []
    rows += [c['words'] + h % c['buckets']
             for h in ngram_hashes(tok.encode('utf-8'), c['minn'], c['maxn'])][:MAX_ROWS - 1]
    return rows or [0]


def tensor_shapes(c):
    """The recurrent model's tensors in the file's order: (name, shape)."""
    G, H, D = GATES[CELLS[c['cell']]], c['hidden'], 2 if c['bidirectional'] else 1
    out = [('emb', (c['words'] + (c['buckets'] if c['maxn'] else 0), c['emb']))]
    for l in range(c['layers']):
        In = c['emb'] if l == 0 else D * H
        for d in range(D):
            p = '%d.%d.' % (l, d)
            out += [(p + 'w_ih', (G * H, In)), (p + 'w_hh', (G * H, H)),
                    (p + 'b_ih', (G * H,)), (p + 'b_hh', (G * H,))]
    if POOLS[c['pool']] == 'attention':
        A = c['att']
        out += [('att.w', (A, D * H)), ('att.b', (A,)), ('att.v', (A,))]
    out += [('out.w', (c['classes'], D * H)), ('out.b', (c['classes'],))]
    return out


# ---- the file ----

def read_tables(data, at, end, n):
    tables = []
    for t in range(n):
        if end - at < 4:
            raise Failure('word table %d: truncated' % (t + 1))
        (count,), at = struct.unpack_from('<I', data, at), at + 4
        words = []
        for i in range(count):
            if end - at < 4:
                raise Failure('word table %d: truncated at word %d' % (t + 1, i + 1))
            (k,), at = struct.unpack_from('<I', data, at), at + 4
            if k < 1 or k > 1024 or at + k > end:
                raise Failure('word table %d, word %d: a length of %d' % (t + 1, i + 1, k))
            w = data[at:at + k].decode('utf-8')   # UnicodeDecodeError: caught as a bad file
            if any(ch in w for ch in BLANKS + '\n\0'):
                raise Failure('word table %d, word %d has a blank' % (t + 1, i + 1))
            words.append(w)
            at += k
        if len(set(words)) != len(words):
            raise Failure('word table %d has a word twice' % (t + 1))
        tables.append(words)
    if at != end:
        raise Failure('%d bytes after the word tables' % (end - at))
    return tables


def read_model(path):
    """The model file at path: (config dict, labels, words, {name: float64 array})."""
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < HEADER:
        raise Failure('%s: truncated (%d bytes)' % (path, len(data)))
    magic, version, bom, header, ntables, tbytes, P, checksum = struct.unpack_from(COMMON, data)
    if magic != MAGIC:
        raise Failure('%s: magic %r, not %r' % (path, magic, MAGIC))
    if (version, bom, header, ntables) != (VERSION, BOM, HEADER, 2):
        raise Failure('%s: version %d, byte-order mark 0x%08x, header %d, %d tables' %
                      (path, version, bom, header, ntables))
    if any(data[48:64]):
        raise Failure('%s: the reserved bytes 48..63 are not zero' % path)
    pstart = -(-(HEADER + tbytes) // ALIGN) * ALIGN
    if pstart + 4 * P != len(data):
        raise Failure('%s: the header gives %d bytes, the file has %d' %
                      (path, pstart + 4 * P, len(data)))
    got = fnv1a64(data[HEADER:])
    if got != checksum:
        raise Failure('%s: checksum 0x%016x in the header, 0x%016x computed' %
                      (path, checksum, got))
    c = dict(zip(NAMES, struct.unpack_from(FIELDS, data, 64)))
    if c['kind'] != 0:
        raise Failure('%s: a model of kind %d, not the recurrent one (0)' % (path, c['kind']))
    if c['cell'] >= len(CELLS) or c['pool'] >= len(POOLS) or c['layers'] < 1:
        raise Failure('%s: cell %d, pool %d, %d layers' % (path, c['cell'], c['pool'],
                                                           c['layers']))
    if (c['att'] > 0) != (POOLS[c['pool']] == 'attention'):
        raise Failure('%s: attention size %d with pool %s' % (path, c['att'], POOLS[c['pool']]))
    if c['minn'] > c['maxn'] or c['maxn'] > 32 or (c['maxn'] and (not c['minn'] or
                                                                  not c['buckets'])):
        raise Failure('%s: character n-grams %d..%d in %d buckets' %
                      (path, c['minn'], c['maxn'], c['buckets']))
    try:
        labels, words = read_tables(data, HEADER, HEADER + tbytes, 2)
    except UnicodeDecodeError:
        raise Failure('%s: a word is not valid UTF-8' % path)
    if any(data[HEADER + tbytes:pstart]):
        raise Failure('%s: the padding is not zero' % path)
    if len(labels) != c['classes'] or len(words) != c['words'] or words[0] != '<unk>':
        raise Failure('%s: %d labels, %d words (first %r) for C=%d, V=%d' %
                      (path, len(labels), len(words), words[0] if words else None,
                       c['classes'], c['words']))
    shapes = tensor_shapes(c)
    if sum(int(np.prod(s)) for _, s in shapes) != P:
        raise Failure('%s: %d parameters; the configuration has %d' %
                      (path, P, sum(int(np.prod(s)) for _, s in shapes)))
    flat = np.frombuffer(data, dtype='<f4', count=P, offset=pstart).astype(np.float64)
    params, at = {}, 0
    for name, shape in shapes:
        n = int(np.prod(shape))
        params[name] = flat[at:at + n].reshape(shape)
        at += n
    return c, labels, words, params


def write_random(path, a):
    """A model of the shape a asks for, parameters uniform in [-a.init, a.init] from a.seed."""
    rng = np.random.default_rng(a.seed)
    V, C = a.vocab, a.classes
    if a.subword:
        words = ['<unk>'] + ['w%d' % i for i in range(1, V - 3)] + ['좋다', '가', 'x']
    else:
        words = ['<unk>'] + ['w%d' % i for i in range(1, V - 1)] + ['좋다']
    labels = ['c%d' % i for i in rng.permutation(C)]   # not in sorted order: map by label
    pool = POOLS.index(a.pool)
    A = (a.attention_size or a.hidden * (2 if a.bidirectional else 1)) if a.pool == 'attention' else 0
    c = dict(kind=0, classes=C, words=V, emb=a.emb, cell=CELLS.index(a.cell), layers=a.layers,
             hidden=a.hidden, bidirectional=int(a.bidirectional), pool=pool, att=A,
             max_len=a.max_len, word_ngrams=0, minn=a.minn, maxn=a.maxn,
             buckets=a.buckets if a.maxn else 0, loss=0, kept=0,
             epochs=0, batch=0, dropout=0.0, rdropout=0.0, lr=0.0, seed=a.seed,
             valid_acc=float('nan'))
    tables = b''
    for tab in (labels, words):
        tables += struct.pack('<I', len(tab))
        for w in tab:
            b = w.encode('utf-8')
            tables += struct.pack('<I', len(b)) + b
    pad = bytes(-(HEADER + len(tables)) % ALIGN)
    shapes = tensor_shapes(c)
    params = b''.join(rng.uniform(-a.init, a.init, s).astype('<f4').tobytes() for _, s in shapes)
    body = tables + pad + params
    head = struct.pack(COMMON, MAGIC, VERSION, BOM, HEADER, 2, len(tables), len(params) // 4,
                       fnv1a64(body))
    head += struct.pack(FIELDS, *(c[k] for k in NAMES))
    with open(path, 'wb') as f:
        f.write(head + body)
    # the unknown words of the text: with character n-grams also Hangul, one letter, <unk>
    # itself (no row of its own either) and a word of more n-grams than a token takes
    unknown = ['재미없다', '영화가', 'q', '<unk>', 'ab' * 40] if a.subword else []
    if a.text:
        with open(a.text, 'w', encoding='utf-8') as f:
            for i in range(8):
                T = 1 if i == 0 else int(rng.integers(1, 13))
                toks = [words[int(rng.integers(1, V))] if rng.random() < 0.85 else 'zz%d' % i
                        for _ in range(T)]
                if unknown:     # line 1 is the one letter alone, the others get one more word
                    toks = ['q'] if i == 0 else toks + [unknown[i % len(unknown)]]
                label = labels[int(rng.integers(C))] + '\t' if i % 2 else ''
                f.write(label + ' '.join(toks) + '\n')


# ---- the forward, twice ----

def torch_forward(c, params):
    """A function (each token's rows) -> (probabilities [C], attention weights [T] or None), in PyTorch."""
    import torch
    nn = torch.nn
    torch.set_num_threads(1)
    cell, H, L = CELLS[c['cell']], c['hidden'], c['layers']
    D, pool = (2 if c['bidirectional'] else 1), POOLS[c['pool']]
    dt = torch.float64
    emb = nn.EmbeddingBag(params['emb'].shape[0], c['emb'], mode='mean').to(dt)
    rnn = {'rnn': nn.RNN, 'lstm': nn.LSTM, 'gru': nn.GRU}[cell](
        c['emb'], H, num_layers=L, bidirectional=D == 2).to(dt)
    out = nn.Linear(D * H, c['classes']).to(dt)
    with torch.no_grad():
        emb.weight.copy_(torch.from_numpy(params['emb']))
        for l in range(L):
            for d in range(D):
                sfx = '_l%d%s' % (l, '_reverse' if d else '')
                for ours, theirs in (('w_ih', 'weight_ih'), ('w_hh', 'weight_hh'),
                                     ('b_ih', 'bias_ih'), ('b_hh', 'bias_hh')):
                    getattr(rnn, theirs + sfx).copy_(
                        torch.from_numpy(params['%d.%d.%s' % (l, d, ours)]))
        out.weight.copy_(torch.from_numpy(params['out.w']))
        out.bias.copy_(torch.from_numpy(params['out.b']))
        if pool == 'attention':
            att = nn.Linear(D * H, c['att']).to(dt)
            query = nn.Linear(c['att'], 1, bias=False).to(dt)
            att.weight.copy_(torch.from_numpy(params['att.w']))
            att.bias.copy_(torch.from_numpy(params['att.b']))
            query.weight.copy_(torch.from_numpy(params['att.v']).reshape(1, -1))
    rnn.eval()

    def forward(rows):
        with torch.no_grad():
            flat = torch.tensor([r for rs in rows for r in rs])
            offsets = torch.tensor([0] + [len(rs) for rs in rows[:-1]]).cumsum(0)
            x = emb(flat, offsets).unsqueeze(1)               # [T][1][E]
            y, hn = rnn(x)                                    # y [T][1][D*H]
            if cell == 'lstm':
                hn = hn[0]                                    # [L*D][1][H]
            y, a = y[:, 0, :], None
            if pool == 'last':                                # the top layer's final states
                v = torch.cat([hn[(L - 1) * D + d, 0] for d in range(D)])
            elif pool == 'mean':
                v = y.mean(0)
            elif pool == 'max':
                v = y.max(0).values
            else:
                a = torch.softmax(query(torch.tanh(att(y)))[:, 0], 0)
                v = a @ y
            p = torch.softmax(out(v), 0)
        return p.numpy(), None if a is None else a.numpy()

    return forward


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def numpy_direction(cell, x, w_ih, w_hh, b_ih, b_hh):
    """One direction of one layer over x [T][In] from a zero state: h [T][H]."""
    H = w_hh.shape[1]
    h, cst, hs = np.zeros(H), np.zeros(H), []
    for t in range(len(x)):
        gi, gh = w_ih @ x[t] + b_ih, w_hh @ h + b_hh
        if cell == 'rnn':
            h = np.tanh(gi + gh)
        elif cell == 'lstm':
            g = gi + gh
            i, f, z, o = sigmoid(g[:H]), sigmoid(g[H:2 * H]), np.tanh(g[2 * H:3 * H]), \
                sigmoid(g[3 * H:])
            cst = f * cst + i * z
            h = o * np.tanh(cst)
        else:
            r = sigmoid(gi[:H] + gh[:H])
            z = sigmoid(gi[H:2 * H] + gh[H:2 * H])
            n = np.tanh(gi[2 * H:] + r * gh[2 * H:])
            h = (1 - z) * n + z * h
        hs.append(h)
    return np.array(hs)


def numpy_forward(c, params):
    """The same forward as the spec writes it, step by step in NumPy."""
    cell, D = CELLS[c['cell']], 2 if c['bidirectional'] else 1
    pool = POOLS[c['pool']]

    def forward(rows):
        y = np.array([params['emb'][rs].sum(0) / len(rs) for rs in rows])   # [T][E]
        for l in range(c['layers']):
            outs = []
            for d in range(D):
                p = ['%d.%d.%s' % (l, d, k) for k in ('w_ih', 'w_hh', 'b_ih', 'b_hh')]
                xs = y if d == 0 else y[::-1]
                h = numpy_direction(cell, xs, *(params[k] for k in p))
                outs.append(h if d == 0 else h[::-1])         # backward h_t at position t
            y = np.concatenate(outs, axis=1)
        a = None
        if pool == 'last':
            H = c['hidden']
            v = y[-1] if D == 1 else np.concatenate([y[-1, :H], y[0, H:]])
        elif pool == 'mean':
            v = y.sum(0) / len(y)
        elif pool == 'max':
            v = y.max(0)
        else:
            s = np.array([params['att.v'] @ np.tanh(params['att.w'] @ yt + params['att.b'])
                          for yt in y])
            a = np.exp(s - s.max())
            a /= a.sum()
            v = (a[:, None] * y).sum(0)
        z = params['out.w'] @ v + params['out.b']
        p = np.exp(z - z.max())
        return p / p.sum(), a

    return forward


# ---- the commands ----

def lines_of(files):
    for name in files or ['-']:
        f = sys.stdin.buffer if name == '-' else open(name, 'rb')
        for n, raw in enumerate(f, 1):
            yield name, n, raw.rstrip(b'\n').decode('utf-8')
        if f is not sys.stdin.buffer:
            f.close()


def run_model(a):
    c, labels, words, params = read_model(a.model)
    if a.attention and POOLS[c['pool']] != 'attention':
        raise Failure('%s: --attention with a model pooled by %s' % (a.model, POOLS[c['pool']]))
    forward = (numpy_forward if a.numpy else torch_forward)(c, params)
    out = sys.stdout
    for name in a.files or ['-']:
        for toks, ids in read_text(name, c, words):
            p, att = forward(ids)
            if a.as_predict:     # nlp-classify predict's format, for the checker's own tests
                order = sorted(range(len(p)), key=lambda i: -p[i])
                if a.attention:
                    out.write('%s\t%.6g\t%s\n' % (labels[order[0]], p[order[0]], ' '.join(
                        '%s/%.3f' % (t, w) for t, w in zip(toks, att))))
                else:
                    out.write('\t'.join('%s\t%.6g' % (labels[i], p[i]) for i in order) + '\n')
                continue
            out.write('\t'.join('%.9g' % x for x in p) + '\n')
            if a.attention:
                out.write('\t'.join('%.9g' % x for x in att) + '\n')


def read_text(path, c, words):
    """The texts of path as lists of tokens (blanks split, the first max_len) and each token's
    embedding rows."""
    index = {w: i for i, w in enumerate(words)}
    out = []
    for name, n, line in lines_of([path]):
        text = line.split('\t', 1)[1] if '\t' in line else line
        toks = [t for t in text.translate({ord(b): ' ' for b in BLANKS}).split(' ') if t]
        if not toks:
            raise Failure('%s:%d: an empty text' % (name, n))
        if c['max_len']:
            toks = toks[:c['max_len']]
        out.append((toks, [token_rows(c, index, t) for t in toks]))
    return out


def check(a):
    """The parity checks: nlp-classify's outputs against both references."""
    worst = 0.0
    for kind, (model, text, ours) in [('probs', x) for x in a.check or []] + \
            [('attention', x) for x in a.check_attention or []]:
        c, labels, words, params = read_model(model)
        if kind == 'attention' and POOLS[c['pool']] != 'attention':
            raise Failure('%s: --check-attention with a model pooled by %s' %
                          (model, POOLS[c['pool']]))
        ft, fn = torch_forward(c, params), numpy_forward(c, params)
        texts = read_text(text, c, words)
        with open(ours, encoding='utf-8') as f:
            got = f.read().splitlines()
        if len(got) != len(texts):
            raise Failure('%s: %d lines for %d texts' % (ours, len(got), len(texts)))
        dp = da = 0.0
        for n, ((toks, ids), line) in enumerate(zip(texts, got), 1):
            (p, att), (q, att2) = ft(ids), fn(ids)
            if np.abs(p - q).max() > 1e-9 or (att is not None and np.abs(att - att2).max() > 1e-9):
                raise Failure('%s: line %d: PyTorch and NumPy disagree' % (text, n))
            f = line.split('\t')
            if kind == 'probs':
                pairs = f
            else:
                if len(f) != 3:
                    raise Failure('%s:%d: %d fields, not 3' % (ours, n, len(f)))
                pairs, shown = f[:2], f[2].split(' ')
                if len(shown) != len(toks) or any(s.rsplit('/', 1)[0] != t
                                                  for s, t in zip(shown, toks)):
                    raise Failure('%s:%d: tokens %r, the text\'s %r' % (ours, n, shown, toks))
                w = np.array([float(s.rsplit('/', 1)[1]) for s in shown])
                da = max(da, float(np.abs(w - att).max()))
                if not np.abs(w - att).max() <= 5e-4 + a.tol:
                    raise Failure('%s:%d: attention weights %s, the reference %s' %
                                  (ours, n, ' '.join('%.6f' % x for x in w),
                                   ' '.join('%.6f' % x for x in att)))
            if len(pairs) % 2 or (kind == 'probs' and len(pairs) != 2 * len(labels)):
                raise Failure('%s:%d: %d fields' % (ours, n, len(f)))
            seen = {}
            for label, v in zip(pairs[::2], pairs[1::2]):
                if label not in labels or label in seen:
                    raise Failure('%s:%d: label %r unknown or twice' % (ours, n, label))
                seen[label] = float(v)
            if kind == 'attention' and p[labels.index(pairs[0])] < p.max() - a.tol:
                raise Failure('%s:%d: predicts %s, the reference %s' %
                              (ours, n, pairs[0], labels[int(p.argmax())]))
            vals = list(seen.values())
            if kind == 'probs' and vals != sorted(vals, reverse=True):
                raise Failure('%s:%d: not the most probable first' % (ours, n))
            for label, v in seen.items():
                d = abs(v - p[labels.index(label)])
                dp = max(dp, d) if d == d else float('inf')
                if not d <= a.tol:
                    raise Failure('%s:%d: p(%s) is %.9g, the reference %.9g > %g' %
                                  (ours, n, label, v, p[labels.index(label)], a.tol))
        print('%s max diff %.3g%s' % (ours, dp, ' weights %.3g' % da if kind == 'attention'
                                      else ''))
        worst = max(worst, dp)
    print('max diff %.3g' % worst)


def compare(a):
    """Two files of numbers, line by line, field by field: the largest absolute difference."""
    with open(a.files[0]) as f:
        x = [l.split('\t') for l in f.read().splitlines()]
    with open(a.files[1]) as f:
        y = [l.split('\t') for l in f.read().splitlines()]
    if len(x) != len(y) or any(len(u) != len(v) for u, v in zip(x, y)):
        raise Failure('%s and %s have different shapes' % tuple(a.files))
    worst, where = 0.0, None
    for i, (u, v) in enumerate(zip(x, y)):
        for j, (s, t) in enumerate(zip(u, v)):
            d = abs(float(s) - float(t))
            if not d <= worst:       # NaN counts as the worst
                worst, where = d, (i + 1, j + 1)
    print('max diff %.3g' % worst)
    if not worst <= a.tol:
        raise Failure('line %d, field %d differs by %.3g > %g' % (*where, worst, a.tol))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('model', nargs='?')
    ap.add_argument('files', nargs='*')
    ap.add_argument('--numpy', action='store_true')
    ap.add_argument('--attention', action='store_true')
    ap.add_argument('--as-predict', action='store_true')
    ap.add_argument('--compare', action='store_true')
    ap.add_argument('--check', nargs=3, action='append', metavar=('MODEL', 'TEXT', 'OURS'))
    ap.add_argument('--check-attention', nargs=3, action='append',
                    metavar=('MODEL', 'TEXT', 'OURS'))
    ap.add_argument('--tol', type=float, default=1e-5)
    ap.add_argument('--write-random', metavar='OUT')
    ap.add_argument('--cell', choices=CELLS, default='lstm')
    ap.add_argument('--layers', type=int, default=1)
    ap.add_argument('--hidden', type=int, default=5)
    ap.add_argument('--emb', type=int, default=4)
    ap.add_argument('--bidirectional', action='store_true')
    ap.add_argument('--pool', choices=POOLS, default='attention')
    ap.add_argument('--attention-size', type=int, default=0)
    ap.add_argument('--classes', type=int, default=3)
    ap.add_argument('--vocab', type=int, default=12)
    ap.add_argument('--max-len', type=int, default=0)
    ap.add_argument('--init', type=float, default=0.5)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--text', metavar='FILE')
    ap.add_argument('--subword', metavar='MIN-MAX')
    ap.add_argument('--buckets', type=int, default=0)
    a = ap.parse_args()
    a.minn = a.maxn = 0
    if a.subword:
        m = re.fullmatch(r'([0-9]+)-([0-9]+)', a.subword)
        if not m or not 1 <= int(m[1]) <= int(m[2]) <= 32 or a.buckets < 1:
            ap.error('--subword MIN-MAX with 1 <= MIN <= MAX <= 32 needs --buckets N >= 1')
        a.minn, a.maxn = int(m[1]), int(m[2])
    try:
        if a.write_random:
            if a.model or a.layers < 1 or a.classes < 2 or a.vocab < (5 if a.subword else 3):
                ap.error('--write-random takes no model and needs layers >= 1, classes >= 2, '
                         'vocab >= 3 (5 with --subword)')
            write_random(a.write_random, a)
        elif a.check or a.check_attention:
            if a.model:
                ap.error('--check takes its files as its own arguments')
            check(a)
        elif a.compare:
            a.files = [a.model] + a.files
            if len(a.files) != 2:
                ap.error('--compare needs two files')
            compare(a)
        elif not a.model:
            ap.error('no model')
        else:
            run_model(a)
    except (Failure, OSError, UnicodeDecodeError) as e:
        sys.stdout.flush()
        sys.stderr.write('cls_ref.py: %s\n' % e)
        sys.exit(1)


if __name__ == '__main__':
    main()
