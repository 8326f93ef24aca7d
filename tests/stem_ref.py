"""stem_ref.py: nlp-stem's outputs against its references, in one Python for many checks.

    stem_ref.py stems WORDS DIR LANG...   DIR/LANG.out (nlp-stem -L LANG < WORDS) against
                                          python3-snowballstemmer's stemWords
    stem_ref.py lemmas WORDS DIR POS...   DIR/POS.out (nlp-stem --lemma --pos POS < WORDS) against
                                          NLTK 3.8's WordNetLemmatizer on Debian's WordNet

WORDS has a token a line. Prints, for each check, "NAME: N words, D differ" and the first
differences, then "C checks"; exits 1 when any word differs. NLTK reads /usr/share/wordnet (or
$WNSEARCHDIR) through a folder of links to its files plus the empty file lexnames Debian lacks,
made in DIR."""
import os
import sys


def compare(name, words, got, want):
    bad = [(w, g, r) for w, g, r in zip(words, got, want) if g != r]
    if len(got) != len(words):
        bad.append(("<lines>", str(len(got)), str(len(words))))
    print("%s: %d words, %d differ" % (name, len(words), len(bad)))
    for w, g, r in bad[:5]:
        print("  %r: nlp-stem %r, reference %r" % (w, g, r))
    return not bad


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return f.read().split("\n")[:-1]


def stems(words, d, langs):
    import snowballstemmer
    ok = True
    for lang in langs:
        want = snowballstemmer.stemmer(lang).stemWords(words)
        ok &= compare(lang, words, read_lines(os.path.join(d, lang + ".out")), want)
    return ok


def wordnet(d):
    from nltk.corpus.reader.wordnet import WordNetCorpusReader
    src = os.environ.get("WNSEARCHDIR") or "/usr/share/wordnet"
    wn = os.path.join(d, "wordnet")
    os.makedirs(wn, exist_ok=True)
    for f in os.listdir(src):
        if not os.path.exists(os.path.join(wn, f)):
            os.symlink(os.path.join(src, f), os.path.join(wn, f))
    open(os.path.join(wn, "lexnames"), "a").close()
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return WordNetCorpusReader(wn, None)


def lemmatizer(d):
    """NLTK's WordNetLemmatizer().lemmatize, over the reader of wordnet(d): the module's global
    wn (nltk.corpus.wordnet, which needs nltk_data) is this reader."""
    import nltk.stem.wordnet
    nltk.stem.wordnet.wn = wordnet(d)
    return nltk.stem.wordnet.WordNetLemmatizer().lemmatize


def lemmas(words, d, poses):
    lemmatize = lemmatizer(d)
    ok = True
    for pos in poses:
        want = [lemmatize(w, pos) for w in words]
        ok &= compare(pos, words, read_lines(os.path.join(d, pos + ".out")), want)
    return ok


def main():
    what, words, d, names = sys.argv[1], read_lines(sys.argv[2]), sys.argv[3], sys.argv[4:]
    ok = (stems if what == "stems" else lemmas)(words, d, names)
    print("%d checks" % len(names))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
