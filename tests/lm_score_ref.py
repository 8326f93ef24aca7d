"""lm_score_ref.py MODEL.arpa TEXT OURS.jsonl [--no-bos] [--no-eos]: an independent back-off scorer for
tests/nlp-perplexity.bats. It reads the ARPA file into a dictionary of word tuples, scores every
line of TEXT by the definition of nlp-arpa(5) (the longest n-gram h' w of the model, plus the
back-off weights of the suffixes of h longer than h' that are in the model), and compares each
token and the summary with what `nlp-perplexity --verbosity word --json` wrote to OURS.jsonl.
Prints the largest differences; exits 1 on a mismatch."""
import json
import math
import sys


def read_arpa(path):
    grams, order, section = {}, 0, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            if line == "\\data\\":
                section = "data"
            elif line == "\\end\\":
                break
            elif line.startswith("\\") and line.endswith("-grams:"):
                section = int(line[1:-7])
                order = max(order, section)
            elif isinstance(section, int):
                f_ = line.split()
                words = tuple(f_[1:1 + section])
                bow = float(f_[1 + section]) if len(f_) > 1 + section else 0.0
                grams[words] = (float(f_[0]), bow)
    return grams, order


def logp(grams, order, h, w):
    h = tuple(h[len(h) - (order - 1):]) if order > 1 and len(h) > order - 1 else tuple(h)
    if order == 1:
        h = ()
    for k in range(len(h), -1, -1):
        if h[len(h) - k:] + (w,) in grams:
            p, m = grams[h[len(h) - k:] + (w,)][0], k + 1
            break
    bo = sum(grams[h[len(h) - j:]][1] for j in range(m, len(h) + 1) if h[len(h) - j:] in grams)
    return p + bo, m


def main():
    model, text, ours = sys.argv[1:4]
    bos, eos = "--no-bos" not in sys.argv, "--no-eos" not in sys.argv
    grams, order = read_arpa(model)
    vocab = {g[0] for g in grams if len(g) == 1}
    got = [json.loads(l) for l in open(ours, encoding="utf-8")]
    sentences, summary = got[:-1], got[-1]
    st = dict(sentences=0, words=0, oovs=0, zeroprobs=0, tokens=0)
    lp_sum = lp_all = lp_oov = 0.0
    zero_words = 0
    worst = 0.0
    bad = 0
    with open(text, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) != len(sentences):
        print(f"{len(lines)} lines, {len(sentences)} sentences reported")
        return 1
    for line, sent in zip(lines, sentences):
        toks = line.split()
        if toks and toks[0] == "<s>":
            toks = toks[1:]
        if toks and toks[-1] == "</s>":
            toks = toks[:-1]
        ctx = ["<s>"] if bos else []
        want = []
        for t in toks:
            w = t if t in vocab else "<unk>"
            lp, m = logp(grams, order, ctx, w)
            want.append((t, lp, m, t not in vocab))
            ctx.append(w)
        if eos:
            lp, m = logp(grams, order, ctx, "</s>")
            want.append(("</s>", lp, m, False))
        have = sent["scores"]
        if len(have) != len(want):
            print(f"sentence {sent['sentence']}: {len(have)} tokens, want {len(want)}")
            return 1
        for h, (t, lp, m, oov) in zip(have, want):
            hl = -math.inf if h["logprob"] is None else h["logprob"]
            d = 0.0 if hl == lp else abs(hl - lp)
            worst = max(worst, d)
            if h["word"] != t or h["order"] != m or h["oov"] != oov or not d <= 1e-4:
                print(f"sentence {sent['sentence']}: {h} where the reference has {t} {lp} {m} {oov}")
                bad += 1
            st["tokens"] += 1
            lp_all += lp
            if oov:
                lp_oov += lp
            if math.isinf(lp):
                st["zeroprobs"] += 1
                zero_words += t != "</s>" or not eos
            else:
                lp_sum += lp
        st["sentences"] += 1
        st["words"] += len(toks)
        st["oovs"] += sum(1 for w in want if w[3])
    for k, v in st.items():
        if summary[k] != v:
            print(f"summary {k}: {summary[k]}, reference {v}")
            bad += 1

    def ppl(lp, n):
        return 10 ** (-lp / n) if n and math.isfinite(lp) else None

    ref = dict(logprob=lp_sum, ppl=ppl(lp_sum, st["tokens"] - st["zeroprobs"]),
               ppl1=ppl(lp_sum, st["words"] - zero_words),
               ppl_including_oovs=ppl(lp_all, st["tokens"]),
               ppl_excluding_oovs=ppl(lp_all - lp_oov, st["tokens"] - st["oovs"]))
    rel = 0.0
    for k, v in ref.items():
        h = summary[k]
        if (h is None) != (v is None) or (v is not None and abs(h - v) > 1e-5 * max(1, abs(v))):
            print(f"summary {k}: {h}, reference {v}")
            bad += 1
        elif v is not None:
            rel = max(rel, abs(h - v) / max(1, abs(v)))
    print(f"{st['tokens']} tokens: largest difference of a token's log10 p {worst:.3g}, "
          f"largest relative difference of the summary {rel:.3g}")
    return 1 if bad else 0


sys.exit(main())
