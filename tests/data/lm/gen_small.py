"""Writes small.txt, the small fixture of tests/nlp-lm.bats (python3 gen_small.py > small.txt):
300 sentences from a random Markov chain over 40 common words (each has four favourite
successors) that half of the time jumps to a word drawn from a Zipf law over those and 100
rarer ones. Every order up to 4 has n-grams seen once, twice, three and four times, so that the
modified Kneser-Ney discounts of orders 1 to 4 are defined; Good-Turing's of orders 2 and 3."""
import random

random.seed(29)
common = ('the a cat dog sat on mat ran to house big small red saw and with it was very old new '
          'man woman park in of tree bird sang song ate fish happy then slept night day at home '
          'went').split()
words = common + ['r%d' % i for i in range(100)]
zipf = [1 / (i + 1) for i in range(len(words))]
succ = {w: random.sample(common, 4) for w in words}
for i in range(300):
    w = random.choice(common[:12])
    s = [w]
    while len(s) < 14 and random.random() > 0.12:
        w = random.choice(succ[w]) if random.random() < 0.5 else random.choices(words, zipf)[0]
        s.append(w)
    print(' '.join(s))
