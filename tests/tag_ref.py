#!/usr/bin/python3
"""tag_ref.py: the tests' independent reader of nlp-tag's model files (NLPTAGGR, the nn/nnfile.h
container) and reference of its recurrent tagger (issue 18), written from lib/tag/model.h's
description and nn/nnfile.h's layout, not from the C code of the forward.

The recurrent tagger: a token's vector is its word's row of `emb` (the word lowercased as
Python's str.lower does; an unknown word row 0, <unk>; a model of characters looks its units up
as they are) beside, with a character encoder (char_emb > 0), the encoder's vector of its first
64 code points (case kept, rows of `cemb`, an unknown character row 0): nn.Conv1d(char_emb,
char_filters, char_width, padding=(char_width - 1) / 2), the maximum over the positions, tanh;
then nn.LSTM/GRU/RNN (bidirectional or not, PyTorch's weight layout), then nn.Linear to the
tags' logits at every token. Computed twice in float64 from the file's float32 weights: with
PyTorch's modules and with a NumPy loop, which must agree within 1e-9.

    tag_ref.py --fields MODEL
        the header's fields, `name value` a line (the common header's too: version, tables,
        table_bytes, parameters, checksum), then `layout ok` when the parameters are the
        formula's of the configuration and the file's size is the header's, else why not.
    tag_ref.py --table tags|words|chars MODEL
        the table, one entry a line, in id order.
    tag_ref.py --rows MODEL
        the word rows: `word v1 v2 ...` a line in id order, each value Python's repr of the
        float32.
    tag_ref.py --tag MODEL [FILE ...]
        tags text lines (a sentence a line, tokens separated by blanks; for a model of
        characters, the code points that are not blanks) and prints the tags, separated by
        spaces, as `nlp-tag --tags-only` does.
    tag_ref.py --write-random OUT [--cell lstm|gru|rnn] [--layers N] [--hidden H] [--emb E]
               [--unidirectional] [--char-emb N --char-filters F --char-width K] [--tags C]
               [--init A] [--seed S] [--text FILE]
        writes a recurrent word model of that shape, every parameter uniform in [-A, A] (0.5 by
        default, wider than training's 0.1, so that a slip shows), words <unk>, w1, w2, ... and
        some with capitals, Hangul and a long word in the text; --text FILE gets 10 lines to tag
        (known words in other cases, unknown words and characters, a word of 80 letters).
    tag_ref.py --check MODEL TEXT OURS [--check ...] [--margin M]
        the parity test: OURS is `nlp-tag --tags-only --model MODEL TEXT`'s output. Each token's
        tag must be the reference's most probable one, except where the reference's two best
        logits are within M (1e-4) of each other (then either of the two). Prints a line
        `OURS tokens N, equal N, smallest margin X, PyTorch-NumPy max diff X` for each check,
        then `max diff X` (the largest difference between the two references' logits).

Exits 1 on a bad model or input or a failed check, 2 on a usage error.
"""
import argparse
import struct
import sys

import numpy as np

MAGIC = b'NLPTAGGR'
VERSION = 1
BOM = 0x01020304
HEADER = 256
ALIGN = 64
CELLS = ('rnn', 'lstm', 'gru')
GATES = {'rnn': 1, 'lstm': 4, 'gru': 3}
WORD_CHARS = 64
BLANKS = ' \t\r\v\f'

COMMON = '<8sIIIIQQQ16x'   # magic, version, bom, header, tables, table bytes, P, checksum
NAMES = ('kind units spacing column tags words chars cell layers hidden bidirectional emb '
         'char_emb char_filters char_width features templates epochs batch').split()
FIELDS = '<19I4xdddQ80x'   # the 19 above; dropout, lr, valid_acc; seed
assert struct.calcsize(COMMON) == 64 and struct.calcsize(FIELDS) == HEADER - 64


class Failure(Exception):
    """A bad file or input, or a failed check: the message goes to stderr, the exit is 1."""


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for byte in data:
        h = ((h ^ byte) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def tensor_shapes(c):
    """The tensors of a model in the file's order: (name, shape)."""
    if c['kind'] == 1:
        return [('feat.key', (c['features'], 4)), ('feat.w', (c['features'], c['tags'])),
                ('dict', (c['words'],))]
    G, H = GATES[CELLS[c['cell']]], c['hidden']
    D = 2 if c['bidirectional'] else 1
    out = [('emb', (c['words'], c['emb']))]
    F = 0
    if c['char_emb']:
        F = c['char_filters']
        out += [('cemb', (c['chars'], c['char_emb'])),
                ('conv.w', (F, c['char_width'] * c['char_emb'])), ('conv.b', (F,))]
    for l in range(c['layers']):
        In = c['emb'] + F if l == 0 else D * H
        for d in range(D):
            p = '%d.%d.' % (l, d)
            out += [(p + 'w_ih', (G * H, In)), (p + 'w_hh', (G * H, H)),
                    (p + 'b_ih', (G * H,)), (p + 'b_hh', (G * H,))]
    out += [('out.w', (c['tags'], D * H)), ('out.b', (c['tags'],))]
    return out


# ---- the file ----

def read_tables(data, at, end, n):
    tables = []
    for t in range(n):
        if end - at < 4:
            raise Failure('table %d: truncated' % (t + 1))
        (count,), at = struct.unpack_from('<I', data, at), at + 4
        words = []
        for i in range(count):
            if end - at < 4:
                raise Failure('table %d: truncated at entry %d' % (t + 1, i + 1))
            (k,), at = struct.unpack_from('<I', data, at), at + 4
            if k < 1 or k > 1024 or at + k > end:
                raise Failure('table %d, entry %d: a length of %d' % (t + 1, i + 1, k))
            w = data[at:at + k].decode('utf-8')
            if any(ch in w for ch in BLANKS + '\n\0'):
                raise Failure('table %d, entry %d has a blank' % (t + 1, i + 1))
            words.append(w)
            at += k
        if len(set(words)) != len(words):
            raise Failure('table %d has an entry twice' % (t + 1))
        tables.append(words)
    if at != end:
        raise Failure('%d bytes after the tables' % (end - at))
    return tables


def read_header(path):
    """The file's bytes, its common header and its configuration, unchecked."""
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < HEADER:
        raise Failure('%s: truncated (%d bytes)' % (path, len(data)))
    common = dict(zip('magic version bom header ntables table_bytes parameters checksum'.split(),
                      struct.unpack_from(COMMON, data)))
    vals = struct.unpack_from(FIELDS, data, 64)
    c = dict(zip(NAMES, vals))
    c.update(zip(('dropout', 'lr', 'valid_acc', 'seed'), vals[19:]))
    return data, common, c


def read_model(path):
    """The model file at path: (config, tags, words, chars, {name: float64 array})."""
    data, h, c = read_header(path)
    if h['magic'] != MAGIC:
        raise Failure('%s: magic %r, not %r' % (path, h['magic'], MAGIC))
    if (h['version'], h['bom'], h['header'], h['ntables']) != (VERSION, BOM, HEADER, 3):
        raise Failure('%s: version %d, byte-order mark 0x%08x, header %d, %d tables' %
                      (path, h['version'], h['bom'], h['header'], h['ntables']))
    if any(data[48:64]) or any(data[140:144]) or any(data[176:256]):
        raise Failure('%s: reserved bytes are not zero' % path)
    tb, P = h['table_bytes'], h['parameters']
    pstart = -(-(HEADER + tb) // ALIGN) * ALIGN
    if pstart + 4 * P != len(data):
        raise Failure('%s: the header gives %d bytes, the file has %d' %
                      (path, pstart + 4 * P, len(data)))
    got = fnv1a64(data[HEADER:])
    if got != h['checksum']:
        raise Failure('%s: checksum 0x%016x in the header, 0x%016x computed' %
                      (path, h['checksum'], got))
    if c['kind'] not in (0, 1) or c['cell'] >= len(CELLS):
        raise Failure('%s: kind %d, cell %d' % (path, c['kind'], c['cell']))
    try:
        tags, words, chars = read_tables(data, HEADER, HEADER + tb, 3)
    except UnicodeDecodeError:
        raise Failure('%s: an entry is not valid UTF-8' % path)
    if any(data[HEADER + tb:pstart]):
        raise Failure('%s: the padding is not zero' % path)
    if (len(tags), len(words), len(chars)) != (c['tags'], c['words'], c['chars']):
        raise Failure('%s: tables of %d, %d, %d entries for %d tags, %d words, %d characters' %
                      (path, len(tags), len(words), len(chars), c['tags'], c['words'],
                       c['chars']))
    if c['kind'] == 0 and (words[0] != '<unk>' or (chars and chars[0] != '<unk>')):
        raise Failure('%s: the first word or character is not <unk>' % path)
    shapes = tensor_shapes(c)
    want = sum(int(np.prod(s)) for _, s in shapes)
    if want != P:
        raise Failure('%s: %d parameters; the configuration has %d' % (path, P, want))
    flat = np.frombuffer(data, dtype='<f4', count=P, offset=pstart).astype(np.float64)
    params, at = {}, 0
    for name, shape in shapes:
        n = int(np.prod(shape))
        params[name] = flat[at:at + n].reshape(shape)
        at += n
    return c, tags, words, chars, params


def fields(path):
    """--fields: the header, then whether the layout is the formula's."""
    data, h, c = read_header(path)
    for k, v in list(h.items()) + list(c.items()):
        print(k, v.decode('latin-1') if isinstance(v, bytes) else v)
    try:
        read_model(path)
        print('layout ok')
    except Failure as e:
        print('layout: %s' % e)


def write_random(path, a):
    rng = np.random.default_rng(a.seed)
    words = ['<unk>'] + ['w%d' % i for i in range(1, 9)] + ['the', 'cat', '좋다', 'ab' * 40]
    chars = ['<unk>'] + sorted(set(''.join(words[1:]))) + ['C']
    tags = ['T%d' % i for i in rng.permutation(a.tags)]
    ce = a.char_emb
    c = dict(kind=0, units=0, spacing=0, column=0, tags=a.tags, words=len(words),
             chars=len(chars) if ce else 0, cell=CELLS.index(a.cell), layers=a.layers,
             hidden=a.hidden, bidirectional=0 if a.unidirectional else 1, emb=a.emb,
             char_emb=ce, char_filters=a.char_filters if ce else 0,
             char_width=a.char_width if ce else 0, features=0, templates=0, epochs=0,
             batch=0, dropout=0.0, lr=0.0, valid_acc=float('nan'), seed=a.seed)
    tables = b''
    for tab in (tags, words, chars if ce else []):
        tables += struct.pack('<I', len(tab))
        for w in tab:
            b = w.encode('utf-8')
            tables += struct.pack('<I', len(b)) + b
    pad = bytes(-(HEADER + len(tables)) % ALIGN)
    params = b''.join(rng.uniform(-a.init, a.init, s).astype('<f4').tobytes()
                      for _, s in tensor_shapes(c))
    body = tables + pad + params
    head = struct.pack(COMMON, MAGIC, VERSION, BOM, HEADER, 3, len(tables), len(params) // 4,
                       fnv1a64(body))
    head += struct.pack(FIELDS, *[c[k] for k in NAMES],
                        c['dropout'], c['lr'], c['valid_acc'], c['seed'])
    with open(path, 'wb') as f:
        f.write(head + body)
    if a.text:
        # known words, some in capitals; unknown words (some of known characters, some not,
        # one of 80 letters: its first 64 read); one word alone on line 1
        extra = ['The', 'CAT', 'W3', 'zz', 'q', '재미', 'Cat', 'ba' * 40, 'xyzzy', '좋다']
        with open(a.text, 'w', encoding='utf-8') as f:
            for i in range(10):
                T = 1 if i == 0 else int(rng.integers(2, 14))
                toks = [words[int(rng.integers(1, len(words)))] if rng.random() < 0.7
                        else extra[int(rng.integers(len(extra)))] for _ in range(T)]
                f.write(' '.join(toks) + '\n')


# ---- the forward, twice ----

def units_of(c, line):
    if c['units'] == 1:
        return [ch for ch in line if not ch.isspace()]
    return [t for t in line.translate({ord(b): ' ' for b in BLANKS}).split(' ') if t]


def inputs(c, words, chars, toks):
    """Each token's word row and, with the encoder, its character rows."""
    wi, ci = {w: i for i, w in enumerate(words)}, {ch: i for i, ch in enumerate(chars)}
    rows = [wi.get(t.lower() if c['units'] == 0 else t, 0) for t in toks]
    crows = [[ci.get(ch, 0) for ch in t[:WORD_CHARS]] for t in toks] if c['char_emb'] else None
    return rows, crows


def torch_forward(c, params):
    import torch
    nn = torch.nn
    torch.set_num_threads(1)
    dt = torch.float64
    cell, H, L = CELLS[c['cell']], c['hidden'], c['layers']
    D = 2 if c['bidirectional'] else 1
    F = c['char_filters'] if c['char_emb'] else 0
    emb = nn.Embedding(c['words'], c['emb']).to(dt)
    rnn = {'rnn': nn.RNN, 'lstm': nn.LSTM, 'gru': nn.GRU}[cell](
        c['emb'] + F, H, num_layers=L, bidirectional=D == 2).to(dt)
    out = nn.Linear(D * H, c['tags']).to(dt)
    t = torch.from_numpy
    with torch.no_grad():
        emb.weight.copy_(t(params['emb']))
        if F:
            K, CE = c['char_width'], c['char_emb']
            cemb = nn.Embedding(c['chars'], CE).to(dt)
            conv = nn.Conv1d(CE, F, K, padding=(K - 1) // 2).to(dt)
            cemb.weight.copy_(t(params['cemb']))
            # ours: [F][K*CE], the window's rows one after another; PyTorch's: [F][CE][K]
            conv.weight.copy_(t(params['conv.w'].reshape(F, K, CE).transpose(0, 2, 1).copy()))
            conv.bias.copy_(t(params['conv.b']))
        for l in range(L):
            for d in range(D):
                sfx = '_l%d%s' % (l, '_reverse' if d else '')
                for ours, theirs in (('w_ih', 'weight_ih'), ('w_hh', 'weight_hh'),
                                     ('b_ih', 'bias_ih'), ('b_hh', 'bias_hh')):
                    getattr(rnn, theirs + sfx).copy_(t(params['%d.%d.%s' % (l, d, ours)]))
        out.weight.copy_(t(params['out.w']))
        out.bias.copy_(t(params['out.b']))
    rnn.eval()

    def forward(rows, crows):
        with torch.no_grad():
            x = emb(torch.tensor(rows))                                   # [T][E]
            if F:
                v = []
                for cr in crows:
                    e = cemb(torch.tensor(cr)).T.unsqueeze(0)             # [1][CE][len]
                    v.append(torch.tanh(conv(e)[0].max(1).values))        # [F]
                x = torch.cat([x, torch.stack(v)], 1)                     # [T][E+F]
            y, _ = rnn(x.unsqueeze(1))                                    # [T][1][D*H]
            return out(y[:, 0, :]).numpy()                                # [T][C]

    return forward


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def numpy_direction(cell, x, w_ih, w_hh, b_ih, b_hh):
    H = w_hh.shape[1]
    h, cst, hs = np.zeros(H), np.zeros(H), []
    for t in range(len(x)):
        gi, gh = w_ih @ x[t] + b_ih, w_hh @ h + b_hh
        if cell == 'rnn':
            h = np.tanh(gi + gh)
        elif cell == 'lstm':
            g = gi + gh
            i, f, z, o = (sigmoid(g[:H]), sigmoid(g[H:2 * H]), np.tanh(g[2 * H:3 * H]),
                          sigmoid(g[3 * H:]))
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
    cell, D = CELLS[c['cell']], 2 if c['bidirectional'] else 1

    def encode(cr):
        K, CE, h = c['char_width'], c['char_emb'], (c['char_width'] - 1) // 2
        e = params['cemb'][cr]                                            # [len][CE]
        padded = np.vstack([np.zeros((h, CE)), e, np.zeros((h, CE))])
        conv = [params['conv.w'] @ padded[p:p + K].reshape(-1) + params['conv.b']
                for p in range(len(cr))]
        return np.tanh(np.max(conv, axis=0))

    def forward(rows, crows):
        y = params['emb'][rows]
        if c['char_emb']:
            y = np.hstack([y, np.array([encode(cr) for cr in crows])])
        for l in range(c['layers']):
            outs = []
            for d in range(D):
                p = [params['%d.%d.%s' % (l, d, k)] for k in ('w_ih', 'w_hh', 'b_ih', 'b_hh')]
                h = numpy_direction(cell, y if d == 0 else y[::-1], *p)
                outs.append(h if d == 0 else h[::-1])
            y = np.concatenate(outs, axis=1)
        return y @ params['out.w'].T + params['out.b']

    return forward


# ---- the commands ----

def text_lines(path):
    f = sys.stdin if path == '-' else open(path, encoding='utf-8')
    lines = f.read().split('\n')
    if lines and lines[-1] == '':
        lines.pop()
    return lines


def tag(a):
    c, tags, words, chars, params = read_model(a.model)
    if c['kind'] != 0:
        raise Failure('%s: not a recurrent tagger' % a.model)
    forward = torch_forward(c, params)
    for path in a.files or ['-']:
        for line in text_lines(path):
            toks = units_of(c, line)
            z = forward(*inputs(c, words, chars, toks)) if toks else []
            print(' '.join(tags[int(np.argmax(v))] for v in z))


def check(a):
    worst = 0.0
    for model, text, ours in a.check:
        c, tags, words, chars, params = read_model(model)
        if c['kind'] != 0:
            raise Failure('%s: not a recurrent tagger' % model)
        ft, fn = torch_forward(c, params), numpy_forward(c, params)
        lines, got = text_lines(text), text_lines(ours)
        if len(got) != len(lines):
            raise Failure('%s: %d lines for %d' % (ours, len(got), len(lines)))
        n = same = 0
        margin, diff = float('inf'), 0.0
        for k, (line, out) in enumerate(zip(lines, got), 1):
            toks = units_of(c, line)
            mine = out.split(' ') if out else []
            if len(mine) != len(toks):
                raise Failure('%s:%d: %d tags for %d tokens' % (ours, k, len(mine), len(toks)))
            if not toks:
                continue
            rows, crows = inputs(c, words, chars, toks)
            z, z2 = ft(rows, crows), fn(rows, crows)
            diff = max(diff, float(np.abs(z - z2).max()))
            if not np.abs(z - z2).max() <= 1e-9:
                raise Failure('%s: line %d: PyTorch and NumPy disagree by %g' %
                              (text, k, np.abs(z - z2).max()))
            for t, (v, m) in enumerate(zip(z, mine)):
                if m not in tags:
                    raise Failure('%s:%d: tag %r is not the model\'s' % (ours, k, m))
                order = np.argsort(-v, kind='stable')
                gap = v[order[0]] - v[order[1]] if len(v) > 1 else float('inf')
                margin = min(margin, gap)
                n += 1
                if m == tags[order[0]]:
                    same += 1
                elif not (gap <= a.margin and m == tags[order[1]]):
                    raise Failure('%s:%d: token %d (%s) tagged %s, the reference %s (logits '
                                  '%.6g, %.6g)' % (ours, k, t + 1, toks[t], m, tags[order[0]],
                                                   v[tags.index(m)], v[order[0]]))
        print('%s tokens %d, equal %d, smallest margin %.3g, PyTorch-NumPy max diff %.3g' %
              (ours, n, same, margin, diff))
        worst = max(worst, diff)
    print('max diff %.3g' % worst)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('model', nargs='?')
    ap.add_argument('files', nargs='*')
    ap.add_argument('--fields', action='store_true')
    ap.add_argument('--table', choices=('tags', 'words', 'chars'))
    ap.add_argument('--rows', action='store_true')
    ap.add_argument('--tag', action='store_true')
    ap.add_argument('--check', nargs=3, action='append', metavar=('MODEL', 'TEXT', 'OURS'))
    ap.add_argument('--margin', type=float, default=1e-4)
    ap.add_argument('--write-random', metavar='OUT')
    ap.add_argument('--cell', choices=CELLS, default='lstm')
    ap.add_argument('--layers', type=int, default=1)
    ap.add_argument('--hidden', type=int, default=5)
    ap.add_argument('--emb', type=int, default=4)
    ap.add_argument('--unidirectional', action='store_true')
    ap.add_argument('--char-emb', type=int, default=0)
    ap.add_argument('--char-filters', type=int, default=3)
    ap.add_argument('--char-width', type=int, default=3)
    ap.add_argument('--tags', type=int, default=6)
    ap.add_argument('--init', type=float, default=0.5)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--text', metavar='FILE')
    a = ap.parse_args()
    try:
        if a.write_random:
            if a.model or a.layers < 1 or a.tags < 2 or a.char_width % 2 == 0:
                ap.error('--write-random takes no model; layers >= 1, tags >= 2, an odd width')
            write_random(a.write_random, a)
        elif a.check:
            if a.model:
                ap.error('--check takes its files as its own arguments')
            check(a)
        elif not a.model:
            ap.error('no model')
        elif a.fields:
            fields(a.model)
        elif a.table:
            c, *tabs, params = read_model(a.model)
            for w in tabs[('tags', 'words', 'chars').index(a.table)]:
                print(w)
        elif a.rows:
            c, tags, words, chars, params = read_model(a.model)
            e = np.frombuffer(params['emb'].astype('<f4').tobytes(), '<f4').reshape(
                params['emb'].shape)
            for w, row in zip(words, e):
                print(w, ' '.join(repr(float(x)) for x in row))
        elif a.tag:
            tag(a)
        else:
            ap.error('what? --fields, --table, --rows, --tag, --check or --write-random')
    except (Failure, OSError, UnicodeDecodeError) as e:
        sys.stdout.flush()
        sys.stderr.write('tag_ref.py: %s\n' % e)
        sys.exit(1)


if __name__ == '__main__':
    main()
