#!/bin/sh
# make demo: the text, counting, vector, language-model, classifier, tagger and seq2seq stages of
# nlp on the bundled samples (share/nlp/examples/: sample.txt, reviews.tsv, tagged.tsv,
# spaced-ko.txt, dates.tsv), step by step. Everything it makes goes to a temporary directory
# removed at the end, except the picture of the seq2seq model's attention, which stays for the
# user to open: NLP_DEMO_DIR/attention.svg (default build/demo, beside the build).
set -eu
# a relative NLP_DEMO_DIR is from where the demo was started
case ${NLP_DEMO_DIR:-} in
"" | /*) ;;
*) NLP_DEMO_DIR=$PWD/$NLP_DEMO_DIR ;;
esac
cd "$(dirname "$0")/.."
PATH="$PWD/bin:$PATH"
sample=share/nlp/examples/sample.txt

show() {
	printf '\n$ %s\n' "$1"
	sh -c "$1"
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nlp-demo.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

echo "nlp demo on $sample ($(wc -l < $sample) paragraphs, $(wc -c < $sample) bytes)"
show "head -n 1 $sample | nlp-normalize --lower --squeeze | nlp-tokenize"
show "head -n 1 $sample | nlp-tokenize --ptb"
show "sed -n 6p $sample | nlp-tokenize --sentences"
show "sed -n 7p $sample | nlp-tokenize | nlp-stopword --lang ko --split-particles"
show "echo 'Visit https://example.com on 2024-03-05, call 010-1234-5678, pay 1,000 won.' | nlp-normalize --replace-all"
echo
echo "The main job: normalize, tokenize and drop stopwords (English and Korean), then the"
echo "twenty most frequent tokens of the sample:"
show "nlp-normalize --lower $sample | nlp-tokenize | nlp-stopword --lang en,ko --split-particles | tr ' ' '\n' | grep -v '^[[:punct:]]*\$' | sort | uniq -c | sort -k1,1nr -k2 | head -n 20"
echo
echo "Subwords: byte-pair-encoding merges learnt from the sample's tokens (English and Korean),"
echo "then an English and a Korean sentence split by them, in subword-nmt's style (@@: the word"
echo "goes on) and in SentencePiece's (▁: a word starts), and joined back:"
show "nlp-normalize --lower $sample | nlp-tokenize | nlp-bpe learn --merges 200 2> /dev/null > $tmp/sample.bpe; sed -n '1,6p' $tmp/sample.bpe"
show "printf 'the rabbit was remarkably tired\\n별을 노래하는 마음으로\\n' > $tmp/two.txt; nlp-bpe apply --codes $tmp/sample.bpe $tmp/two.txt"
show "nlp-bpe apply --codes $tmp/sample.bpe --style sentencepiece $tmp/two.txt | tee $tmp/two.spm; nlp-bpe decode --style sentencepiece $tmp/two.spm | cmp - $tmp/two.txt && echo 'decoded: the same bytes'"
echo
echo "Stems and lemmas (the lecture notes' examples): Snowball's English stemmer, Porter's, then"
echo "WordNet's lemmas of verbs and of nouns, as NLTK's WordNetLemmatizer gives them:"
show "echo 'jumps jumping jumped generously' | nlp-stem; echo 'jumps jumping jumped generously' | nlp-stem -L porter"
show "echo 'is am are were jumping' | nlp-stem --lemma --pos v; echo 'geese mice dogs churches' | nlp-stem --lemma"
echo
echo "Counting: the n-grams of the lecture notes' example, then the top bigrams of the sample"
echo "(with sentence markers), its vocabulary, and a co-occurrence matrix of its frequent words:"
show "echo '안녕하세요 만나서 진심으로 반가워요' | nlp-ngram -n 2"
show "nlp-normalize --lower $sample | nlp-tokenize > $tmp/tokens.txt; nlp-ngram -n 2 --markers --counts --top 15 $tmp/tokens.txt"
show "nlp-vocab --min-count 5 --specials '<unk>' $tmp/tokens.txt > $tmp/vocab.tsv; head -n 8 $tmp/vocab.tsv; wc -l < $tmp/vocab.tsv"
show "nlp-cooccur --vocab $tmp/vocab.tsv --window 2 $tmp/tokens.txt | nlp-mat info"
show "nlp-vocab --encode $tmp/vocab.tsv $tmp/tokens.txt | head -n 1 | cut -c 1-72"
echo
echo "Count-based word vectors: PPMI of the co-occurrence counts, a 10-dimensional SVD, and the"
echo "nearest neighbours of a few words (a corpus this small gives rough neighbours):"
show "nlp-vocab --min-count 3 $tmp/tokens.txt > $tmp/vocab3.tsv; nlp-cooccur --vocab $tmp/vocab3.tsv --window 5 $tmp/tokens.txt | nlp-ppmi --alpha 0.75 | nlp-svd --dim 10 --vocab $tmp/vocab3.tsv > $tmp/svd.vec; head -n 2 $tmp/svd.vec | cut -c 1-72"
show "nlp-similar -q -k 4 $tmp/svd.vec alice rabbit she"
echo
echo "Predictive word vectors: skip-gram with negative sampling (word2vec) on the same tokens,"
echo "many epochs over so small a corpus, one thread and a seed so that every run agrees:"
show "nlp-w2v --min-count 3 -d 20 -w 3 --epochs 500 --sample 0 --alpha 0.05 -T 1 --seed 1 $tmp/tokens.txt > $tmp/w2v.vec; head -n 2 $tmp/w2v.vec | cut -c 1-72"
show "nlp-similar -q -k 3 $tmp/w2v.vec alice rabbit"
echo
echo "GloVe vectors: the same kind of counts (window 5, 1/d weights) fitted by weighted least"
echo "squares with AdaGrad, x_max 10 for so few counts, one thread and a seed; the cost of the"
echo "first and the last iteration, then the neighbours:"
show "nlp-cooccur --vocab $tmp/vocab3.tsv --window 5 $tmp/tokens.txt | nlp-glove --vocab $tmp/vocab3.tsv -d 10 --x-max 10 --iters 100 -T 1 --seed 1 --log $tmp/glove.log > $tmp/glove.vec; sed -n '2p;\$p' $tmp/glove.log | cut -f 1,2; head -n 1 $tmp/glove.vec"
show "nlp-similar -q -k 3 $tmp/glove.vec alice rabbit"
echo
echo "Document vectors: the three strongest TF-IDF terms of each paragraph (scikit-learn's tokens,"
echo "English stopwords dropped):"
show "head -n 5 $sample | nlp-tokenize --sklearn | nlp-stopword --lang en | nlp-tfidf --top 3"
echo
echo "Language models: the sample's sentences, one a line; a trigram model of four in five of them"
echo "with modified Kneser-Ney (the sample is too small for its discounts: --discount-fallback"
echo "takes fixed ones, with a warning), the perplexity of the fifth, held out, and sentences drawn"
echo "from the model:"
show "nlp-normalize --lower $sample | nlp-tokenize --sentences | nlp-tokenize > $tmp/sents.txt; awk 'NR % 5' $tmp/sents.txt > $tmp/train.txt; awk '!(NR % 5)' $tmp/sents.txt > $tmp/heldout.txt; wc -l $tmp/train.txt $tmp/heldout.txt"
show "nlp-lm --order 3 --discount-fallback $tmp/train.txt > $tmp/sample.arpa; sed -n 1,4p $tmp/sample.arpa; grep -m 3 ' rabbit' $tmp/sample.arpa"
if command -v nlp-perplexity > /dev/null; then
	show "nlp-perplexity --model $tmp/sample.arpa $tmp/heldout.txt"
else
	echo
	echo "(nlp-perplexity is not built: no perplexity)"
fi
show "nlp-lm sample --count 3 --seed 1 --max-words 20 $tmp/sample.arpa"
echo
echo "A recurrent language model: a one-layer LSTM trained with Adam on the same four in five"
echo "sentences. On so few words it learns them by heart: its perplexity on them falls far below"
echo "the held-out fifth's. Then sentences it draws after a prefix:"
show "nlp-rnnlm train --layers 1 --emb 32 --hidden 64 --bptt 10 --batch 4 --optimizer adam --lr 0.01 --decay 1 --epochs 12 -T 1 --log $tmp/rnn.log --output $tmp/sample.rnn $tmp/train.txt; cut -f 1-3 $tmp/rnn.log | sed -n '1,3p;\$p'"
show "nlp-perplexity --model $tmp/sample.rnn $tmp/train.txt $tmp/heldout.txt | grep -A 1 '^file'"
show "nlp-rnnlm generate --model $tmp/sample.rnn --prefix 'alice was' --count 3 --length 12 --seed 1"
echo
echo "Text classification: 2,000 Korean movie reviews (share/nlp/examples/reviews.tsv, 1 positive,"
echo "0 negative), tokenized, the last 400 held out. fastText's linear model (word bigrams and"
echo "character n-grams; on so few texts it wants a rate of 1, as fastText does), then a"
echo "bidirectional LSTM pooled by attention, each scored on the 400:"
reviews=share/nlp/examples/reviews.tsv
show "cut -f 1 $reviews > $tmp/labels; cut -f 2 $reviews | nlp-tokenize > $tmp/rtok; paste $tmp/labels $tmp/rtok > $tmp/reviews.tsv; head -n 1600 $tmp/reviews.tsv > $tmp/rtrain.tsv; tail -n 400 $tmp/reviews.tsv > $tmp/rtest.tsv; head -n 2 $tmp/rtest.tsv"
show "nlp-classify train --linear --word-ngrams 2 --subword 1-3 --epochs 10 --lr 1 -T 1 --output $tmp/linear.cls $tmp/rtrain.tsv; nlp-classify eval --model $tmp/linear.cls $tmp/rtest.tsv | head -n 2"
show "nlp-classify train --bidirectional --subword 1-3 --buckets 20000 --emb 32 --hidden 32 --epochs 4 -T 1 --output $tmp/bilstm.cls $tmp/rtrain.tsv; nlp-classify eval --model $tmp/bilstm.cls $tmp/rtest.tsv"
echo
echo "The words the attention weighed most in deciding three of the held-out reviews (class,"
echo "probability, then each token/weight):"
show "head -n 3 $tmp/rtest.tsv | nlp-classify predict --model $tmp/bilstm.cls --show-attention"
echo
echo "Sequence tagging, many-to-many: a tag for every token. A small bidirectional LSTM over word"
echo "rows and a character encoder of each word learns the universal parts of speech of 36 English"
echo "sentences tagged by hand (share/nlp/examples/tagged.tsv), is scored on the other 6, on the"
echo "words it saw and on those it did not, and tags two new sentences:"
tagged=share/nlp/examples/tagged.tsv
show "awk -v RS= -v ORS='\\n\\n' 'NR <= 36' $tagged > $tmp/tag-train.tsv; awk -v RS= -v ORS='\\n\\n' 'NR > 36' $tagged > $tmp/tag-test.tsv; nlp-tag train --emb 16 --hidden 16 --char-emb 8 --char-filters 16 --epochs 20 --lr 0.05 --output $tmp/en.tag $tmp/tag-train.tsv; nlp-tag eval --model $tmp/en.tag $tmp/tag-test.tsv | grep -E '^(accuracy|known|unknown)'"
show "printf 'The little rabbit ran to the garden .\\nShe opened a strange box .\\n' | nlp-tag --model $tmp/en.tag"
echo
echo "Korean spacing as tagging: each character is tagged S (a space follows it) or - (none). A"
echo "small model learns the spaces of 40 spaced lines (share/nlp/examples/spaced-ko.txt), then"
echo "restores those of a sentence written without them, and shows its characters' tags:"
show "nlp-tag train --spacing --emb 16 --hidden 16 --epochs 30 --lr 0.02 --output $tmp/ko.tag share/nlp/examples/spaced-ko.txt; echo '동생은학교에서친구를만났다.' | nlp-tag --model $tmp/ko.tag"
show "echo '동생은학교에서친구를만났다.' | nlp-tag --model $tmp/ko.tag --tags-only"
echo
echo "Sequence to sequence, many to many of another length: an LSTM encoder and decoder with dot"
echo "attention learns to write dates in ISO 8601 from 2,500 pairs of the course's data"
echo "(share/nlp/examples/dates.tsv), validated on the other 500 (the log: epoch, loss, exact"
echo "match), then writes dates it never saw:"
dates=share/nlp/examples/dates.tsv
show "head -n 2500 $dates > $tmp/dates-train.tsv; tail -n 500 $dates > $tmp/dates-test.tsv; head -n 2 $dates"
show "nlp-seq2seq train --hidden 32 --emb 16 --lr 0.01 --batch 16 --epochs 10 -T 2 --seed 1 --valid $tmp/dates-test.tsv --log $tmp/dates.log --output $tmp/dates.s2s $tmp/dates-train.tsv; cut -f 1,3,4 $tmp/dates.log | sed -n '1,3p;\$p'; nlp-seq2seq eval --model $tmp/dates.s2s $tmp/dates-test.tsv"
show "printf 'september 27, 1994\\nTUESDAY, SEPTEMBER 25, 1984\\n2/10/93\\njun 17, 2013\\n' | nlp-seq2seq --model $tmp/dates.s2s"
echo
echo "The attention: for each unit written (</s> last), its weights over the units read. The"
echo "month's digits look at the 9 of 9/27/94, the day's at the 2 and the 7:"
show "echo '9/27/94' | nlp-seq2seq --model $tmp/dates.s2s --weights"
echo
echo "A longer date's weights shaded in the terminal (' .:+#@' from 0 to 1; the month is read"
echo "at the p of september, which tells it from the other months in s), then drawn as an SVG"
echo "heat map, as the lecture notes draw it:"
show "echo 'september 27, 1994' | nlp-seq2seq --model $tmp/dates.s2s --weights | awk -F '\\t' 'NR == 2 { h = \"      \"; for (i = 3; i <= NF; i++) h = h (\$i ~ /^<U/ ? \"_\" : \$i); print h } NR > 2 { r = sprintf(\"%5s \", \$2); for (i = 3; i <= NF; i++) r = r substr(\" .:+#@\", int(\$i * 5.999) + 1, 1); print r }'"
maps=${NLP_DEMO_DIR:-build/demo}
mkdir -p "$maps"
show "echo 'september 27, 1994' | nlp-seq2seq --model $tmp/dates.s2s --attention-map $maps/attention.svg; grep -c '^<rect.*<title>' $maps/attention.svg"
echo
echo "The picture is $maps/attention.svg (18 columns by 11 rows): open it in a web browser."
