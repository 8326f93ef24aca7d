#!/usr/bin/python3
"""classify_torch.py: the recurrent text classifier of `nlp-classify train` in PyTorch (CPU), the
peer of nlp-classify in the benchmarks (issue 15). Written from the spec, not from the C code.

usage: classify_torch.py TRAIN... [--valid FILE] [--test FILE] [--cell lstm|gru|rnn]
           [--layers N] [--hidden N] [--emb N] [--bidirectional]
           [--pool last|mean|max|attention] [--attention-size N] [--dropout P] [--epochs N]
           [--patience N] [--batch N] [--lr R] [--clip C] [--init A] [--min-count N]
           [--max-len N] [--seed N] [--threads N] [--subword MIN-MAX] [--buckets N]
           [--lr-decay F] [--progress]

Input lines `label<TAB>tokens` (tokens separated by blanks, as nlp-tokenize writes them; see
bench/_nsmc_split.sh for the NSMC reviews). As nlp-classify train:
- vocabulary: word 0 <unk>, then the training words seen >= --min-count times, by count
  descending, ties by their bytes; labels by count descending, ties by bytes; a text keeps its
  first --max-len tokens (0: all).
- character n-grams (--subword MIN-MAX, --buckets N, default 100000): the embedding has V + N
  rows, and a token's vector is the mean of its rows (nn.EmbeddingBag(mode='mean',
  sparse=True)): its word's row when the vocabulary has it (an unknown word has none), then the
  rows V + FNV-1a(n-gram) % N of the character n-grams of `<word>` of MIN to MAX characters
  (fastText's: UTF-8 characters, by start then length, the lone '<' and '>' left out, the 32-bit
  FNV-1a over bytes taken as signed chars), the first 1023; a token with neither: <unk>'s row.
- batches: each epoch the examples are grouped by length, each group shuffled and cut into
  batches of at most --batch, the batches shuffled: no padding.
- model: nn.Embedding(sparse=True); nn.LSTM/GRU/RNN (tanh) of --layers, bidirectional when set;
  pooling of the top layer's outputs y_t: last (forward h_T and backward h_1), mean, max, or
  attention (a = softmax_t(v . tanh(W y_t + b)), pooled = sum_t a_t y_t); nn.Linear to the
  classes. Inverted dropout on the embeddings, between the layers and on the pooled vector.
  Every parameter uniform in [-init, init] (0.1).
- training: mean cross-entropy; the gradient's global norm over all parameters clipped to --clip
  (0: none); SparseAdam on the embedding (lazy: only the batch's rows move) and Adam on the rest.
  --lr-decay F multiplies the rate of both by F after each epoch (the first at --lr).
  After each epoch the validation accuracy and loss; the best epoch's weights (accuracy, ties by
  lower loss) are kept, and training stops after --patience epochs without a better accuracy.

Writes one TSV line per epoch to stderr (`epoch lr train_loss train_acc valid_loss valid_acc
examples_per_s seconds`, nlp-classify --log's columns; nan without --valid), then
`test accuracy A macro F1 F train_seconds S examples_per_s X` on stderr, and the summary
`accuracy<TAB>macro_f1<TAB>train_seconds` on stdout (test scores of the kept weights; nan without
--test). train_seconds is the training loop alone (no reading, no scoring). --progress: a line
on stderr every 100 batches (texts done, seconds, texts a second, mean loss).

    nice bench/classify_torch.py $BENCH_DIR/nsmc/train.tsv --valid $BENCH_DIR/nsmc/valid.tsv \
        --test $BENCH_DIR/nsmc/test.tsv --epochs 1 --threads 1

On a loaded machine run it with OMP_WAIT_POLICY=PASSIVE when --threads is above 1: PyTorch's
OpenMP threads otherwise spin at each parallel region while the other is descheduled (NSMC, the
bidirectional LSTM with --subword 1-3, 8000 texts, --threads 2, load 6 on 2 cores: 111 texts/s
spinning, 691 passive, 570 with --threads 1).
"""
import argparse
import copy
import math
import random
import re
import sys
import time
from collections import Counter, defaultdict

import torch
import torch.nn as nn

BLANKS = str.maketrans({c: ' ' for c in '\t\r\v\f'})


def read(paths):
    """Lines label<TAB>text of the files: a list of (label, tokens)."""
    out = []
    for path in paths:
        with open(path, encoding='utf-8') as f:
            for n, line in enumerate(f, 1):
                label, tab, text = line.rstrip('\n').partition('\t')
                toks = text.translate(BLANKS).split()
                if not tab or not label or not toks:
                    sys.exit('classify_torch.py: %s:%d: not label<TAB>text' % (path, n))
                out.append((label, toks))
    return out


def ranked(counts, least=1):
    """The keys seen >= least times, by count descending, ties by their UTF-8 bytes."""
    keep = [k for k, c in counts.items() if c >= least]
    return sorted(keep, key=lambda k: (-counts[k], k.encode('utf-8')))


FNV_BASIS, FNV_PRIME = 2166136261, 16777619
MAX_ROWS = 1024     # a token's rows at most: its own and the first 1023 n-grams'


def ngram_hashes(word, minn, maxn):
    """The 32-bit FNV-1a hashes (bytes as signed chars) of the character n-grams of `<word>`
    (word: bytes) of minn..maxn UTF-8 characters, by start then length, without the 1-grams '<'
    and '>': fastText's."""
    s = b'<' + word + b'>'
    out = []
    for i in range(len(s)):
        if s[i] & 0xC0 == 0x80:
            continue
        h, j, n = FNV_BASIS, i, 0
        while j < len(s) and n < maxn:
            while True:
                b = s[j]
                h = ((h ^ ((b - 256 if b >= 128 else b) & 0xFFFFFFFF)) * FNV_PRIME) & 0xFFFFFFFF
                j += 1
                if j == len(s) or s[j] & 0xC0 != 0x80:
                    break
            n += 1
            if n >= minn and not (n == 1 and (i == 0 or j == len(s))):
                out.append(h)
    return out


def encode(examples, words, labels, a):
    """(label id or -1 for a label the model does not know, tokens) per example: a token is its
    word id (0, <unk>, when unknown) or with --subword an index into the list of token types
    whose embedding rows the returned table has. Returns (examples, rows: a list of lists or
    None)."""
    wid, lid = {w: i for i, w in enumerate(words)}, {l: i for i, l in enumerate(labels)}
    out = []
    if not a.maxn:
        for label, toks in examples:
            toks = toks[:a.max_len] if a.max_len else toks
            out.append((lid.get(label, -1), [wid.get(t, 0) for t in toks]))
        return out, None
    types, rows = {}, []
    V = len(words)
    for label, toks in examples:
        toks = toks[:a.max_len] if a.max_len else toks
        ids = []
        for t in toks:
            k = types.get(t)
            if k is None:
                k = types[t] = len(rows)
                w = wid.get(t, 0)
                r = [w] if w else []
                r += [V + h % a.buckets for h in ngram_hashes(t.encode('utf-8'), a.minn,
                                                              a.maxn)][:MAX_ROWS - 1]
                rows.append(r or [0])
            ids.append(k)
        out.append((lid.get(label, -1), ids))
    return out, rows


def batches(data, size, rng):
    """Lists of example indices: grouped by length, each group shuffled and cut, all shuffled."""
    groups = defaultdict(list)
    for i, (_, ids) in enumerate(data):
        groups[len(ids)].append(i)
    out = []
    for T in sorted(groups):
        g = groups[T]
        rng.shuffle(g)
        out += [g[k:k + size] for k in range(0, len(g), size)]
    rng.shuffle(out)
    return out


class Classifier(nn.Module):
    def __init__(self, a, V, C):
        super().__init__()
        D = 2 if a.bidirectional else 1
        self.H, self.D, self.pool = a.hidden, D, a.pool
        if a.maxn:
            self.emb = nn.EmbeddingBag(V + a.buckets, a.emb, mode='mean', sparse=True)
        else:
            self.emb = nn.Embedding(V, a.emb, sparse=True)
        cell = {'lstm': nn.LSTM, 'gru': nn.GRU, 'rnn': nn.RNN}[a.cell]
        self.rnn = cell(a.emb, a.hidden, num_layers=a.layers, bidirectional=a.bidirectional,
                        dropout=a.dropout if a.layers > 1 else 0.0)
        if a.pool == 'attention':
            self.att = nn.Linear(D * a.hidden, a.attention_size or D * a.hidden)
            self.query = nn.Linear(self.att.out_features, 1, bias=False)
        self.drop = nn.Dropout(a.dropout)
        self.out = nn.Linear(D * a.hidden, C)
        for p in self.parameters():
            nn.init.uniform_(p, -a.init, a.init)

    def forward(self, x):
        """x [T][B] word ids (one length), or with n-grams (rows, offsets, T, B): the rows of
        the T*B positions, time-major -> logits [B][C]."""
        if isinstance(x, tuple):
            rows, offsets, T, B = x
            e = self.emb(rows, offsets).view(T, B, -1)
        else:
            e = self.emb(x)
        y, _ = self.rnn(self.drop(e))                     # [T][B][D*H]
        if self.pool == 'last':
            v = y[-1] if self.D == 1 else torch.cat([y[-1, :, :self.H], y[0, :, self.H:]], 1)
        elif self.pool == 'mean':
            v = y.mean(0)
        elif self.pool == 'max':
            v = y.max(0).values
        else:
            a = torch.softmax(self.query(torch.tanh(self.att(y))), 0)   # [T][B][1]
            v = (a * y).sum(0)
        return self.out(self.drop(v))


def as_tensors(data, idx, rows=None):
    """The batch's input (the model's x) and targets."""
    y = torch.tensor([data[i][0] for i in idx])
    if rows is None:
        return torch.tensor([data[i][1] for i in idx]).t(), y      # [T][B]
    T, B = len(data[idx[0]][1]), len(idx)
    lists = [rows[data[i][1][t]] for t in range(T) for i in idx]
    lens = torch.tensor([0] + [len(r) for r in lists[:-1]])
    flat = torch.tensor([r for rs in lists for r in rs])
    return (flat, lens.cumsum(0), T, B), y


def score(model, data, C, size=256, rows=None):
    """Accuracy, mean loss over the known labels, and the confusion counts [true][predicted]
    (a label the model does not know: wrong, its row not kept)."""
    model.eval()
    right, loss, known = 0, 0.0, 0
    conf = [[0] * C for _ in range(C)]
    with torch.no_grad():
        for idx in batches(data, size, random.Random(0)):
            x, y = as_tensors(data, idx, rows)
            z = model(x)
            pred = z.argmax(1)
            ok = y >= 0
            if ok.any():
                loss += nn.functional.cross_entropy(z[ok], y[ok], reduction='sum').item()
                known += int(ok.sum())
            for t, p in zip(y.tolist(), pred.tolist()):
                right += t == p
                if t >= 0:
                    conf[t][p] += 1
    model.train()
    return right / len(data), loss / max(known, 1), conf


def macro_f1(conf, total_pred):
    """The mean over the classes of F1 = 2PR / (P + R) (0 when P + R is 0)."""
    f1 = []
    for c in range(len(conf)):
        tp = conf[c][c]
        p = tp / total_pred[c] if total_pred[c] else 0.0
        r = tp / sum(conf[c]) if sum(conf[c]) else 0.0
        f1.append(2 * p * r / (p + r) if p + r else 0.0)
    return sum(f1) / len(f1)


def main():
    ap = argparse.ArgumentParser(description='the recurrent classifier of nlp-classify in PyTorch')
    ap.add_argument('train', nargs='+')
    ap.add_argument('--valid')
    ap.add_argument('--test')
    ap.add_argument('--cell', choices=('lstm', 'gru', 'rnn'), default='lstm')
    ap.add_argument('--layers', type=int, default=1)
    ap.add_argument('--hidden', type=int, default=128)
    ap.add_argument('--emb', type=int, default=128)
    ap.add_argument('--bidirectional', action='store_true')
    ap.add_argument('--pool', choices=('last', 'mean', 'max', 'attention'), default='attention')
    ap.add_argument('--attention-size', type=int, default=0)
    ap.add_argument('--dropout', type=float, default=0.3)
    ap.add_argument('--epochs', type=int, default=5)
    ap.add_argument('--patience', type=int, default=3)
    ap.add_argument('--batch', type=int, default=64)
    ap.add_argument('--lr', type=float, default=0.001)
    ap.add_argument('--clip', type=float, default=5.0)
    ap.add_argument('--init', type=float, default=0.1)
    ap.add_argument('--min-count', type=int, default=1)
    ap.add_argument('--max-len', type=int, default=0)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('-T', '--threads', type=int, default=1)
    ap.add_argument('--subword', metavar='MIN-MAX')
    ap.add_argument('--buckets', type=int, default=100000)
    ap.add_argument('--lr-decay', type=float, default=1.0)
    ap.add_argument('--progress', action='store_true')
    a = ap.parse_args()
    a.minn = a.maxn = 0
    if a.subword:
        m = re.fullmatch(r'([0-9]+)-([0-9]+)', a.subword)
        if not m or not 1 <= int(m[1]) <= int(m[2]) <= 32 or a.buckets < 1:
            ap.error('--subword MIN-MAX within 1..32, --buckets N >= 1')
        a.minn, a.maxn = int(m[1]), int(m[2])
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = random.Random(a.seed)

    raw = read(a.train)
    words = ['<unk>'] + [w for w in ranked(Counter(t for _, ts in raw for t in ts), a.min_count)
                         if w != '<unk>']
    labels = ranked(Counter(l for l, _ in raw))
    # one table of token types and their rows for the three sets (with --subword)
    rv, rt = read([a.valid]) if a.valid else [], read([a.test]) if a.test else []
    sets, rows = encode(raw + rv + rt, words, labels, a)
    nt, nv = len(raw), len(raw) + len(rv)
    train, valid, test = sets[:nt], sets[nt:nv] or None, sets[nv:] or None
    C = len(labels)
    print('classify_torch.py: %d examples, %d words, %d classes%s' % (
        len(train), len(words), C, ', %d token types with n-grams' % len(rows) if rows else ''),
        file=sys.stderr)

    model = Classifier(a, len(words), C)
    dense = [p for n, p in model.named_parameters() if not n.startswith('emb.')]
    opts = [torch.optim.SparseAdam([model.emb.weight], lr=a.lr), torch.optim.Adam(dense, lr=a.lr)]
    lossf = nn.CrossEntropyLoss()
    best, best_state, since, train_seconds, seen = None, None, 0, 0.0, 0
    lr = a.lr
    for epoch in range(1, a.epochs + 1):
        for o in opts:
            for g in o.param_groups:
                g['lr'] = lr
        t0 = time.perf_counter()
        total, right, done = 0.0, 0, 0
        for k, idx in enumerate(batches(train, a.batch, rng), 1):
            x, y = as_tensors(train, idx, rows)
            for o in opts:
                o.zero_grad()
            z = model(x)
            loss = lossf(z, y)
            loss.backward()
            if a.clip > 0:
                # its norm of a sparse gradient sums the repeated rows first (coalesced)
                nn.utils.clip_grad_norm_(model.parameters(), a.clip)
            for o in opts:
                o.step()
            total += loss.item() * len(idx)
            right += int((z.argmax(1) == y).sum())
            done += len(idx)
            if a.progress and k % 100 == 0:
                secs = time.perf_counter() - t0
                print('classify_torch.py: epoch %d: %d of %d texts in %.1f s, %.1f/s, loss %.4f'
                      % (epoch, done, len(train), secs, done / secs, total / done),
                      file=sys.stderr, flush=True)
        secs = time.perf_counter() - t0
        train_seconds += secs
        seen += len(train)
        vacc, vloss = score(model, valid, C, rows=rows)[:2] if valid else (math.nan, math.nan)
        print('%d\t%g\t%.6f\t%.6f\t%.6f\t%.6f\t%.1f\t%.2f' % (
            epoch, lr, total / len(train), right / len(train), vloss, vacc,
            len(train) / secs, secs), file=sys.stderr, flush=True)
        if not valid or best is None or (vacc, -vloss) > best:
            since = 0 if not valid or best is None or vacc > best[0] else since + 1
            best, best_state = (vacc, -vloss), copy.deepcopy(model.state_dict())
        else:
            since += 1
        if valid and a.patience and since >= a.patience:
            break
        lr *= a.lr_decay
    model.load_state_dict(best_state)
    acc = f1 = math.nan
    if test:
        acc, _, conf = score(model, test, C, rows=rows)
        # predictions of the examples whose label the model does not know count too
        pred = [sum(conf[t][p] for t in range(C)) for p in range(C)]
        unknown = [ex for ex in test if ex[0] < 0]
        if unknown:
            with torch.no_grad():
                model.eval()
                for k, ex in enumerate(unknown):
                    x = as_tensors(unknown, [k], rows)[0]
                    pred[int(model(x).argmax(1))] += 1
        f1 = macro_f1(conf, pred)
    print('test accuracy %.4f macro F1 %.4f train_seconds %.1f examples_per_s %.1f' % (
        acc, f1, train_seconds, seen / train_seconds), file=sys.stderr)
    print('%.6f\t%.6f\t%.2f' % (acc, f1, train_seconds))


if __name__ == '__main__':
    main()
