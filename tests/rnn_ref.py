#!/usr/bin/python3
"""rnn_ref.py: the tests' independent reference for nlp-rnnlm (issue 14): PyTorch's nn.RNN (tanh),
nn.LSTM and nn.GRU, run in float64 and compared with the C side's `test-lib rnnlm-grad`. Written
from the spec's "Model file" and "Parity test interface", not from the C code.

    rnn_ref.py make --cell rnn|lstm|gru --layers L --emb E --hidden H --vocab V [--tie]
                    --steps T --batch B --seed S MODEL IDS
        builds the model (nn.Embedding(V, E), the L-layer cell from E to H, nn.Linear(H, V), the
        softmax weight being the embedding's with --tie), every parameter uniform in [-0.5, 0.5]
        from the seed (wider than training's 0.1, so that a slip in the C side shows), and writes
        it to MODEL in nlp-rnnlm's format, words "</s>", "<unk>", "w2" .. "w{V-1}"; IDS gets T+1
        lines of B random word ids.
    rnn_ref.py check MODEL IDS OURS
        reads MODEL back (header, word table, sizes and checksum checked), runs it in float64 on
        IDS (inputs lines 0..T-1, targets lines 1..T, zero initial state, no dropout), takes the
        mean cross-entropy over the T*B targets and its gradient, and compares with OURS, what
        `test-lib rnnlm-grad MODEL IDS` printed. One line `NAME max_abs_diff max_rel_diff` per
        item (loss, logits, grad:BLOCK, h:LAYER, c:LAYER), where the relative difference is
        |ours - ref| / max(1, |ref|); then `max diff X`, the largest of them. Exits 1, naming the
        worst item on stderr, when a relative difference is above TOL, or an item is missing,
        repeated, unknown, of the wrong length or not a number; and when MODEL or IDS is bad.

Usage errors exit 2.
"""
import argparse
import math
import struct
import sys

import numpy as np

TOL = 1e-5  # |ours - ref| <= TOL * max(1, |ref|): float32 arithmetic against float64

MAGIC = b'NLPRNNLM'
VERSION = 1
BOM = 0x01020304          # read as a little-endian u32: the bytes 04 03 02 01
HEADER_BYTES = 192
ALIGN = 64                # the parameters start at a multiple of 64 bytes from the file's start
CELLS = ('rnn', 'lstm', 'gru')
GATES = {'rnn': 1, 'lstm': 4, 'gru': 3}   # G: row blocks of w_ih, w_hh, b_ih, b_hh
MAX_WORD = 1024

# the header, little-endian, as two parts: the container (offsets 0..63) and the model's
# configuration (64..191); 'x' are the reserved bytes, zero
CONTAINER = '<8sIIIIQQQ16x'   # magic, version, bom, header bytes, word tables, table bytes, P,
#                               checksum, reserved
CONFIG = '<10IddQd56x'        # cell, layers, emb, hidden, vocab, tied, bptt, batch, epochs,
#                               variational; dropout, init, seed, validation ppl; reserved
assert struct.calcsize(CONTAINER) == 64 and struct.calcsize(CONFIG) == HEADER_BYTES - 64


class Failure(Exception):
    """A bad file or a check beyond its tolerance: the message goes to stderr, the exit is 1."""


def fnv1a64(data):
    """FNV-1a, 64 bits, over the bytes of data."""
    h = 0xcbf29ce484222325
    for byte in data:
        h ^= byte
        h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def block_shapes(cell, L, E, H, V, tied):
    """The parameter blocks in the file's order: a list of (name, shape)."""
    G = GATES[cell]
    blocks = [('emb', (V, E))]
    for l in range(L):
        I = E if l == 0 else H
        blocks += [('%d.w_ih' % l, (G * H, I)), ('%d.w_hh' % l, (G * H, H)),
                   ('%d.b_ih' % l, (G * H,)), ('%d.b_hh' % l, (G * H,))]
    if not tied:
        blocks.append(('out.w', (V, H)))
    blocks.append(('out.b', (V,)))
    return blocks


def vocabulary(V):
    return ['</s>', '<unk>'] + ['w%d' % i for i in range(2, V)]


# ---- the PyTorch model ----

def build_model(torch, cfg, dtype):
    """nn.Embedding, the cell, nn.Linear, in dtype; the softmax weight is the embedding's when
    tied (the same Parameter, so its gradient is the sum of both uses)."""
    nn = torch.nn
    cell, L, E, H, V = cfg['cell'], cfg['layers'], cfg['emb'], cfg['hidden'], cfg['vocab']

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(V, E)
            if cell == 'rnn':
                self.rnn = nn.RNN(E, H, num_layers=L, nonlinearity='tanh')
            elif cell == 'lstm':
                self.rnn = nn.LSTM(E, H, num_layers=L)
            else:
                self.rnn = nn.GRU(E, H, num_layers=L)
            self.out = nn.Linear(H, V)

        def forward(self, x):
            """x [T][B] ids -> logits [T][B][V] and the final state ([L][B][H], or a pair for
            the LSTM); the initial state is zero (PyTorch's default)."""
            y, state = self.rnn(self.emb(x))
            return self.out(y), state

    model = Model().to(dtype)
    if cfg['tied']:
        model.out.weight = model.emb.weight
    model.eval()   # no dropout anywhere, but say so
    return model


def torch_param(model, name):
    """The Parameter of the model behind a block name of the file (emb, 1.w_hh, out.b ...)."""
    if name == 'emb':
        return model.emb.weight
    if name == 'out.w':
        return model.out.weight
    if name == 'out.b':
        return model.out.bias
    layer, what = name.split('.')
    attr = {'w_ih': 'weight_ih_l', 'w_hh': 'weight_hh_l',
            'b_ih': 'bias_ih_l', 'b_hh': 'bias_hh_l'}[what]
    return getattr(model.rnn, attr + layer)


# ---- make ----

def write_model(path, cfg, words, blocks):
    """Writes the model file: header, word table, zeros to a multiple of 64, the float32
    parameters (blocks: (name, numpy array) in the file's order), checksum over all after the
    header."""
    table = struct.pack('<I', len(words))
    for w in words:
        b = w.encode('utf-8')
        table += struct.pack('<I', len(b)) + b
    pad = b'\0' * (-(HEADER_BYTES + len(table)) % ALIGN)
    params = b''.join(np.ascontiguousarray(a, dtype='<f4').tobytes() for _, a in blocks)
    nparams = sum(a.size for _, a in blocks)
    body = table + pad + params
    head = struct.pack(CONTAINER, MAGIC, VERSION, BOM, HEADER_BYTES, 1, len(table), nparams,
                       fnv1a64(body))
    head += struct.pack(CONFIG, CELLS.index(cfg['cell']), cfg['layers'], cfg['emb'],
                        cfg['hidden'], cfg['vocab'], cfg['tied'], cfg['bptt'], cfg['batch'], 0, 0,
                        0.0, 0.5, cfg['seed'], float('nan'))
    assert len(head) == HEADER_BYTES
    with open(path, 'wb') as f:
        f.write(head + body)


def cmd_make(a):
    if a.tie and a.emb != a.hidden:
        usage('--tie needs --emb equal to --hidden')
    import torch
    cfg = {'cell': a.cell, 'layers': a.layers, 'emb': a.emb, 'hidden': a.hidden,
           'vocab': a.vocab, 'tied': int(a.tie), 'bptt': a.steps, 'batch': a.batch,
           'seed': a.seed}
    torch.manual_seed(a.seed)
    model = build_model(torch, cfg, torch.float32)
    blocks = []
    with torch.no_grad():
        # every block drawn in the file's order, so that the seed alone fixes the model
        for name, shape in block_shapes(a.cell, a.layers, a.emb, a.hidden, a.vocab, a.tie):
            p = torch_param(model, name)
            assert tuple(p.shape) == shape, (name, tuple(p.shape), shape)
            p.uniform_(-0.5, 0.5)
            blocks.append((name, p.detach().numpy().copy()))
    # every parameter of the module is in the file, once (a tied weight is one Parameter)
    assert sum(p.numel() for p in model.parameters()) == sum(b.size for _, b in blocks)
    write_model(a.model, cfg, vocabulary(a.vocab), blocks)
    ids = torch.randint(0, a.vocab, (a.steps + 1, a.batch))
    with open(a.ids, 'w') as f:
        for row in ids.tolist():
            f.write(' '.join(map(str, row)) + '\n')


# ---- check ----

def read_model(path):
    """Reads and checks a model file: returns its configuration (a dict), its words and its
    parameters (a dict from block name to a float32 array of the block's shape)."""
    try:
        with open(path, 'rb') as f:
            data = f.read()
    except OSError as e:
        raise Failure('%s: %s' % (path, e.strerror))
    if len(data) < HEADER_BYTES:
        raise Failure('%s: %d bytes, shorter than the header' % (path, len(data)))
    magic, version, bom, hbytes, ntables, tbytes, nparams, checksum = \
        struct.unpack_from(CONTAINER, data, 0)
    if magic != MAGIC:
        raise Failure('%s: magic %r, not %r' % (path, magic, MAGIC))
    if version != VERSION:
        raise Failure('%s: version %d, not %d' % (path, version, VERSION))
    if bom != BOM:
        raise Failure('%s: byte-order mark 0x%08x, not 0x%08x' % (path, bom, BOM))
    if hbytes != HEADER_BYTES:
        raise Failure('%s: header of %d bytes, not %d' % (path, hbytes, HEADER_BYTES))
    if ntables != 1:
        raise Failure('%s: %d word tables, not 1' % (path, ntables))
    if any(data[48:64]) or any(data[136:HEADER_BYTES]):
        raise Failure('%s: reserved header bytes are not zero' % path)
    got = fnv1a64(data[HEADER_BYTES:])
    if got != checksum:
        raise Failure('%s: checksum 0x%016x in the header, 0x%016x computed' %
                      (path, checksum, got))

    fields = struct.unpack_from(CONFIG, data, 64)
    cell, L, E, H, V, tied = fields[:6]
    if cell >= len(CELLS):
        raise Failure('%s: cell %d' % (path, cell))
    for what, v, lo, hi in (('layers', L, 1, 16), ('emb', E, 1, 8192), ('hidden', H, 1, 8192),
                            ('vocabulary', V, 2, 16777216), ('tied', tied, 0, 1)):
        if not lo <= v <= hi:
            raise Failure('%s: %s %d outside %d..%d' % (path, what, v, lo, hi))
    if tied and E != H:
        raise Failure('%s: tied with emb %d and hidden %d' % (path, E, H))
    cfg = {'cell': CELLS[cell], 'layers': L, 'emb': E, 'hidden': H, 'vocab': V, 'tied': tied}

    # the word table: u32 count, then per word u32 length and its bytes
    pos = HEADER_BYTES

    def u32():
        nonlocal pos
        if pos + 4 > len(data):
            raise Failure('%s: the word table runs past the end' % path)
        v, = struct.unpack_from('<I', data, pos)
        pos += 4
        return v
    count = u32()
    if count != V:
        raise Failure('%s: %d words in the table, vocabulary %d' % (path, count, V))
    words = []
    for i in range(count):
        n = u32()
        if not 1 <= n <= MAX_WORD or pos + n > len(data):
            raise Failure('%s: word %d has a bad length %d' % (path, i, n))
        words.append(data[pos:pos + n])
        pos += n
    if words[0] != b'</s>' or words[1] != b'<unk>':
        raise Failure('%s: words 0 and 1 are %r and %r, not </s> and <unk>' %
                      (path, words[0], words[1]))
    if len(set(words)) != len(words):
        raise Failure('%s: a word is in the table twice' % path)
    # the table's byte count may or may not take in the padding: either way the parameters
    # start at the next multiple of 64, and what lies between is zero
    start = HEADER_BYTES + tbytes
    start += -start % ALIGN
    if not pos <= HEADER_BYTES + tbytes <= start or start - pos >= ALIGN:
        raise Failure('%s: table of %d bytes in the header, %d read' %
                      (path, tbytes, pos - HEADER_BYTES))
    if any(data[pos:start]):
        raise Failure('%s: the padding after the word table is not zero' % path)

    shapes = block_shapes(cfg['cell'], L, E, H, V, tied)
    want = sum(math.prod(s) for _, s in shapes)
    if nparams != want:
        raise Failure('%s: %d parameters in the header, the configuration has %d' %
                      (path, nparams, want))
    if len(data) != start + 4 * nparams:
        raise Failure('%s: %d bytes, the header says %d' % (path, len(data), start + 4 * nparams))
    flat = np.frombuffer(data, dtype='<f4', count=nparams, offset=start)
    params, off = {}, 0
    for name, shape in shapes:
        size = math.prod(shape)
        params[name] = flat[off:off + size].reshape(shape)
        off += size
    return cfg, words, params


def read_lines(path):
    """The lines of a text file; a file that cannot be read is a failure."""
    try:
        with open(path) as f:
            return f.read().split('\n')
    except (OSError, UnicodeDecodeError) as e:
        raise Failure('%s: %s' % (path, getattr(e, 'strerror', None) or e))


def read_ids(path, V):
    """The ids file: a [T+1][B] int64 array, T >= 1, every id in [0, V)."""
    rows = []
    for n, line in enumerate(read_lines(path), 1):
        if not line:
            continue    # the end of the last line
        try:
            row = [int(x) for x in line.split()]
        except ValueError:
            raise Failure('%s:%d: not a line of ids' % (path, n))
        if not row or rows and len(row) != len(rows[0]):
            raise Failure('%s:%d: %d ids, not as many as line 1' % (path, n, len(row)))
        if any(not 0 <= x < V for x in row):
            raise Failure('%s:%d: an id outside 0..%d' % (path, n, V - 1))
        rows.append(row)
    if len(rows) < 2:
        raise Failure('%s: %d lines, at least 2 needed' % (path, len(rows)))
    return np.array(rows, dtype=np.int64)


def read_ours(path):
    """The C program's output: a dict from item name (loss, logits, grad:NAME, h:LAYER,
    c:LAYER) to its list of numbers; a line seen twice or not understood is a failure."""
    ours = {}
    for n, line in enumerate(read_lines(path), 1):
        tok = line.split()
        if not tok:
            continue
        if tok[0] in ('loss', 'logits'):
            key, vals = tok[0], tok[1:]
        elif tok[0] in ('grad', 'h', 'c') and len(tok) >= 2:
            key, vals = tok[0] + ':' + tok[1], tok[2:]
        else:
            raise Failure('%s:%d: not a line of the parity format: %.40s' % (path, n, line))
        if key in ours:
            raise Failure('%s:%d: %s a second time' % (path, n, key))
        try:
            ours[key] = [float(v) for v in vals]
        except ValueError:
            raise Failure('%s:%d: %s: not a number' % (path, n, key))
    return ours


def reference(cfg, params, ids):
    """The float64 run: a list of (item name, flat float64 array) in the output's order."""
    import torch
    torch.set_grad_enabled(True)
    model = build_model(torch, cfg, torch.float64)
    with torch.no_grad():
        for name, value in params.items():
            p = torch_param(model, name)
            assert tuple(p.shape) == value.shape, (name, tuple(p.shape), value.shape)
            p.copy_(torch.from_numpy(value.astype(np.float64)))
    x = torch.from_numpy(ids[:-1])
    y = torch.from_numpy(ids[1:])
    T, B, V = x.shape[0], x.shape[1], cfg['vocab']
    logits, state = model(x)
    # mean over the T*B targets, natural log; row t*B + b of the logits is step t, stream b
    loss = torch.nn.functional.cross_entropy(logits.reshape(T * B, V), y.reshape(T * B))
    loss.backward()

    def flat(t):
        return t.detach().numpy().ravel()
    items = [('loss', flat(loss)), ('logits', flat(logits))]
    for name in params:
        items.append(('grad:' + name, flat(torch_param(model, name).grad)))
    h, c = state if cfg['cell'] == 'lstm' else (state, None)
    items += [('h:%d' % l, flat(h[l])) for l in range(cfg['layers'])]
    if c is not None:
        items += [('c:%d' % l, flat(c[l])) for l in range(cfg['layers'])]
    return items


def compare(ref_items, ours):
    """Prints one line per item, then the largest difference; raises Failure at the end when
    something is off."""
    problems = []      # what is wrong, worst value last
    worst = None       # (relative difference, item, index, ours, ref) of the worst value
    largest = 0.0
    for key, ref in ref_items:
        got = ours.pop(key, None)
        if got is None:
            problems.append('%s is missing' % key)
            continue
        if len(got) != ref.size:
            problems.append('%s has %d values, not %d' % (key, len(got), ref.size))
            continue
        got = np.array(got)
        diff = np.abs(got - ref)
        diff[~np.isfinite(got)] = np.inf      # a NaN would compare as smaller than anything
        rel = diff / np.maximum(1.0, np.abs(ref))
        i = int(np.argmax(rel))
        print('%s %.3g %.3g' % (key, diff.max(), rel[i]))
        largest = max(largest, rel[i])
        if worst is None or rel[i] > worst[0]:
            worst = (rel[i], key, i, got[i], ref[i])
    for key in ours:
        problems.append('%s is not an item of this model' % key)
    if worst is not None and worst[0] > TOL:
        problems.append('%s[%d] is %.9g, the reference %.9g: |diff| / max(1, |ref|) = %.3g > %g'
                        % (worst[1], worst[2], worst[3], worst[4], worst[0], TOL))
    if problems:
        raise Failure('; '.join(problems))
    print('max diff %.3g' % largest)


def cmd_check(a):
    cfg, _, params = read_model(a.model)
    ids = read_ids(a.ids, cfg['vocab'])
    ours = read_ours(a.ours)
    compare(reference(cfg, params, ids), ours)


# ---- command line ----

def usage(msg):
    print('rnn_ref.py: ' + msg, file=sys.stderr)
    sys.exit(2)


def main():
    p = argparse.ArgumentParser(prog='rnn_ref.py')
    sub = p.add_subparsers(dest='command', required=True)
    m = sub.add_parser('make')
    m.add_argument('--cell', choices=CELLS, required=True)
    for opt in ('--layers', '--emb', '--hidden', '--vocab', '--steps', '--batch'):
        m.add_argument(opt, type=int, required=True, metavar='N')
    m.add_argument('--tie', action='store_true')
    m.add_argument('--seed', type=int, required=True)
    m.add_argument('model')
    m.add_argument('ids')
    c = sub.add_parser('check')
    c.add_argument('model')
    c.add_argument('ids')
    c.add_argument('ours')
    a = p.parse_args()
    if a.command == 'make':
        for what, v, lo, hi in (('layers', a.layers, 1, 16), ('emb', a.emb, 1, 8192),
                                ('hidden', a.hidden, 1, 8192), ('vocab', a.vocab, 2, 16777216),
                                ('steps', a.steps, 1, None), ('batch', a.batch, 1, None),
                                ('seed', a.seed, 0, 2 ** 64 - 1)):
            if v < lo or hi is not None and v > hi:
                usage('--%s %d out of range' % (what, v))
    try:
        cmd_make(a) if a.command == 'make' else cmd_check(a)
    except Failure as e:
        print('rnn_ref.py: %s' % e, file=sys.stderr)
        sys.exit(1)


if __name__ == '__main__':
    main()
