"""The fixtures' helpers (gen.sh): pick FIRST N (lines of stdin from line FIRST on, 40 to 300
bytes, no whitespace or control but the space), nfd (stdin in NFD), marks (the marks.txt
lines)."""
import random
import sys
import unicodedata


def plain(line):
    return all(ch == ' ' or unicodedata.category(ch) not in ('Zs', 'Zl', 'Zp', 'Cc')
               for ch in line)


def pick(first, n):
    out = []
    for i, line in enumerate(sys.stdin.buffer, 1):
        if i < first:
            continue
        try:
            s = line.decode('utf-8').rstrip('\n')
        except UnicodeDecodeError:
            continue
        if 40 <= len(s.encode('utf-8')) <= 300 and plain(s):
            out.append(s)
            if len(out) == n:
                break
    sys.stdout.write(''.join(s + '\n' for s in out))


WORDS = [
    'cafe\u0301', 'cafe\u0301s', 're\u0301sume\u0301', 'nai\u0308ve', 'man\u0303ana', 'Zoe\u0308',
    'a\u030angstro\u0308m', 'e\u0301e\u0301e\u0301', 'x\u0301\u0302\u0303y', '\u0301abc',
    'the', 'cafe', 'resume', 'naive',
    '\u0928\u092e\u0938\u094d\u0924\u0947', '\u0915\u094d\u0937\u0924\u094d\u0930\u093f\u092f',
    '\u0e01\u0e33\u0e25\u0e31\u0e07', '\u0e19\u0e49\u0e33',
    '\U0001f44d\U0001f3fd\U0001f44d\U0001f3fd', '\U0001f469\u200d\U0001f469\u200d\U0001f467',
    '\U0001f1f0\U0001f1f7\U0001f1ef\U0001f1f5\U0001f1f0\U0001f1f7', '\U0001f1f0\U0001f1f7\U0001f1ef',
    '\u2764\ufe0f', '\u270c\ufe0f\u270c\ufe0f', 'a\u200db',
    '\u1112\u1161\u11ab\u1100\u1173\u11af', '\u1112\u1161\u11ab\uad6d',
    '\uac00\u11a8\uac00\u11a8', '\u1100\u1100\u1161\u11a8', '\u1100\u1161\u11a8\u11a8',
    '\ud55c\uae00', '\ud55c\uad6d',
]


def marks():
    r = random.Random(17)
    weights = [1.0 / (i % 12 + 1) for i in range(len(WORDS))]
    for _ in range(120):
        sys.stdout.write(' '.join(r.choices(WORDS, weights, k=8)) + '\n')


if __name__ == '__main__':
    if sys.argv[1] == 'pick':
        pick(int(sys.argv[2]), int(sys.argv[3]))
    elif sys.argv[1] == 'nfd':
        sys.stdout.write(unicodedata.normalize('NFD', sys.stdin.read()))
    else:
        marks()
