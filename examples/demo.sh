#!/bin/sh
# make demo: the text stages of nlp on the bundled sample (examples/sample.txt), step by step.
set -eu
cd "$(dirname "$0")/.."
PATH="$PWD/bin:$PATH"
sample=examples/sample.txt

show() {
	printf '\n$ %s\n' "$1"
	sh -c "$1"
}

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
