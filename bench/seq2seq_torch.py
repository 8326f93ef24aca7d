#!/usr/bin/python3
"""seq2seq_torch.py: the encoder-decoder of `nlp-seq2seq train` in PyTorch (CPU), the peer of
nlp-seq2seq in bench/seq2seq.sh (issue 19): the same model, batching and training loop, written
from the spec (nlp-seq2seq(1), ../s2s-spec.md), not from the C code.

usage: seq2seq_torch.py TRAIN --valid FILE [--units chars|tokens] [--cell lstm|gru|rnn]
           [--layers N] [--hidden N] [--emb N] [--bidirectional]
           [--attention none|dot|general|additive] [--reverse-source] [--peeky] [--dropout P]
           [--init A] [--lr R] [--lr-decay F] [--batch N] [--clip NORM] [--epochs N]
           [--patience N] [--seed N] [-T N] [--valid-batch N] [--progress]

Data: `source<TAB>target` lines; units chars (code points) or tokens (runs of non-blanks).
Tables: source <unk> then the training sources' units, target <unk> <s> </s> then the training
targets' units, each by count descending, ties by their UTF-8 bytes; pairs with an empty source
are skipped.

Model (defaults as nlp-seq2seq's): the source units' rows of an embedding (--emb 32; reversed
first with --reverse-source), an --layers (1) layer nn.LSTM/GRU/RNN encoder of --hidden 128 each
direction (--bidirectional: two, D = 2 H, else D = H); the decoder an nn.LSTM/GRU/RNN of D units
whose layer l starts from the encoder's final states of layer l (the directions side by side; c =
0), reading the previous target unit's row (<s> first), with --peeky the encoder's top final state
beside it and beside the output layer's input; --attention dot (h . e_s), general (h . W e_s),
additive (v . tanh(W1 h + W2 e_s)) or none: softmax over the source positions, context c_t,
tanh(Linear([c_t; h_t])); nn.Linear to the target units. --dropout (0) on each recurrent layer's
input (the embedding's rows and between layers), encoder and decoder.

Training: every parameter uniform in [-init, init] (0.1); Adam (--lr 0.001, PyTorch's betas and
eps; the rate multiplied by --lr-decay, 1, after each epoch); the gradient's global norm clipped to --clip (5); loss the mean cross-entropy over every
target unit of the batch, </s> included (teacher forcing). Each epoch the pairs are grouped by
source length (no source padding), each group sorted by target length (shuffled among equal
lengths) and cut into batches of --batch (64), targets padded to the batch's longest and the
padded positions out of the loss; the batches shuffled. After each epoch greedy decoding of
--valid (batches of --valid-batch 256 sources of one length, at most 2 S + 10 units, <s> never
chosen) and its exact match; the best epoch's is the result, and training stops after
--patience (0: never) epochs without a better one.

Writes on stdout, tab-separated: a line per epoch `epoch N loss valid_exact seconds` (loss the
epoch's mean over the target units, seconds the epoch's training loop alone, validation
excluded), then `key value` lines: exact_match (the best epoch's), best_epoch, train_seconds (the
epochs' training loops), valid_seconds (all the validations), pairs, source_units, target_units,
parameters. Progress on stderr.

    OMP_WAIT_POLICY=PASSIVE seq2seq_torch.py date.train.tsv --valid date.valid.tsv -T 2

With -T above 1 on a loaded machine set OMP_WAIT_POLICY=PASSIVE (PyTorch's OpenMP threads spin
otherwise).
"""
import argparse
import random
import sys
import time
from collections import Counter, defaultdict

import torch
import torch.nn as nn

BLANKS = ' \t\r\v\f'
UNK, BOS, EOS = 0, 1, 2


def units_of(text, tokens):
    if not tokens:
        return list(text)
    return [t for t in text.translate({ord(b): ' ' for b in BLANKS}).split(' ') if t]


def read(path, tokens):
    """The (source units, target units) of a file's lines."""
    out = []
    with open(path, encoding='utf-8', errors='replace', newline='\n') as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if '\t' not in line:
                sys.exit('seq2seq_torch.py: %s:%d: no TAB' % (path, n))
            src, tgt = line.split('\t', 1)
            out.append((units_of(src, tokens), units_of(tgt, tokens)))
    return out


def ranked(counts):
    """The keys by count descending, ties by their UTF-8 bytes."""
    return sorted(counts, key=lambda k: (-counts[k], k.encode('utf-8')))


class Seq2Seq(nn.Module):
    def __init__(self, a, Vs, Vt):
        super().__init__()
        self.a = a
        self.dirs = 2 if a.bidirectional else 1
        D = self.D = self.dirs * a.hidden
        cell = {'lstm': nn.LSTM, 'gru': nn.GRU, 'rnn': nn.RNN}[a.cell]
        between = a.dropout if a.layers > 1 else 0.0
        self.src = nn.Embedding(Vs, a.emb)
        self.tgt = nn.Embedding(Vt, a.emb)
        self.enc = cell(a.emb, a.hidden, num_layers=a.layers, bidirectional=a.bidirectional,
                        dropout=between)
        self.dec = cell(a.emb + (D if a.peeky else 0), D, num_layers=a.layers, dropout=between)
        if a.attention == 'general':
            self.w = nn.Linear(D, D, bias=False)
        elif a.attention == 'additive':
            self.w1 = nn.Linear(D, D, bias=False)
            self.w2 = nn.Linear(D, D, bias=False)
            self.v = nn.Linear(D, 1, bias=False)
        if a.attention != 'none':
            self.comb = nn.Linear(2 * D, D)
        self.out = nn.Linear(D * (2 if a.peeky else 1), Vt)
        self.drop = nn.Dropout(a.dropout)
        for p in self.parameters():
            nn.init.uniform_(p, -a.init, a.init)

    def encode(self, x):
        """x [S][B] -> e [B][S][D], hfin [L][B][D], the decoder's initial state."""
        a = self.a
        y, hn = self.enc(self.drop(self.src(x)))                        # [S][B][D]
        if a.cell == 'lstm':
            hn = hn[0]
        L, B = a.layers, x.shape[1]
        hfin = hn.view(L, self.dirs, B, a.hidden).permute(0, 2, 1, 3).reshape(L, B, self.D)
        state = (hfin, torch.zeros_like(hfin)) if a.cell == 'lstm' else hfin
        return y.transpose(0, 1), hfin, state

    def decode(self, e, hfin, y, state):
        """The inputs y [T][B] -> logits [T][B][Vt], the state after."""
        a = self.a
        T, B = y.shape
        x = self.tgt(y)
        if a.peeky:
            peek = hfin[-1].unsqueeze(0).expand(T, B, self.D)
            x = torch.cat([x, peek], 2)
        h, state = self.dec(self.drop(x), state)                       # [T][B][D]
        if a.attention != 'none':
            hb = h.transpose(0, 1)                                      # [B][T][D]
            if a.attention == 'dot':
                s = torch.bmm(hb, e.transpose(1, 2))                    # [B][T][S]
            elif a.attention == 'general':
                s = torch.bmm(hb, self.w(e).transpose(1, 2))
            else:
                s = self.v(torch.tanh(self.w1(hb).unsqueeze(2) +
                                      self.w2(e).unsqueeze(1))).squeeze(3)
            att = torch.softmax(s, 2)
            ctx = torch.bmm(att, e)                                     # [B][T][D]
            h = torch.tanh(self.comb(torch.cat([ctx, hb], 2))).transpose(0, 1)
        if a.peeky:
            h = torch.cat([h, peek], 2)
        return self.out(h), state


def encode_data(data, sid, tid, reverse):
    """Each pair as (source ids, target ids)."""
    out = []
    for s, t in data:
        x = [sid.get(u, UNK) for u in s]
        out.append((x[::-1] if reverse else x, [tid.get(u, UNK) for u in t]))
    return out


def batches(data, size, rng):
    """Lists of pair indices: grouped by source length, each group sorted by target length
    (shuffled among equal lengths), cut into batches of size, the batches shuffled."""
    groups = defaultdict(list)
    for i, (s, _) in enumerate(data):
        groups[len(s)].append(i)
    out = []
    for S in sorted(groups):
        g = groups[S]
        rng.shuffle(g)
        g.sort(key=lambda i: len(data[i][1]))
        out += [g[k:k + size] for k in range(0, len(g), size)]
    rng.shuffle(out)
    return out


def as_tensors(data, idx):
    """A batch: sources [S][B], decoder inputs [T+1][B] (<s> then the target, padded with
    </s>), wanted outputs [T+1][B] (the target then </s>, padding -1)."""
    src = torch.tensor([data[i][0] for i in idx]).t()
    T = max(len(data[i][1]) for i in idx)
    ins, outs = [], []
    for i in idx:
        t = data[i][1]
        ins.append([BOS] + t + [EOS] * (T - len(t)))
        outs.append(t + [EOS] + [-1] * (T - len(t)))
    return src, torch.tensor(ins).t(), torch.tensor(outs).t()


def greedy(model, data, size):
    """The greedy outputs (id lists) of data's sources, at most 2 S + 10 units each."""
    model.eval()
    outs = [None] * len(data)
    with torch.no_grad():
        groups = defaultdict(list)
        for i, (s, _) in enumerate(data):
            groups[len(s)].append(i)
        for S, g in groups.items():
            for k in range(0, len(g), size):
                idx = g[k:k + size]
                if S == 0:
                    for i in idx:
                        outs[i] = []
                    continue
                e, hfin, state = model.encode(torch.tensor([data[i][0] for i in idx]).t())
                y = torch.full((1, len(idx)), BOS, dtype=torch.long)
                done = torch.zeros(len(idx), dtype=torch.bool)
                got = []
                for _ in range(2 * S + 10):
                    z, state = model.decode(e, hfin, y, state)
                    z[:, :, BOS] = -float('inf')
                    y = z.argmax(2)
                    got.append(y[0])
                    done |= y[0] == EOS
                    if bool(done.all()):
                        break
                got = torch.stack(got, 1).tolist()                      # [B][steps]
                for b, i in enumerate(idx):
                    o = got[b]
                    outs[i] = o[:o.index(EOS)] if EOS in o else o
    model.train()
    return outs


def main():
    ap = argparse.ArgumentParser(description='the encoder-decoder of nlp-seq2seq in PyTorch')
    ap.add_argument('train')
    ap.add_argument('--valid', required=True)
    ap.add_argument('--units', choices=('chars', 'tokens'), default='chars')
    ap.add_argument('--cell', choices=('lstm', 'gru', 'rnn'), default='lstm')
    ap.add_argument('--layers', type=int, default=1)
    ap.add_argument('--hidden', type=int, default=128)
    ap.add_argument('--emb', type=int, default=32)
    ap.add_argument('--bidirectional', action='store_true')
    ap.add_argument('--attention', choices=('none', 'dot', 'general', 'additive'), default='dot')
    ap.add_argument('--reverse-source', action='store_true')
    ap.add_argument('--peeky', action='store_true')
    ap.add_argument('--dropout', type=float, default=0.0)
    ap.add_argument('--init', type=float, default=0.1)
    ap.add_argument('--lr', type=float, default=0.001)
    ap.add_argument('--lr-decay', type=float, default=1.0)
    ap.add_argument('--patience', type=int, default=0)
    ap.add_argument('--batch', type=int, default=64)
    ap.add_argument('--clip', type=float, default=5.0)
    ap.add_argument('--epochs', type=int, default=10)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('-T', '--threads', type=int, default=1)
    ap.add_argument('--valid-batch', type=int, default=256)
    ap.add_argument('--progress', action='store_true')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = random.Random(a.seed)

    tokens = a.units == 'tokens'
    raw = read(a.train, tokens)
    skipped = sum(1 for s, _ in raw if not s)
    raw = [p for p in raw if p[0]]
    if skipped:
        print('seq2seq_torch.py: %d pairs with an empty source skipped' % skipped,
              file=sys.stderr)
    rawv = read(a.valid, tokens)
    source = ['<unk>'] + ranked(Counter(u for s, _ in raw for u in s))
    target = ['<unk>', '<s>', '</s>'] + ranked(Counter(u for _, t in raw for u in t))
    sid = {u: i for i, u in enumerate(source)}
    tid = {u: i for i, u in enumerate(target)}
    train = encode_data(raw, sid, tid, a.reverse_source)
    valid = encode_data(rawv, sid, tid, a.reverse_source)
    nunits = sum(len(t) + 1 for _, t in train)

    model = Seq2Seq(a, len(source), len(target))
    nparams = sum(p.numel() for p in model.parameters())
    print('seq2seq_torch.py: %d pairs, %d target units with </s>, %d source and %d target units'
          ' in the tables, %d parameters' % (len(train), nunits, len(source), len(target),
                                            nparams), file=sys.stderr)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    lossf = nn.CrossEntropyLoss(ignore_index=-1, reduction='sum')

    best, best_epoch, since = None, 0, 0
    train_seconds = valid_seconds = 0.0
    for epoch in range(1, a.epochs + 1):
        t0 = time.perf_counter()
        total, done = 0.0, 0
        for k, idx in enumerate(batches(train, a.batch, rng), 1):
            src, ins, want = as_tensors(train, idx)
            opt.zero_grad()
            e, hfin, state = model.encode(src)
            z, _ = model.decode(e, hfin, ins, state)
            n = int((want >= 0).sum())
            loss = lossf(z.view(-1, z.shape[2]), want.reshape(-1)) / n
            loss.backward()
            if a.clip > 0:
                nn.utils.clip_grad_norm_(model.parameters(), a.clip)
            opt.step()
            total += loss.item() * n
            done += n
            if a.progress and k % 100 == 0:
                secs = time.perf_counter() - t0
                print('seq2seq_torch.py: epoch %d: %d of %d units in %.1f s, loss %.4f'
                      % (epoch, done, nunits, secs, total / done), file=sys.stderr, flush=True)
        secs = time.perf_counter() - t0
        train_seconds += secs
        t1 = time.perf_counter()
        outs = greedy(model, valid, a.valid_batch)
        right = sum(1 for o, (s, t) in zip(outs, rawv)
                    if len(o) == len(t) and all(target[i] == u for i, u in zip(o, t)))
        vexact = right / len(valid) if valid else float('nan')
        valid_seconds += time.perf_counter() - t1
        print('epoch\t%d\t%.6f\t%.6f\t%.2f' % (epoch, total / done, vexact, secs), flush=True)
        print('seq2seq_torch.py: epoch %d: loss %.4f, valid exact match %.4f (%d of %d), %.1f s'
              % (epoch, total / done, vexact, right, len(valid), secs), file=sys.stderr,
              flush=True)
        if best is None or vexact > best:
            best, best_epoch, since = vexact, epoch, 0
        else:
            since += 1
            if a.patience and since >= a.patience:
                break
        for g in opt.param_groups:
            g['lr'] *= a.lr_decay
    print('exact_match\t%.6f' % best)
    print('best_epoch\t%d' % best_epoch)
    print('train_seconds\t%.2f' % train_seconds)
    print('valid_seconds\t%.2f' % valid_seconds)
    print('pairs\t%d' % len(train))
    print('source_units\t%d' % len(source))
    print('target_units\t%d' % len(target))
    print('parameters\t%d' % nparams)


if __name__ == '__main__':
    main()
