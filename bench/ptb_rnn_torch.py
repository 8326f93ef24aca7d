#!/usr/bin/python3
"""PyTorch (CPU) word language models on PTB: the peer of bench/rnnlm.sh for the cells and sizes
that ../shared/bench/ptb_lstm_torch.py does not cover (plain tanh RNN, GRU, other sizes, dropout).

usage: ptb_rnn_torch.py PTB_DIR [--cell rnn|lstm|gru] [--layers N] [--emb N] [--hidden N]
           [--dropout P] [--epochs N] [--max-batches N] [--lr R] [--decay-after E] [--decay F]
           [--threads N] [--seed N] [--no-eval]

The model, the batching and the training loop are ptb_lstm_torch.py's (Zaremba et al. 2014
'small' by default): the vocabulary of train, valid and test in order of first appearance, every
line's words followed by <eos>; B = 20 streams, windows of T = 20 steps, the state carried from
window to window (truncated BPTT); every parameter uniform in [-0.1, 0.1]; mean cross-entropy;
the gradient's global norm clipped to 5; plain SGD at lr 1, halved every epoch after the 4th;
validation and test scored with 10 streams. --dropout P puts inverted dropout on the embedding
output, between the layers and on the last layer's output (Zaremba et al.'s placement, as
nlp-rnnlm --dropout). --max-batches N stops each epoch after N windows, as ptb_lstm_torch.py's
third argument; --no-eval skips the validation and test scoring (speed runs).

Prints per epoch: 'epoch E train_ppl P tok/s S time Ts valid_ppl V' (valid_ppl nan with
--no-eval), then 'test_ppl P' (not with --no-eval): the format of ptb_lstm_torch.py.
"""
import argparse
import math
import time

import torch
import torch.nn as nn

ap = argparse.ArgumentParser(description='PyTorch RNN/LSTM/GRU language model on PTB')
ap.add_argument('data')
ap.add_argument('--cell', choices=('rnn', 'lstm', 'gru'), default='lstm')
ap.add_argument('--layers', type=int, default=2)
ap.add_argument('--emb', type=int, default=200)
ap.add_argument('--hidden', type=int, default=200)
ap.add_argument('--dropout', type=float, default=0.0)
ap.add_argument('--epochs', type=int, default=13)
ap.add_argument('--max-batches', type=int, default=10**9)
ap.add_argument('--lr', type=float, default=1.0)
ap.add_argument('--decay-after', type=int, default=4)
ap.add_argument('--decay', type=float, default=0.5)
ap.add_argument('--threads', type=int, default=2)
ap.add_argument('--seed', type=int, default=1)
ap.add_argument('--no-eval', action='store_true')
a = ap.parse_args()

torch.manual_seed(a.seed)
torch.set_num_threads(a.threads)
T, B = 20, 20
w2i = {}


def load(name):
    ids = []
    with open(f'{a.data}/ptb.{name}.txt') as f:
        for line in f:
            for w in line.split() + ['<eos>']:
                ids.append(w2i.setdefault(w, len(w2i)))
    return torch.tensor(ids)


train, valid, test = load('train'), load('valid'), load('test')
V = len(w2i)


def batchify(d, b):
    n = d.size(0) // b
    return d[:n * b].view(b, n).t().contiguous()   # (n, b)


class LM(nn.Module):
    def __init__(s):
        super().__init__()
        cls = {'rnn': nn.RNN, 'lstm': nn.LSTM, 'gru': nn.GRU}[a.cell]
        s.emb = nn.Embedding(V, a.emb)
        # no dropout module at all without --dropout: the LSTM then runs ptb_lstm_torch.py's graph
        s.drop = nn.Dropout(a.dropout) if a.dropout > 0 else nn.Identity()
        s.rnn = cls(a.emb, a.hidden, a.layers, dropout=a.dropout if a.layers > 1 else 0.0)
        s.out = nn.Linear(a.hidden, V)
        for p in s.parameters():
            nn.init.uniform_(p, -0.1, 0.1)

    def forward(s, x, h):
        y, h = s.rnn(s.drop(s.emb(x)), h)
        return s.out(s.drop(y)), h


def detach(h):
    if h is None:
        return None
    return tuple(v.detach() for v in h) if isinstance(h, tuple) else h.detach()


m = LM()
crit = nn.CrossEntropyLoss()
lr = a.lr


def evaluate(d):
    m.eval()
    d = batchify(d, 10)
    h = None
    tot = 0.0
    n = 0
    with torch.no_grad():
        for i in range(0, d.size(0) - 1, T):
            x = d[i:i + T]
            y = d[i + 1:i + 1 + T]
            x = x[:y.size(0)]
            o, h = m(x, h)
            tot += crit(o.view(-1, V), y.reshape(-1)).item() * y.numel()
            n += y.numel()
    return math.exp(tot / n)


tb = batchify(train, B)
for ep in range(a.epochs):
    if ep >= a.decay_after:
        lr *= a.decay
    m.train()
    h = None
    t0 = time.time()
    ntok = 0
    tot = 0.0
    for bi, i in enumerate(range(0, tb.size(0) - 1, T)):
        if bi >= a.max_batches:
            break
        x = tb[i:i + T]
        y = tb[i + 1:i + 1 + T]
        x = x[:y.size(0)]
        h = detach(h)
        o, h = m(x, h)
        loss = crit(o.view(-1, V), y.reshape(-1))
        m.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(m.parameters(), 5.0)
        with torch.no_grad():
            for p in m.parameters():
                p -= lr * p.grad
        ntok += y.numel()
        tot += loss.item() * y.numel()
    dt = time.time() - t0
    vp = float('nan') if a.no_eval else evaluate(valid)
    print(f'epoch {ep + 1} train_ppl {math.exp(tot / ntok):.1f} tok/s {ntok / dt:.0f} '
          f'time {dt:.0f}s valid_ppl {vp:.1f}', flush=True)
if not a.no_eval:
    print(f'test_ppl {evaluate(test):.2f}', flush=True)
