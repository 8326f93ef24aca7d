#!/usr/bin/python3
"""s2s_ref.py: the tests' independent reader of nlp-seq2seq's model files (NLPS2SEQ, the
nn/nnfile.h container) and reference of its encoder-decoder (issue 19), written from the spec
(nlp-seq2seq-model(5), ../s2s-spec.md) and nn/nnfile.h's layout, not from the C code.

The model: the source units' rows of `src.emb` (an unknown unit row 0, <unk>; reversed first
with reverse_source), an L-layer (bi)directional nn.LSTM/GRU/RNN of hidden H over them (the
encoder: outputs e_s, the top layer's directions side by side, and per layer the final state
hfin_l = [h_fwd after the last unit; h_bwd after the first]); the decoder an L-layer
unidirectional nn.LSTM/GRU/RNN of hidden D = dirs H whose layer l starts from h = hfin_l (c = 0),
reading tgt.emb[y_{t-1}] (y_0 = <s>), with peeky [emb; hfin] (hfin = hfin_{L-1}); attention over
the e_s of the top output h_t: dot h.e_s, general h.(W e_s), additive v.tanh(W1 h + W2 e_s),
softmax, the context c_t = sum a_ts e_s, x_t = tanh(comb [c_t; h_t]) (no attention: x_t = h_t);
logits = out [x_t; hfin (peeky)], log-softmax. Computed twice in float64 from the file's float32
weights: with PyTorch's modules (nn.Embedding, nn.LSTM/GRU/RNN, nn.Linear; the target at once
under teacher forcing, a step at a time when decoding) and with a NumPy loop, which must agree
within 1e-9.

    s2s_ref.py --fields MODEL
        the header's fields, `name value` a line (the common header's too), then `layout ok`
        when the parameters are the formula's of the configuration, else why not.
    s2s_ref.py --table source|target MODEL
        the table, one entry a line, in id order.
    s2s_ref.py --score MODEL [FILE ...]
        `source<TAB>target` lines: the sum of ln p of the target's units and </s> under teacher
        forcing, `%.6f` a line (as `nlp-seq2seq score`).
    s2s_ref.py --translate MODEL [--weights] [--max-length N] [FILE ...]
        greedy translations of the text before each line's first TAB (as `nlp-seq2seq
        --weights`; <s> is never chosen, the first of equal logits wins).
    s2s_ref.py --write-random OUT [--units chars|tokens] [--cell lstm|gru|rnn] [--layers N]
               [--hidden H] [--emb E] [--bidirectional] [--attention none|dot|general|additive]
               [--reverse-source] [--peeky] [--init A] [--seed S] [--text FILE]
        writes a model of that shape over the units of dates and sums, every parameter uniform
        in [-A, A] (0.5 by default, wider than training's 0.1, so that a slip shows);
        --text FILE gets 12 `source<TAB>target` lines (dates and sums, unknown units, one unit).
    s2s_ref.py --check score|translate MODEL INPUT OURS [--check ...] [--max-length N]
               [--tolerance T] [--margin M]
        the parity test. score: OURS is `nlp-seq2seq score`'s output on INPUT, each number
        within T (1e-5) of the reference's. translate: OURS is `nlp-seq2seq translate`'s output
        on INPUT, with or without --weights: the reference follows OURS's units a step at a time
        (teacher forcing on them), each must be its most probable unit (or within M, 1e-4, in ln
        p of it, a near tie), the output must end where the reference gives </s> (or at the
        maximum length); with --weights each row's weights within T of the reference's, the
        labels the source's and the output's units. Prints `OURS: lines N, units N, max diff X,
        smallest margin X, PyTorch-NumPy max diff X` for each check (units: the target units
        and </s> scored, or the decoding steps followed; max diff: the largest difference of a
        score or a weight from the reference's; smallest margin: of the steps where ours took
        the reference's best unit, the smallest gap in ln p to its second, - for score), then
        `max diff X` (the largest difference from ours over all the checks).

Exits 1 on a bad model or input or a failed check, 2 on a usage error.
"""
import argparse
import math
import struct
import sys

import numpy as np

MAGIC = b'NLPS2SEQ'
VERSION = 1
BOM = 0x01020304
HEADER = 256
ALIGN = 64
CELLS = ('rnn', 'lstm', 'gru')
GATES = {'rnn': 1, 'lstm': 4, 'gru': 3}
ATTENTIONS = ('none', 'dot', 'general', 'additive')
UNITS = ('chars', 'tokens')
BLANKS = ' \t\r\v\f'       # spans_is_blank's bytes
UNK, BOS, EOS = 0, 1, 2    # the target table's first rows

COMMON = '<8sIIIIQQQ16x'   # magic, version, bom, header, tables, table bytes, P, checksum
NAMES = ('units cell layers hidden bidirectional emb attention reverse_source peeky '
         'source_units target_units epochs batch').split()
FIELDS = '<13I4xdddQ104x'  # the 13 above, a zero u32; lr, dropout, valid_exact; seed
assert struct.calcsize(COMMON) == 64 and struct.calcsize(FIELDS) == HEADER - 64


class Failure(Exception):
    """A bad file or input, or a failed check: the message goes to stderr, the exit is 1."""


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for byte in data:
        h = ((h ^ byte) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def dims(c):
    """(G, H, dirs, D, E) of a configuration."""
    H = c['hidden']
    dirs = 2 if c['bidirectional'] else 1
    return GATES[CELLS[c['cell']]], H, dirs, dirs * H, c['emb']


def tensor_shapes(c):
    """The tensors of a model in the file's order: (name, shape)."""
    G, H, dirs, D, E = dims(c)
    L, peeky = c['layers'], c['peeky']
    out = [('src.emb', (c['source_units'], E)), ('tgt.emb', (c['target_units'], E))]
    for l in range(L):
        I = E if l == 0 else D
        for d in range(dirs):
            p = 'enc.%d.%d.' % (l, d)
            out += [(p + 'w_ih', (G * H, I)), (p + 'w_hh', (G * H, H)),
                    (p + 'b_ih', (G * H,)), (p + 'b_hh', (G * H,))]
    for l in range(L):
        J = (E + (D if peeky else 0)) if l == 0 else D
        p = 'dec.%d.' % l
        out += [(p + 'w_ih', (G * D, J)), (p + 'w_hh', (G * D, D)),
                (p + 'b_ih', (G * D,)), (p + 'b_hh', (G * D,))]
    att = ATTENTIONS[c['attention']]
    if att == 'general':
        out += [('att.w', (D, D))]
    elif att == 'additive':
        out += [('att.w1', (D, D)), ('att.w2', (D, D)), ('att.v', (1, D))]
    if att != 'none':
        out += [('comb.w', (D, 2 * D)), ('comb.b', (D,))]
    O = D * (2 if peeky else 1)
    out += [('out.w', (c['target_units'], O)), ('out.b', (c['target_units'],))]
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
    c.update(zip(('lr', 'dropout', 'valid_exact', 'seed'), vals[13:]))
    return data, common, c


class Model:
    """A model file: config c, tables source and target, params {name: float64 array}."""

    def __init__(self, path):
        data, h, c = read_header(path)
        if h['magic'] != MAGIC:
            raise Failure('%s: magic %r, not %r' % (path, h['magic'], MAGIC))
        if (h['version'], h['bom'], h['header'], h['ntables']) != (VERSION, BOM, HEADER, 2):
            raise Failure('%s: version %d, byte-order mark 0x%08x, header %d, %d tables' %
                          (path, h['version'], h['bom'], h['header'], h['ntables']))
        if any(data[48:64]) or any(data[116:120]) or any(data[152:256]):
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
        if (c['units'] > 1 or c['cell'] >= len(CELLS) or not 1 <= c['layers'] <= 8 or
                c['hidden'] < 1 or c['emb'] < 1 or c['bidirectional'] > 1 or
                c['attention'] >= len(ATTENTIONS) or c['reverse_source'] > 1 or c['peeky'] > 1):
            raise Failure('%s: a configuration out of range: %s' % (path, c))
        try:
            source, target = read_tables(data, HEADER, HEADER + tb, 2)
        except UnicodeDecodeError:
            raise Failure('%s: an entry is not valid UTF-8' % path)
        if any(data[HEADER + tb:pstart]):
            raise Failure('%s: the padding is not zero' % path)
        if (len(source), len(target)) != (c['source_units'], c['target_units']):
            raise Failure('%s: tables of %d and %d entries for %d source and %d target units' %
                          (path, len(source), len(target), c['source_units'],
                           c['target_units']))
        if source[:1] != ['<unk>'] or target[:3] != ['<unk>', '<s>', '</s>']:
            raise Failure('%s: the tables do not start with <unk>, and <unk> <s> </s>' % path)
        shapes = tensor_shapes(c)
        want = sum(int(np.prod(s)) for _, s in shapes)
        if want != P:
            raise Failure('%s: %d parameters; the configuration has %d' % (path, P, want))
        flat = np.frombuffer(data, dtype='<f4', count=P, offset=pstart).astype(np.float64)
        if not np.isfinite(flat).all():
            raise Failure('%s: a parameter is not finite' % path)
        self.params, at = {}, 0
        for name, shape in shapes:
            n = int(np.prod(shape))
            self.params[name] = flat[at:at + n].reshape(shape)
            at += n
        self.c, self.source, self.target = c, source, target
        self.cell = CELLS[c['cell']]
        self.att = ATTENTIONS[c['attention']]
        self.sid = {w: i for i, w in enumerate(source)}
        self.tid = {w: i for i, w in enumerate(target)}

    # units: a line's, the table's form of each, their ids, how they print

    def units(self, text):
        """The units of text (chars: code points; tokens: runs of non-blanks)."""
        if self.c['units'] == 0:
            return list(text)
        return [t for t in text.translate({ord(b): ' ' for b in BLANKS}).split(' ') if t]

    def entry(self, u):
        """A unit as the tables hold it: chars mode, U+0000..U+0020 as <U+%04X>."""
        if self.c['units'] == 0 and ord(u) <= 0x20:
            return '<U+%04X>' % ord(u)
        return u

    def source_ids(self, units):
        """The encoder's ids of the source units, reversed with reverse_source."""
        ids = [self.sid.get(self.entry(u), 0) for u in units]
        return ids[::-1] if self.c['reverse_source'] else ids

    def target_ids(self, units):
        return [self.tid.get(self.entry(u), UNK) for u in units]

    def shown(self, i):
        """How translate prints target unit i: the unit itself (<unk> as <unk>)."""
        w = self.target[i]
        if self.c['units'] == 0 and w.startswith('<U+') and w.endswith('>') and len(w) == 8:
            return chr(int(w[3:7], 16))
        return w


def fields(path):
    """--fields: the header, then whether the layout is the formula's."""
    data, h, c = read_header(path)
    for k, v in list(h.items()) + list(c.items()):
        print(k, v.decode('latin-1') if isinstance(v, bytes) else v)
    try:
        Model(path)
        print('layout ok')
    except Failure as e:
        print('layout: %s' % e)


def write_random(path, a):
    """--write-random: a model over dates' and sums' units, and with --text, lines for it."""
    rng = np.random.default_rng(a.seed)
    if a.units == 'chars':
        src = ['<unk>'] + list('0123456789+,') + ['<U+0020>'] + list('ADFJMNOSabceglnoprtuvy')
        tgt = ['<unk>', '<s>', '</s>'] + list('0123456789-') + ['<U+0020>', 'ä']
    else:
        src = ['<unk>'] + [str(i) for i in range(1, 32)] + ['+', 'Jan', 'Feb', 'May', '1999',
                                                            '2001', 'of']
        tgt = ['<unk>', '<s>', '</s>'] + ['%02d' % i for i in range(1, 13)] + ['1999', '2001',
                                                                             '-', 'x']
    c = dict(units=UNITS.index(a.units), cell=CELLS.index(a.cell), layers=a.layers,
             hidden=a.hidden, bidirectional=int(a.bidirectional), emb=a.emb,
             attention=ATTENTIONS.index(a.attention), reverse_source=int(a.reverse_source),
             peeky=int(a.peeky), source_units=len(src), target_units=len(tgt), epochs=0,
             batch=0, lr=0.0, dropout=0.0, valid_exact=float('nan'), seed=a.seed)
    tables = b''
    for tab in (src, tgt):
        tables += struct.pack('<I', len(tab))
        for w in tab:
            b = w.encode('utf-8')
            tables += struct.pack('<I', len(b)) + b
    pad = bytes(-(HEADER + len(tables)) % ALIGN)
    params = b''.join(rng.uniform(-a.init, a.init, s).astype('<f4').tobytes()
                      for _, s in tensor_shapes(c))
    body = tables + pad + params
    head = struct.pack(COMMON, MAGIC, VERSION, BOM, HEADER, 2, len(tables), len(params) // 4,
                       fnv1a64(body))
    head += struct.pack(FIELDS, *[c[k] for k in NAMES], c['lr'], c['dropout'],
                        c['valid_exact'], c['seed'])
    with open(path, 'wb') as f:
        f.write(head + body)
    if a.text:
        if a.units == 'chars':
            lines = ['Nov 15, 2001\t2001-11-15', 'august 28, 1970\t1970-08-28',
                     '87+924\t1011', '5\t5', 'Jul 5, 1994\t1994-07-05',
                     'Måj 3, 1999\t1999-05-03', '1+1\t2 ä', '  12+7 \t19',
                     'SATURDAY, JANUARY 10, 1981\t1981-01-10', '999+999\t1998',
                     '3 of Feb\t\t', 'xyz\tq']
        else:
            lines = ['Jan 15 2001\t2001 - 01 - 15', '3 + 4\t07', 'of\tx', '1999 May 7\t1999 - 05',
                     '  12   +  7 \t19', '31 Feb  1999\t1999 - 02 - 31', 'foo bar\tbaz 01',
                     '17\t17 17', '1 2 3 4 5 6 7 8 9 10\t01 02 03', 'May\t05',
                     'Feb 30\t', '+ + +\t- - -']
        with open(a.text, 'w', encoding='utf-8') as f:
            f.write(''.join(line + '\n' for line in lines))


# ---- the forward, twice ----

class TorchRef:
    """The model with PyTorch's modules, in float64."""

    def __init__(self, m):
        import torch
        nn = torch.nn
        self.torch, self.m = torch, m
        torch.set_num_threads(1)
        dt = torch.float64
        c, p = m.c, m.params
        G, H, dirs, D, E = dims(c)
        L = c['layers']
        self.D, self.L = D, L
        rnn = {'rnn': nn.RNN, 'lstm': nn.LSTM, 'gru': nn.GRU}[m.cell]
        self.src = nn.Embedding(c['source_units'], E).to(dt)
        self.tgt = nn.Embedding(c['target_units'], E).to(dt)
        self.enc = rnn(E, H, num_layers=L, bidirectional=dirs == 2).to(dt)
        self.dec = rnn(E + (D if c['peeky'] else 0), D, num_layers=L).to(dt)
        self.out = nn.Linear(D * (2 if c['peeky'] else 1), c['target_units']).to(dt)
        if m.att != 'none':
            self.comb = nn.Linear(2 * D, D).to(dt)
        if m.att == 'general':
            self.w = nn.Linear(D, D, bias=False).to(dt)
        elif m.att == 'additive':
            self.w1 = nn.Linear(D, D, bias=False).to(dt)
            self.w2 = nn.Linear(D, D, bias=False).to(dt)
            self.v = nn.Linear(D, 1, bias=False).to(dt)
        t = torch.from_numpy
        with torch.no_grad():
            self.src.weight.copy_(t(p['src.emb']))
            self.tgt.weight.copy_(t(p['tgt.emb']))
            names = (('w_ih', 'weight_ih'), ('w_hh', 'weight_hh'), ('b_ih', 'bias_ih'),
                     ('b_hh', 'bias_hh'))
            for l in range(L):
                for d in range(dirs):
                    sfx = '_l%d%s' % (l, '_reverse' if d else '')
                    for ours, theirs in names:
                        getattr(self.enc, theirs + sfx).copy_(t(p['enc.%d.%d.%s' % (l, d, ours)]))
                for ours, theirs in names:
                    getattr(self.dec, theirs + '_l%d' % l).copy_(t(p['dec.%d.%s' % (l, ours)]))
            self.out.weight.copy_(t(p['out.w']))
            self.out.bias.copy_(t(p['out.b']))
            if m.att != 'none':
                self.comb.weight.copy_(t(p['comb.w']))
                self.comb.bias.copy_(t(p['comb.b']))
            if m.att == 'general':
                self.w.weight.copy_(t(p['att.w']))
            elif m.att == 'additive':
                self.w1.weight.copy_(t(p['att.w1']))
                self.w2.weight.copy_(t(p['att.w2']))
                self.v.weight.copy_(t(p['att.v']))
        self.enc.eval()
        self.dec.eval()

    def encode(self, ids):
        """e [S][D], hfin [L][D] and the decoder's initial state."""
        torch = self.torch
        with torch.no_grad():
            y, hn = self.enc(self.src(torch.tensor(ids)).unsqueeze(1))   # [S][1][D]
            if self.m.cell == 'lstm':
                hn = hn[0]
            dirs = hn.shape[0] // self.L
            hfin = hn[:, 0, :].reshape(self.L, dirs * hn.shape[2])      # [L][D]: l's directions
            h0 = hfin.unsqueeze(1).contiguous()                          # [L][1][D]
            state = (h0, torch.zeros_like(h0)) if self.m.cell == 'lstm' else h0
            return y[:, 0, :], hfin, state

    def decode(self, e, hfin, state, prev):
        """The decoder over the inputs prev (ids): ln p [T][Vt], weights [T][S] or None, the
        state after."""
        torch = self.torch
        with torch.no_grad():
            x = self.tgt(torch.tensor(prev))                             # [T][E]
            if self.m.c['peeky']:
                x = torch.cat([x, hfin[-1].expand(len(prev), self.D)], 1)
            h, state = self.dec(x.unsqueeze(1), state)
            h = h[:, 0, :]                                               # [T][D]
            a = None
            if self.m.att != 'none':
                if self.m.att == 'dot':
                    s = h @ e.T                                          # [T][S]
                elif self.m.att == 'general':
                    s = h @ self.w(e).T
                else:
                    s = self.v(torch.tanh(self.w1(h).unsqueeze(1) + self.w2(e).unsqueeze(0)))
                    s = s[:, :, 0]
                a = torch.softmax(s, 1)
                h = torch.tanh(self.comb(torch.cat([a @ e, h], 1)))
            if self.m.c['peeky']:
                h = torch.cat([h, hfin[-1].expand(len(prev), self.D)], 1)
            lp = torch.log_softmax(self.out(h), 1)
            return lp.numpy(), None if a is None else a.numpy(), state

    def teacher(self, src_ids, tgt_ids):
        """ln p [T+1][Vt] and weights [T+1][S] of the target ids then </s>, at once."""
        e, hfin, state = self.encode(src_ids)
        lp, a, _ = self.decode(e, hfin, state, [BOS] + tgt_ids)
        return lp, a

    def stepper(self, src_ids):
        e, hfin, state = self.encode(src_ids)

        def step(prev):
            nonlocal state
            lp, a, state = self.decode(e, hfin, state, [prev])
            return lp[0], None if a is None else a[0]
        return step


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def cell_step(cell, x, h, c, w_ih, w_hh, b_ih, b_hh):
    """One step of PyTorch's cell (gates i f g o; GRU r z n): the new (h, c)."""
    H = w_hh.shape[1]
    gi, gh = w_ih @ x + b_ih, w_hh @ h + b_hh
    if cell == 'rnn':
        return np.tanh(gi + gh), c
    if cell == 'lstm':
        g = gi + gh
        i, f, z, o = (sigmoid(g[:H]), sigmoid(g[H:2 * H]), np.tanh(g[2 * H:3 * H]),
                      sigmoid(g[3 * H:]))
        c = f * c + i * z
        return o * np.tanh(c), c
    r = sigmoid(gi[:H] + gh[:H])
    z = sigmoid(gi[H:2 * H] + gh[H:2 * H])
    n = np.tanh(gi[2 * H:] + r * gh[2 * H:])
    return (1 - z) * n + z * h, c


class NumpyRef:
    """The model as loops over NumPy vectors."""

    def __init__(self, m):
        self.m, self.p = m, m.params
        _, self.H, self.dirs, self.D, _ = dims(m.c)
        self.L = m.c['layers']

    def encode(self, ids):
        p, H = self.p, self.H
        y = p['src.emb'][ids]                                            # [S][E]
        hfin = []
        for l in range(self.L):
            outs, fins = [], []
            for d in range(self.dirs):
                w = [p['enc.%d.%d.%s' % (l, d, k)] for k in ('w_ih', 'w_hh', 'b_ih', 'b_hh')]
                h, cs, hs = np.zeros(H), np.zeros(H), []
                for x in (y if d == 0 else y[::-1]):
                    h, cs = cell_step(self.m.cell, x, h, cs, *w)
                    hs.append(h)
                outs.append(np.array(hs) if d == 0 else np.array(hs[::-1]))
                fins.append(h)
            y = np.concatenate(outs, axis=1)
            hfin.append(np.concatenate(fins))
        return y, hfin

    def stepper(self, src_ids):
        p, m = self.p, self.m
        e, hfin = self.encode(src_ids)
        hs = list(hfin)
        cs = [np.zeros(self.D) for _ in range(self.L)]

        def step(prev):
            x = p['tgt.emb'][prev]
            if m.c['peeky']:
                x = np.concatenate([x, hfin[-1]])
            for l in range(self.L):
                w = [p['dec.%d.%s' % (l, k)] for k in ('w_ih', 'w_hh', 'b_ih', 'b_hh')]
                hs[l], cs[l] = cell_step(m.cell, x, hs[l], cs[l], *w)
                x = hs[l]
            h, a = x, None
            if m.att != 'none':
                if m.att == 'dot':
                    s = np.array([h @ es for es in e])
                elif m.att == 'general':
                    s = np.array([h @ (p['att.w'] @ es) for es in e])
                else:
                    s = np.array([p['att.v'][0] @ np.tanh(p['att.w1'] @ h + p['att.w2'] @ es)
                                  for es in e])
                a = np.exp(s - s.max())
                a /= a.sum()
                ctx = sum(a[k] * e[k] for k in range(len(e)))
                h = np.tanh(p['comb.w'] @ np.concatenate([ctx, h]) + p['comb.b'])
            if m.c['peeky']:
                h = np.concatenate([h, hfin[-1]])
            z = p['out.w'] @ h + p['out.b']
            zmax = z.max()
            return z - zmax - math.log(np.exp(z - zmax).sum()), a
        return step


# ---- the commands ----

def text_lines(path):
    f = sys.stdin if path == '-' else open(path, encoding='utf-8', newline='\n')
    lines = f.read().split('\n')
    if lines and lines[-1] == '':
        lines.pop()
    return lines


def pairs(path, m):
    """The (source, target) of each line; a source without units has no score."""
    out = []
    for k, line in enumerate(text_lines(path), 1):
        if '\t' not in line:
            raise Failure('%s:%d: no TAB' % (path, k))
        src, tgt = line.split('\t', 1)
        if not m.units(src):
            raise Failure('%s:%d: a pair with an empty source has no score' % (path, k))
        out.append((src, tgt))
    return out


def best(lp):
    """The greedy choice: the most probable unit other than <s>, the first of equal ones."""
    lp = lp.copy()
    lp[BOS] = -np.inf
    return int(np.argmax(lp))


def score(a):
    m = Model(a.model)
    ref = TorchRef(m)
    for path in a.files or ['-']:
        for src, tgt in pairs(path, m):
            lp, _ = ref.teacher(m.source_ids(m.units(src)), m.target_ids(m.units(tgt)))
            ids = m.target_ids(m.units(tgt)) + [EOS]
            print('%.6f' % sum(lp[t, i] for t, i in enumerate(ids)))


def shown_source(m, u):
    """A source unit in the --weights header: a blank or control code point as <U+%04X>."""
    if m.c['units'] == 0 and len(u) == 1 and (ord(u) <= 0x20 or 0x7f <= ord(u) <= 0x9f):
        return '<U+%04X>' % ord(u)
    return u


def shown_unit(m, i):
    """A target unit in a --weights row."""
    return '</s>' if i == EOS else shown_source(m, m.shown(i)) if m.c['units'] == 0 \
        else m.target[i]


def translate(a):
    m = Model(a.model)
    ref = TorchRef(m)
    if a.weights and m.att == 'none':
        raise Failure('%s: --weights needs an attention model' % a.model)
    for path in a.files or ['-']:
        for line in text_lines(path):
            units = m.units(line.split('\t', 1)[0])
            if not units:
                print()
                continue
            N = a.max_length if a.max_length is not None else 2 * len(units) + 10
            step = ref.stepper(m.source_ids(units))
            prev, out, rows = BOS, [], []
            while len(out) < N:
                lp, w = step(prev)
                prev = best(lp)
                if w is not None:
                    rows.append((prev, w[::-1] if m.c['reverse_source'] else w))
                if prev == EOS:
                    break
                out.append(prev)
            sep = '' if m.c['units'] == 0 else ' '
            print(sep.join(m.shown(i) for i in out))
            if a.weights:
                print('#\t\t' + '\t'.join(shown_source(m, u) for u in units))
                for i, w in rows:
                    print('#\t%s\t%s' % (shown_unit(m, i), '\t'.join('%.6f' % x for x in w)))


def check_score(m, fns, inp, ours, a):
    got = text_lines(ours)
    prs = pairs(inp, m)
    if len(got) != len(prs):
        raise Failure('%s: %d lines for %d' % (ours, len(got), len(prs)))
    diff = tdiff = 0.0
    units = 0
    for k, ((src, tgt), g) in enumerate(zip(prs, got), 1):
        try:
            x = float(g)
        except ValueError:
            raise Failure('%s:%d: not a number: %r' % (ours, k, g))
        sids, tids = m.source_ids(m.units(src)), m.target_ids(m.units(tgt))
        lp, _ = fns[0].teacher(sids, tids)
        ids = tids + [EOS]
        want = float(sum(lp[t, i] for t, i in enumerate(ids)))
        # the NumPy loop a step at a time along the target
        step = fns[1].stepper(sids)
        prev, want2, d = BOS, 0.0, 0.0
        for t, i in enumerate(ids):
            lpn, _ = step(prev)
            d = max(d, float(np.abs(lpn - lp[t]).max()))
            want2 += lpn[i]
            prev = i
        d = max(d, abs(want - want2))
        tdiff = max(tdiff, d)
        if not d <= 1e-9:
            raise Failure('%s: line %d: PyTorch and NumPy disagree by %g' % (inp, k, d))
        units += len(ids)
        d = abs(x - want)
        diff = max(diff, d)
        if not d <= a.tolerance:
            raise Failure('%s:%d: score %s, the reference %.6f (a difference of %.3g)' %
                          (ours, k, g, want, d))
    return len(prs), units, diff, None, tdiff


def take_unit(m, rest, i):
    """Whether ours (the rest of an output line: a string for chars, a list of tokens) starts
    with target unit i; the rest after it, or None."""
    if m.c['units'] == 0:
        s = m.shown(i)
        return rest[len(s):] if rest.startswith(s) else None
    return rest[1:] if rest and rest[0] == m.target[i] else None


def check_translate(m, fns, inp, ours, a):
    got = text_lines(ours)
    lines = text_lines(inp)
    at = 0
    diff = tdiff = 0.0
    margin = float('inf')
    nunits = 0

    def nextline():
        nonlocal at
        if at >= len(got):
            raise Failure('%s: ends at line %d, the input has %d lines' % (ours, at, len(lines)))
        at += 1
        return got[at - 1]

    for k, line in enumerate(lines, 1):
        units = m.units(line.split('\t', 1)[0])
        out = nextline()
        where = '%s:%d' % (ours, at)
        wrows = []
        while at < len(got) and got[at].startswith('#\t'):
            wrows.append((at + 1, got[at].split('\t')[1:]))
            at += 1
        if not units:
            if out != '':
                raise Failure('%s: %r for an empty source' % (where, out))
            continue
        N = a.max_length if a.max_length is not None else 2 * len(units) + 10
        sids = m.source_ids(units)
        steps = [f.stepper(sids) for f in fns]
        rest = out if m.c['units'] == 0 else (out.split(' ') if out else [])
        prev, n, path, ended = BOS, 0, [], False
        while True:
            if n == N:
                break
            lp, w = steps[0](prev)
            lp2, w2 = steps[1](prev)
            d = float(np.abs(lp - lp2).max())
            if w is not None:
                d = max(d, float(np.abs(w - w2).max()))
            tdiff = max(tdiff, d)
            if not d <= 1e-9:
                raise Failure('%s: line %d, unit %d: PyTorch and NumPy disagree by %g' %
                              (inp, k, n + 1, d))
            top = best(lp)
            order = [i for i in np.argsort(-lp, kind='stable') if i != BOS]
            gap = lp[order[0]] - lp[order[1]] if len(order) > 1 else float('inf')
            near = [i for i in order if lp[top] - lp[i] <= a.margin]
            pick = None
            for i in near:
                if i == EOS:
                    if not rest:
                        pick = i
                        break
                elif take_unit(m, rest, i) is not None:
                    pick = i
                    break
            if pick is None:
                have = ('the end' if not rest else
                        repr(rest[:12]) if m.c['units'] == 0 else repr(rest[0]))
                raise Failure('%s: unit %d: ours %s, the reference %s (ln p %.6g), for %r' %
                              (where, n + 1, have, repr(m.target[top]), lp[top], line))
            if pick == top:
                margin = min(margin, gap)
            path.append((pick, w))
            if pick == EOS:
                ended = True
                break
            rest = take_unit(m, rest, pick)
            prev = pick
            n += 1
        if rest:
            raise Failure('%s: %r after the maximum length %d' % (where, rest, N))
        nunits += len(path)
        if not wrows:
            continue
        if m.att == 'none':
            raise Failure('%s: weights from a model without attention' % where)
        # the header: the source units in the input's order; a row per output unit
        hl, head = wrows[0]
        if head != [''] + [shown_source(m, u) for u in units]:
            raise Failure('%s:%d: the header %r, not the source units %r' %
                          (ours, hl, head, [shown_source(m, u) for u in units]))
        if len(wrows) - 1 != len(path):
            raise Failure('%s: %d rows of weights for %d output units%s' %
                          (where, len(wrows) - 1, len(path), ' and </s>' if ended else ''))
        for (ln, row), (i, w) in zip(wrows[1:], path):
            if row[0] != shown_unit(m, i):
                raise Failure('%s:%d: the row of %r, the output unit is %r' %
                              (ours, ln, row[0], shown_unit(m, i)))
            if len(row) - 1 != len(units):
                raise Failure('%s:%d: %d weights for %d source units' %
                              (ours, ln, len(row) - 1, len(units)))
            want = w[::-1] if m.c['reverse_source'] else w
            try:
                mine = np.array([float(x) for x in row[1:]])
            except ValueError:
                raise Failure('%s:%d: not numbers: %r' % (ours, ln, row[1:]))
            d = float(np.abs(mine - want).max())
            diff = max(diff, d)
            if not d <= a.tolerance:
                j = int(np.argmax(np.abs(mine - want)))
                raise Failure('%s:%d: weight %d is %s, the reference %.6f (a difference of '
                              '%.3g)' % (ours, ln, j + 1, row[1 + j], want[j], d))
    if at != len(got):
        raise Failure('%s: %d lines after the last input line\'s' % (ours, len(got) - at))
    return len(lines), nunits, diff, margin, tdiff


def check(a):
    worst = 0.0
    for what, model, inp, ours in a.check:
        if what not in ('score', 'translate'):
            raise Failure('--check %s: score or translate' % what)
        m = Model(model)
        fns = (TorchRef(m), NumpyRef(m))
        run = check_score if what == 'score' else check_translate
        n, units, diff, margin, tdiff = run(m, fns, inp, ours, a)
        print('%s: lines %d, units %d, max diff %.3g, smallest margin %s, PyTorch-NumPy max '
              'diff %.3g' % (ours, n, units, diff, '-' if margin is None else '%.3g' % margin,
                             tdiff))
        worst = max(worst, diff)
    print('max diff %.3g' % worst)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('model', nargs='?')
    ap.add_argument('files', nargs='*')
    ap.add_argument('--fields', action='store_true')
    ap.add_argument('--table', choices=('source', 'target'))
    ap.add_argument('--score', action='store_true')
    ap.add_argument('--translate', action='store_true')
    ap.add_argument('--weights', action='store_true')
    ap.add_argument('--max-length', type=int)
    ap.add_argument('--check', nargs=4, action='append',
                    metavar=('WHAT', 'MODEL', 'INPUT', 'OURS'))
    ap.add_argument('--tolerance', type=float, default=1e-5)
    ap.add_argument('--margin', type=float, default=1e-4)
    ap.add_argument('--write-random', metavar='OUT')
    ap.add_argument('--units', choices=UNITS, default='chars')
    ap.add_argument('--cell', choices=CELLS, default='lstm')
    ap.add_argument('--layers', type=int, default=1)
    ap.add_argument('--hidden', type=int, default=5)
    ap.add_argument('--emb', type=int, default=4)
    ap.add_argument('--bidirectional', action='store_true')
    ap.add_argument('--attention', choices=ATTENTIONS, default='dot')
    ap.add_argument('--reverse-source', action='store_true')
    ap.add_argument('--peeky', action='store_true')
    ap.add_argument('--init', type=float, default=0.5)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--text', metavar='FILE')
    a = ap.parse_args()
    try:
        if a.write_random:
            if a.model or not 1 <= a.layers <= 8:
                ap.error('--write-random takes no model; 1 <= layers <= 8')
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
            m = Model(a.model)
            for w in m.source if a.table == 'source' else m.target:
                print(w)
        elif a.score:
            score(a)
        elif a.translate:
            translate(a)
        else:
            ap.error('what? --fields, --table, --score, --translate, --check or --write-random')
    except (Failure, OSError, UnicodeDecodeError) as e:
        sys.stdout.flush()
        sys.stderr.write('s2s_ref.py: %s\n' % e)
        sys.exit(1)


if __name__ == '__main__':
    main()
