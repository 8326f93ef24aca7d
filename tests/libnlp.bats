#!/usr/bin/env bats
# libnlp: unit tests of the library (string table, RNG, numbers, reader, UTF-8 repair, the matrix
# format with its round trips and every rejection, and the normalizer's fast path against
# utf8proc for every BMP character; the ARPA reader's numbers against strtof, an n-gram model
# built entry by entry; the perplexity scorer over a model that is not an n-gram model; the SVG
# heat map of attention weights, parsed as XML).

load helper

@test "libnlp: unit tests pass" {
	run test-lib
	echo "$output"
	assert_success
	refute_output --partial FAIL
	assert_output --partial 'ok norm fast path equals utf8proc for every BMP character'
	assert_output --partial 'ok matrix rejects unsorted triples'
	assert_output --partial 'ok matrix dense f64 round trip, bit exact'
	assert_output --partial 'ok lm_parse_float within 1 ulp of strtof'
	assert_output --partial 'ok lm builder: the binary form reads back to the same queries'
	assert_output --partial 'ok lm score: a model without n-grams, its files, markers, OOVs, zeroprobs, a failure'
	assert_output --partial 'ok stem cache: every stem equals libstemmer'"'"'s, across two clearings'
}

# attmap_check INPUT SVG: the map test-lib attmap drew from INPUT (its two lines of labels, with
# test-lib's escapes, then the rows of weights) parsed as XML, and checked: the size and the
# viewBox, every label in order as attmap.h shows it (escaped, a blank and the controls visible),
# the T x S cells in a grid, row by row, each a grey of 255 - round(255 w) (w clamped to [0, 1],
# NaN as 0) with its tooltip, all inside the picture.
attmap_check() {
	$PY - "$1" "$2" <<'EOF'
import math, re, struct, sys
import xml.etree.ElementTree as ET
N = '{http://www.w3.org/2000/svg}'
lines = open(sys.argv[1], 'rb').read().split(b'\n')

def unescape(label):
    out, i = bytearray(), 0
    while i < len(label):
        c = label[i:i + 1]
        if c == b'\\' and i + 1 < len(label):
            n = label[i + 1:i + 2]
            if n == b't': out += b'\t'; i += 2; continue
            if n == b'n': out += b'\n'; i += 2; continue
            if n == b'x': out.append(int(label[i + 2:i + 4], 16)); i += 4; continue
            out += n; i += 2; continue
        out += c; i += 1
    return bytes(out)

INVISIBLE = [(0x80, 0xa0), (0xad, 0xad), (0x1680, 0x1680), (0x180e, 0x180e), (0x2000, 0x200f),
             (0x2028, 0x202f), (0x205f, 0x206f), (0x3000, 0x3000), (0xfeff, 0xfeff)]
def shown(b):
    """A label as attmap.h says it is shown."""
    out = ''
    for ch in b.decode('utf-8', 'replace'):
        c = ord(ch)
        if c == 0x20: out += '\u2423'
        elif c < 0x20: out += chr(0x2400 + c)
        elif c == 0x7f: out += '\u2421'
        elif any(a <= c <= z for a, z in INVISIBLE): out += '<U+%04X>' % c
        elif c in (0xfffe, 0xffff): out += '\ufffd'
        else: out += ch
    return out

def labels(line):
    return [shown(unescape(x)) for x in line.split(b'\t')] if line else []
src, tgt = labels(lines[0]), labels(lines[1])
S, T = len(src), len(tgt)
f32 = lambda x: struct.unpack('<f', struct.pack('<f', x))[0]
w = [[f32(float(x)) for x in lines[2 + t].split()] for t in range(T)]

root = ET.parse(sys.argv[2]).getroot()
assert root.tag == N + 'svg', root.tag
W, H = int(root.get('width')), int(root.get('height'))
assert root.get('viewBox') == f'0 0 {W} {H}', root.get('viewBox')
g = {e.get('id'): e for e in root.iter(N + 'g')}
got_src = [e.text or '' for e in g['input'].findall(N + 'text')]
got_tgt = [e.text or '' for e in g['output'].findall(N + 'text')]
assert got_src == src, (got_src, src)
assert got_tgt == tgt, (got_tgt, tgt)
cells = g['cells'].findall(N + 'rect')
assert len(cells) == S * T, f'{len(cells)} cells, not {S} x {T}'
if cells:
    x0, y0 = int(cells[0].get('x')), int(cells[0].get('y'))
    size = int(cells[0].get('width'))
    assert size >= 10
for k, cell in enumerate(cells):
    t, s = divmod(k, S)
    x, y = int(cell.get('x')), int(cell.get('y'))
    assert (x, y) == (x0 + s * size, y0 + t * size), (k, x, y)
    assert int(cell.get('width')) == size and int(cell.get('height')) == size
    assert x + size <= W and y + size <= H, (x, y, W, H)
    v = w[t][s]
    want = 255 - int(255.0 * (0.0 if not v > 0 else min(v, 1.0)) + 0.5)
    fill = cell.get('fill')
    assert re.fullmatch('#[0-9a-f]{6}', fill), fill
    rgb = [int(fill[i:i + 2], 16) for i in (1, 3, 5)]
    assert rgb == [want] * 3, f'cell {t},{s}: weight {v}, fill {fill}, want grey {want}'
    title = cell.find(N + 'title').text
    wt = 'nan' if math.isnan(v) else '%.6f' % v
    assert re.sub('-nan', 'nan', title) == f'{src[s]} \u2192 {tgt[t]}: {wt}', title
# the labels inside the picture: upright ones by their x, turned ones by their translation
for e in g['input'].findall(N + 'text') + g['output'].findall(N + 'text'):
    m = re.fullmatch(r'translate\((\d+),(\d+)\) rotate\(-90\)', e.get('transform', ''))
    x, y = (int(m[1]), int(m[2])) if m else (int(e.get('x')), int(e.get('y')))
    assert 0 < x < W and 0 < y < H, (e.text, x, y, W, H)
print(f'{S} x {T}: {len(cells)} cells, {W} x {H} pixels')
EOF
}

@test "libnlp: attmap_svg draws every weight as a grey cell, the labels escaped and visible" {
	local t=$BATS_TEST_TMPDIR
	# the labels: XML's five specials, a space, a tab, a control, a byte that is not UTF-8, a
	# surrogate's bytes, a sequence cut short, a no-break space, Hangul, a long word (the input
	# labels turn)
	printf '%s\n' $'a\t&\t<\t>\t"\t\x27\t \t\\t\t\\x01\t\\xff\t\\xed\\xa0\\x80\t\\xe2\\x82x\t\\xc2\\xa0\t한\tincomprehensibilities' \
		$'1\t</s>\t&amp;' > "$t/in"
	$PY -c '
import random
r = random.Random(19)
rows = [[r.random() for _ in range(15)] for _ in range(3)]
rows = [[x / sum(row) for x in row] for row in rows]
rows[2][:5] = [0.0, 1.0, float("nan"), -0.5, 2.0]
for row in rows:
    print(" ".join(repr(x) for x in row))' >> "$t/in"
	test-lib attmap < "$t/in" > "$t/a.svg"
	run attmap_check "$t/in" "$t/a.svg"
	assert_success
	assert_output '15 x 3: 45 cells, 432 x 256 pixels'
	run grep -c 'rotate(-90)' "$t/a.svg"
	assert_output 15
	# the same bytes again
	test-lib attmap < "$t/in" | cmp - "$t/a.svg"
	# short input labels stand upright; no input units, or no output units, still parse
	printf '%s\n' $'2\t0\t0\t1' $'2\t0\t0\t1\t</s>' '1 0 0 0' '0.1 0.8 0.1 0' '0 0.3 0.7 0' \
		'0 0 0 1' '0.25 0.25 0.25 0.25' > "$t/id"
	test-lib attmap < "$t/id" > "$t/id.svg"
	run attmap_check "$t/id" "$t/id.svg"
	assert_success
	assert_output --regexp '^4 x 5: 20 cells, '
	run grep -c 'rotate' "$t/id.svg"
	assert_output 0
	printf '\n</s>\n\n' | test-lib attmap > "$t/e.svg"
	printf '\n</s>\n\n' > "$t/e"
	run attmap_check "$t/e" "$t/e.svg"
	assert_success
	assert_output --regexp '^0 x 1: 0 cells, '
	printf 'x\n\n' | test-lib attmap > "$t/f.svg"
	printf 'x\n\n' > "$t/f"
	run attmap_check "$t/f" "$t/f.svg"
	assert_success
	assert_output --regexp '^1 x 0: 0 cells, '
}
