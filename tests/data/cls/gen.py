"""Synthetic 3-class text for the classifier tests: gen.py NAME LINES SEED. Each line is
label<TAB>text: 3 to 9 filler words and one keyword of its class (sport, food, tech) at a random
place, so a model that finds the keyword is always right."""
import random
import sys

KEYS = {'sport': ['goal', 'match', 'team'], 'food': ['soup', 'bread', 'spice'],
        'tech': ['chip', 'code', 'robot']}
FILL = ('the a of and to in is was it that on for with as at by this from or an be are have '
        'one all they we you he she new day time year very more some').split()

def main():
    n, seed = int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    labels = sorted(KEYS)
    for i in range(n):
        label = labels[i % 3]
        words = [rng.choice(FILL) for _ in range(rng.randint(3, 9))]
        words.insert(rng.randint(0, len(words)), rng.choice(KEYS[label]))
        print(label + '\t' + ' '.join(words))

main()
