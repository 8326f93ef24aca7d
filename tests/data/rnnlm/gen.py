"""Writes train.txt and valid.txt, the fixtures of tests/nlp-rnnlm.bats (python3 gen.py): short
sentences of a small, learnable grammar (a subject, a verb that agrees with it, an object, an
optional place, a full stop) over 34 words, 300 sentences to train on and 40 held out; the
training text also has 4 lines with a word of its own, seen once (the --min-count test's)."""
import random


def sentence(r):
    animal = r.random() < 0.5
    subj = r.choice(['cat', 'dog', 'bird', 'fox'] if animal else ['man', 'woman', 'child'])
    s = [r.choice(['the', 'a']), subj]
    if r.random() < 0.3:
        s.insert(1, r.choice(['big', 'small', 'old']))
    s.append(r.choice(['eats', 'sees', 'chases'] if animal else ['reads', 'sees', 'likes']))
    s += [r.choice(['the', 'a']), r.choice(['fish', 'seed', 'mouse'] if animal else ['book', 'song', 'tree'])]
    if r.random() < 0.4:
        s += [r.choice(['in', 'near', 'at']), 'the', r.choice(['park', 'house', 'garden'])]
    return s + ['.']


r = random.Random(14)
train = [sentence(r) for _ in range(300)]
for i, w in enumerate(['zebra', 'yak', 'walrus', 'vole']):
    train[40 + 60 * i][1] = w
with open('train.txt', 'w') as f:
    f.writelines(' '.join(s) + '\n' for s in train)
with open('valid.txt', 'w') as f:
    f.writelines(' '.join(sentence(r)) + '\n' for _ in range(40))
