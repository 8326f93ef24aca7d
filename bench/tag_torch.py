#!/usr/bin/python3
"""tag_torch.py: the recurrent tagger of `nlp-tag train` in PyTorch (CPU), the peer of nlp-tag in
bench/tag.sh (issue 18): the same architecture, batching and training loop, written from the spec
(lib/tag/model.h's comment, ../tag-spec.md), not from the C code.

usage: tag_torch.py TRAIN --valid DEV [--cell lstm|gru|rnn] [--layers N] [--hidden N] [--emb N]
           [--unidirectional] [--char-emb N] [--char-filters N] [--char-width N] [--dropout P]
           [--epochs N] [--patience N] [--batch N] [--lr R] [--clip C] [--init A]
           [--min-count N] [--pretrained FILE] [--freeze] [--column upos|xpos] [--seed N]
           [--threads N] [--tag-batch N] [--progress]

Data: CoNLL-U (FORM and UPOS, or XPOS with --column xpos; comments, ranges `3-4` and empty
nodes `5.1` skipped) or lines `token<TAB>tag`; a blank line ends a sentence.

Model, per token:
- the word's row of an embedding (--emb 100): the word lowercased; row 0 <unk>, then the training
  words (lowercased) seen >= --min-count times (1), by count descending, ties by their bytes;
- beside it (--char-emb 32; 0: none) the character encoder's vector of its spelling: its first 64
  code points, case kept, each a row of a character embedding (row 0 <unk>, then the training
  tokens' characters by count descending); a convolution (nn.Conv1d) --char-width 3 characters
  wide with zero padding of 1 on each side and --char-filters 64 filters; the maximum over the
  word's positions (a batch's shorter words are padded with zero vectors, which the convolution
  sees as its own zero padding, and their positions past the end are left out of the maximum);
  tanh;
- dropout (--dropout 0.33) on that vector, then the recurrent layers (nn.LSTM/GRU/RNN, --layers
  1, --hidden 128 each direction, bidirectional unless --unidirectional; dropout between
  layers), dropout on the top layer's outputs, nn.Linear to the tags, softmax.
Every parameter uniform in [-init, init] (0.1); --pretrained FILE (word2vec text: a header
`count dim`, then `word v1 ... vdim` lines) sets --emb to its dimension and starts the row of
each vocabulary word (lowercased) from the file's vector of that very word, as read (not
normalised), as nlp-tag does; --freeze keeps the word
rows fixed.

Training: the mean cross-entropy over the batch's tokens; the gradient's global norm clipped to
--clip (5); SparseAdam on the word embedding (lazy: only the batch's rows move; nn/optim.h's
lazy Adam) and Adam on the rest, --lr 0.001. Each epoch the sentences are grouped by length,
each group shuffled and cut into batches of at most --batch (32) sentences, and of at most
--batch * 64 / (T + 1) sentences of length T (nlp-tag's CELLS_PER: long sentences come fewer at a
time), the batches shuffled: a batch is a [T][B] block without padding. After each epoch the accuracy on --valid;
the best epoch's weights are kept, and training stops after --patience (3; 0: never) epochs
without a better one.

Writes on stdout, tab-separated: a line per epoch `epoch N lr train_loss train_acc valid_acc
tokens_per_s seconds` (nlp-tag --log's columns after the word `epoch`; seconds and tokens_per_s
of the training loop alone), then `key value...` lines: accuracy, known, unknown (`name
accuracy right total` of the kept weights on --valid; known: the token's lowercased form is a
training word's, whether or not it has a row), best_epoch, train_seconds (the epochs' training
loops), tag_wall_s and tag_tokens_per_s (tagging --valid with the kept weights in batches of
--tag-batch 256 sentences of one length, tensors built included), words, chars, tags,
parameters. Progress on stderr.

    OMP_WAIT_POLICY=PASSIVE tag_torch.py en_gum-train.conllu --valid en_gum-ud-dev.conllu -T 2

With --threads above 1 on a loaded machine set OMP_WAIT_POLICY=PASSIVE (see classify_torch.py:
PyTorch's OpenMP threads spin otherwise).
"""
import argparse
import copy
import math
import random
import sys
import time
from collections import Counter, defaultdict

import torch
import torch.nn as nn

WORD_CHARS = 64     # the code points of a word the character encoder reads (TAG_WORD_CHARS)
CELLS_PER = 64      # a batch of B sentences of length T holds at most B * 64 / (T + 1) of them


def read(path, column):
    """The sentences of a CoNLL-U or token<TAB>tag file: lists of (token, tag)."""
    col = 3 if column == 'upos' else 4
    sents, cur = [], []
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if not line.strip():
                if cur:
                    sents.append(cur)
                cur = []
                continue
            if line.startswith('#'):
                continue
            fields = line.split('\t')
            if len(fields) == 10:
                if '-' in fields[0] or '.' in fields[0]:
                    continue
                cur.append((fields[1].replace(' ', '\u00a0'), fields[col]))
            elif len(fields) == 2:
                cur.append((fields[0].replace(' ', '\u00a0'), fields[1]))
            else:
                sys.exit('tag_torch.py: %s:%d: neither CoNLL-U nor token<TAB>tag' % (path, n))
    if cur:
        sents.append(cur)
    return sents


def ranked(counts, least=1):
    """The keys seen >= least times, by count descending, ties by their UTF-8 bytes."""
    keep = [k for k, c in counts.items() if c >= least]
    return sorted(keep, key=lambda k: (-counts[k], k.encode('utf-8')))


def encode(sents, wid, cid, tid):
    """Each sentence as (word ids, character ids of each token, tag ids; -1: a tag the model
    does not know)."""
    out = []
    for s in sents:
        words = [wid.get(w.lower(), 0) for w, _ in s]
        chars = [[cid.get(c, 0) for c in w[:WORD_CHARS]] for w, _ in s]
        out.append((words, chars, [tid.get(t, -1) for _, t in s]))
    return out


def batches(data, size, rng):
    """Lists of sentence indices: grouped by length, each group shuffled and cut into batches of
    at most size sentences and size * CELLS_PER tokens, all shuffled."""
    groups = defaultdict(list)
    for i, s in enumerate(data):
        groups[len(s[0])].append(i)
    out = []
    for T in sorted(groups):
        g = groups[T]
        rng.shuffle(g)
        n = max(1, min(size, size * CELLS_PER // (T + 1)))
        out += [g[k:k + n] for k in range(0, len(g), n)]
    rng.shuffle(out)
    return out


def as_tensors(data, idx):
    """A batch of sentences of one length T as tensors, time-major (token t of sentence b is row
    t * B + b): words [T][B], chars [T*B][L] (0-padded to the batch's longest word), their
    lengths [T*B], tags [T][B]."""
    T = len(data[idx[0]][0])
    words = torch.tensor([[data[i][0][t] for i in idx] for t in range(T)])
    spell = [data[i][1][t] for t in range(T) for i in idx]
    L = max(len(c) for c in spell)
    chars = torch.tensor([c + [0] * (L - len(c)) for c in spell])
    lens = torch.tensor([len(c) for c in spell])
    tags = torch.tensor([[data[i][2][t] for i in idx] for t in range(T)])
    return words, chars, lens, tags


class Tagger(nn.Module):
    def __init__(self, a, V, C, K):
        super().__init__()
        self.emb = nn.Embedding(V, a.emb, sparse=True)
        width = a.emb
        if a.char_emb:
            self.cemb = nn.Embedding(C, a.char_emb)
            self.conv = nn.Conv1d(a.char_emb, a.char_filters, a.char_width,
                                  padding=a.char_width // 2)
            width += a.char_filters
        else:
            self.cemb = None
        cell = {'lstm': nn.LSTM, 'gru': nn.GRU, 'rnn': nn.RNN}[a.cell]
        self.rnn = cell(width, a.hidden, num_layers=a.layers, bidirectional=not a.unidirectional,
                        dropout=a.dropout if a.layers > 1 else 0.0)
        self.drop = nn.Dropout(a.dropout)
        self.out = nn.Linear(a.hidden * (1 if a.unidirectional else 2), K)
        for p in self.parameters():
            nn.init.uniform_(p, -a.init, a.init)

    def spelling(self, chars, lens):
        """chars [N][L], lens [N] -> [N][F]: tanh of the maximum over each word's positions of
        the convolution of its characters' rows."""
        inside = torch.arange(chars.shape[1])[None, :] < lens[:, None]      # [N][L]
        e = self.cemb(chars) * inside[:, :, None]                           # [N][L][E]
        y = self.conv(e.transpose(1, 2))                                    # [N][F][L]
        y = y.masked_fill(~inside[:, None, :], -math.inf)
        return torch.tanh(y.max(2).values)

    def forward(self, words, chars, lens):
        """words [T][B], chars [T*B][L], lens [T*B] -> logits [T][B][K]."""
        x = self.emb(words)                                                 # [T][B][emb]
        if self.cemb is not None:
            T, B = words.shape
            x = torch.cat([x, self.spelling(chars, lens).view(T, B, -1)], 2)
        y, _ = self.rnn(self.drop(x))                                       # [T][B][D*H]
        return self.out(self.drop(y))


def evaluate(model, data, known, size=256):
    """Tags of data's sentences with the model: (right, total) over all tokens, the known and
    the unknown ones (known [sentence][token]), and the tagging's wall seconds."""
    model.eval()
    r = [[0, 0], [0, 0], [0, 0]]
    t0 = time.perf_counter()
    out = []
    with torch.no_grad():
        for idx in batches(data, size, random.Random(0)):
            words, chars, lens, tags = as_tensors(data, idx)
            out.append((idx, model(words, chars, lens).argmax(2), tags))
    secs = time.perf_counter() - t0
    for idx, pred, tags in out:
        ok = (pred == tags).t().tolist()                                    # [B][T]
        for b, i in enumerate(idx):
            for t, right in enumerate(ok[b]):
                for k in (0, 1 if known[i][t] else 2):
                    r[k][0] += right
                    r[k][1] += 1
    model.train()
    return r, secs


def load_pretrained(path, wid):
    """The vectors of a word2vec text file for the words of wid: ({row: vector}, dim)."""
    rows = {}
    with open(path, encoding='utf-8', errors='replace') as f:
        head = f.readline().split()
        if len(head) != 2:
            sys.exit('tag_torch.py: %s: not a word2vec text file (no `count dim` header)' % path)
        dim = int(head[1])
        for line in f:
            p = line.rstrip().split(' ')
            if len(p) != dim + 1:
                continue
            i = wid.get(p[0], 0)
            if i and i not in rows:
                rows[i] = [float(v) for v in p[1:]]
    return rows, dim


def main():
    ap = argparse.ArgumentParser(description='the recurrent tagger of nlp-tag in PyTorch')
    ap.add_argument('train')
    ap.add_argument('--valid', required=True)
    ap.add_argument('--column', choices=('upos', 'xpos'), default='upos')
    ap.add_argument('--cell', choices=('lstm', 'gru', 'rnn'), default='lstm')
    ap.add_argument('--layers', type=int, default=1)
    ap.add_argument('--hidden', type=int, default=128)
    ap.add_argument('--emb', type=int, default=100)
    ap.add_argument('--unidirectional', action='store_true')
    ap.add_argument('--char-emb', type=int, default=32)
    ap.add_argument('--char-filters', type=int, default=64)
    ap.add_argument('--char-width', type=int, default=3)
    ap.add_argument('--dropout', type=float, default=0.33)
    ap.add_argument('--word-dropout', type=float, default=0.25)
    ap.add_argument('--epochs', type=int, default=10)
    ap.add_argument('--patience', type=int, default=3)
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--lr', type=float, default=0.001)
    ap.add_argument('--clip', type=float, default=5.0)
    ap.add_argument('--init', type=float, default=0.1)
    ap.add_argument('--min-count', type=int, default=1)
    ap.add_argument('--pretrained')
    ap.add_argument('--freeze', action='store_true')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('-T', '--threads', type=int, default=1)
    ap.add_argument('--tag-batch', type=int, default=256)
    ap.add_argument('--progress', action='store_true')
    a = ap.parse_args()
    if a.char_width < 1 or a.char_width % 2 == 0:
        ap.error('--char-width must be odd')
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = random.Random(a.seed)

    raw, rawv = read(a.train, a.column), read(a.valid, a.column)
    counts = Counter(w.lower() for s in raw for w, _ in s)
    words = ['<unk>'] + [w for w in ranked(counts, a.min_count) if w != '<unk>']
    chars = ['<unk>'] + ranked(Counter(c for s in raw for w, _ in s for c in w[:WORD_CHARS]))
    tags = ranked(Counter(t for s in raw for _, t in s))
    wid = {w: i for i, w in enumerate(words)}
    vectors = None
    if a.pretrained:
        vectors, a.emb = load_pretrained(a.pretrained, wid)
    enc = lambda ss: encode(ss, wid, {c: i for i, c in enumerate(chars)},
                            {t: i for i, t in enumerate(tags)})
    train, valid = enc(raw), enc(rawv)
    known = [[w.lower() in counts for w, _ in s] for s in rawv]
    ntok = sum(len(s[0]) for s in train)

    model = Tagger(a, len(words), len(chars), len(tags))
    if vectors:
        with torch.no_grad():
            for i, v in vectors.items():
                model.emb.weight[i] = torch.tensor(v)
    nparams = sum(p.numel() for p in model.parameters())
    print('tag_torch.py: %d sentences, %d tokens, %d words, %d characters, %d tags, %d parameters%s'
          % (len(train), ntok, len(words), len(chars), len(tags), nparams,
             ', %d pretrained rows' % len(vectors) if vectors else ''), file=sys.stderr)
    if a.freeze:
        model.emb.weight.requires_grad_(False)
    dense = [p for n, p in model.named_parameters() if not n.startswith('emb.')]
    opts = [torch.optim.Adam(dense, lr=a.lr)]
    if not a.freeze:
        opts.append(torch.optim.SparseAdam([model.emb.weight], lr=a.lr))
    params = [p for p in model.parameters() if p.requires_grad]
    lossf = nn.CrossEntropyLoss()
    # nlp-tag's --word-dropout: a word seen c times takes <unk>'s row with probability A / (A + c)
    wcount = torch.tensor([0.0] + [float(counts[w]) for w in words[1:]])

    best, best_state, best_epoch, since, train_seconds = None, None, 0, 0, 0.0
    for epoch in range(1, a.epochs + 1):
        t0 = time.perf_counter()
        total, right, done = 0.0, 0, 0
        for k, idx in enumerate(batches(train, a.batch, rng), 1):
            words_t, chars_t, lens_t, tags_t = as_tensors(train, idx)
            if a.word_dropout > 0:
                p = a.word_dropout / (a.word_dropout + wcount[words_t])
                words_t = words_t.masked_fill((torch.rand(words_t.shape) < p) & (words_t != 0), 0)
            for o in opts:
                o.zero_grad()
            z = model(words_t, chars_t, lens_t)
            loss = lossf(z.view(-1, z.shape[2]), tags_t.view(-1))
            loss.backward()
            if a.clip > 0:
                nn.utils.clip_grad_norm_(params, a.clip)
            for o in opts:
                o.step()
            n = tags_t.numel()
            total += loss.item() * n
            right += int((z.argmax(2) == tags_t).sum())
            done += n
            if a.progress and k % 100 == 0:
                secs = time.perf_counter() - t0
                print('tag_torch.py: epoch %d: %d of %d tokens in %.1f s, %.0f/s, loss %.4f'
                      % (epoch, done, ntok, secs, done / secs, total / done),
                      file=sys.stderr, flush=True)
        secs = time.perf_counter() - t0
        train_seconds += secs
        (vr, vn), _, _ = evaluate(model, valid, known, a.tag_batch)[0]
        vacc = vr / vn
        print('epoch\t%d\t%g\t%.6f\t%.6f\t%.6f\t%.0f\t%.2f' % (
            epoch, a.lr, total / ntok, right / ntok, vacc, ntok / secs, secs), flush=True)
        print('tag_torch.py: epoch %d: loss %.4f, train %.4f, valid %.4f, %.1f s, %.0f tokens/s'
              % (epoch, total / ntok, right / ntok, vacc, secs, ntok / secs), file=sys.stderr,
              flush=True)
        if best is None or vacc > best:
            best, best_state, best_epoch, since = vacc, copy.deepcopy(model.state_dict()), epoch, 0
        else:
            since += 1
            if a.patience and since >= a.patience:
                break
    model.load_state_dict(best_state)
    r, secs = evaluate(model, valid, known, a.tag_batch)
    for name, (right, n) in zip(('accuracy', 'known', 'unknown'), r):
        print('%s\t%.6f\t%d\t%d' % (name, right / n if n else math.nan, right, n))
    print('best_epoch\t%d' % best_epoch)
    print('train_seconds\t%.2f' % train_seconds)
    print('tag_wall_s\t%.3f' % secs)
    print('tag_tokens_per_s\t%.0f' % (r[0][1] / secs))
    print('words\t%d' % len(words))
    print('chars\t%d' % len(chars))
    print('tags\t%d' % len(tags))
    print('parameters\t%d' % nparams)


if __name__ == '__main__':
    main()
