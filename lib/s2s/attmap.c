/* attmap.c: the SVG heat map of a translation's attention weights (s2s/attmap.h). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "s2s/attmap.h"

/* the picture's measures, in pixels: a cell, the font's size and the advance of a narrow and of
 * a wide character in it (a monospace font's 0.6 em, and 1 em), the margin around everything,
 * the gap between the labels and the cells, and the scale's gap, width and least height */
#define CELL 22
#define FONT 13
#define NARROW 8
#define WIDE 13
#define PAD 8
#define GAP 6
#define LEG_GAP 16
#define LEG_BAR 12
#define LEG_MIN 66
/* a label's baseline this far past the middle of its row or column puts the middle of its
 * lower-case letters there */
#define MID 5

static void put(struct writer *w, const char *s)
{
	writer_write(w, s, strlen(s));
}

static void putf(struct writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct writer *w, const char *fmt, ...)
{
	char b[160];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	writer_write(w, b, n < 0 ? 0 : (size_t)n < sizeof(b) ? (size_t)n : sizeof(b) - 1);
}

/* The code point that starts at s (NUL-terminated) in *cp, or U+FFFD for a byte that starts no
 * valid sequence (an overlong form, a surrogate, past U+10FFFF) and for a sequence cut short,
 * which takes the bytes up to where it breaks (Unicode's maximal subpart, as Python's
 * decode(errors='replace')). Returns the bytes it takes, at least 1. */
static size_t next_cp(const unsigned char *s, uint32_t *cp)
{
	unsigned char b = s[0];
	size_t n;
	uint32_t c;

	if (b < 0x80) {
		*cp = b;
		return 1;
	}
	if (b >= 0xc2 && b <= 0xdf) {
		n = 2;
		c = b & 0x1f;
	} else if (b >= 0xe0 && b <= 0xef) {
		n = 3;
		c = b & 0x0f;
		if ((b == 0xe0 && s[1] < 0xa0) || (b == 0xed && s[1] >= 0xa0))
			goto bad;
	} else if (b >= 0xf0 && b <= 0xf4) {
		n = 4;
		c = b & 0x07;
		if ((b == 0xf0 && s[1] < 0x90) || (b == 0xf4 && s[1] >= 0x90))
			goto bad;
	} else {
		goto bad;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*cp = 0xfffd;
			return i;
		}
		c = c << 6 | (s[i] & 0x3f);
	}
	*cp = c;
	return n;
bad:
	*cp = 0xfffd;
	return 1;
}

/* How code point c is shown: the code point to draw instead (a space as U+2423, a control as
 * its Control Pictures symbol, what XML forbids as U+FFFD), or 0 when it is written as
 * <U+XXXX> (the other blanks and invisible code points). */
static uint32_t shown(uint32_t c)
{
	if (c == ' ')
		return 0x2423;
	if (c < 0x20)
		return 0x2400 + c;
	if (c == 0x7f)
		return 0x2421;
	if ((c >= 0x80 && c <= 0xa0) || c == 0xad || c == 0x1680 || c == 0x180e ||
	    (c >= 0x2000 && c <= 0x200f) || (c >= 0x2028 && c <= 0x202f) ||
	    (c >= 0x205f && c <= 0x206f) || c == 0x3000 || c == 0xfeff)
		return 0;
	if (c == 0xfffe || c == 0xffff)
		return 0xfffd;
	return c;
}

/* The advance of code point c: wide for the East Asian wide and full-width ranges (Hangul,
 * CJK, kana, full-width forms, emoji), narrow for the rest. */
static unsigned advance(uint32_t c)
{
	if ((c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) ||
	    (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
	    (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
	    (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) ||
	    (c >= 0x1f900 && c <= 0x1f9ff) || (c >= 0x20000 && c <= 0x3fffd))
		return WIDE;
	return NARROW;
}

/* The width in pixels that label s takes as put_label shows it. */
static uint64_t label_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	uint64_t width = 0;
	uint32_t c;

	while (*p) {
		p += next_cp(p, &c);
		c = shown(c);
		width += c ? advance(c) : 8 * NARROW;
	}
	return width;
}

static void put_cp(struct writer *w, uint32_t c)
{
	char b[4];
	size_t n;

	if (c < 0x80) {
		b[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		b[0] = (char)(0xc0 | c >> 6);
		b[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		b[0] = (char)(0xe0 | c >> 12);
		b[1] = (char)(0x80 | (c >> 6 & 0x3f));
		b[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | c >> 18);
		b[1] = (char)(0x80 | (c >> 12 & 0x3f));
		b[2] = (char)(0x80 | (c >> 6 & 0x3f));
		b[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	writer_write(w, b, n);
}

/* Label s as XML character data, every code point visible (attmap.h). */
static void put_label(struct writer *w, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c, v;

	while (*p) {
		p += next_cp(p, &c);
		v = shown(c);
		switch (v) {
		case 0:
			putf(w, "&lt;U+%04X&gt;", (unsigned)c);
			break;
		case '&':
			put(w, "&amp;");
			break;
		case '<':
			put(w, "&lt;");
			break;
		case '>':
			put(w, "&gt;");
			break;
		case '"':
			put(w, "&quot;");
			break;
		case '\'':
			put(w, "&apos;");
			break;
		default:
			put_cp(w, v);
		}
	}
}

/* The grey level of weight v: 255 for 0 (white) to 0 for 1 (black); NaN as 0. */
static unsigned grey(float v)
{
	double x = v > 0 ? (v < 1 ? (double)v : 1.0) : 0.0;

	return 255 - (unsigned)(255.0 * x + 0.5);
}

void attmap_svg(struct writer *w, const char *const *src, size_t S, const char *const *tgt,
                size_t T, const float *weights)
{
	uint64_t srcw = 0, tgtw = 0, top, left, gw = (uint64_t)S * CELL, gh = (uint64_t)T * CELL;
	uint64_t lx, lh, width, height;
	int turned;

	for (size_t s = 0; s < S; s++) {
		uint64_t x = label_width(src[s]);

		srcw = x > srcw ? x : srcw;
	}
	for (size_t t = 0; t < T; t++) {
		uint64_t x = label_width(tgt[t]);

		tgtw = x > tgtw ? x : tgtw;
	}
	/* the input labels upright when each fits in its column, else all turned to read upwards */
	turned = srcw > CELL - 2;
	top = PAD + (turned ? srcw : FONT) + GAP;
	left = PAD + tgtw + GAP;
	lx = left + gw + LEG_GAP;
	lh = gh > LEG_MIN ? gh : LEG_MIN;
	width = lx + LEG_BAR + 4 + NARROW + PAD;
	height = top + lh + PAD;

	put(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	putf(w, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%llu\" height=\"%llu\" "
	        "viewBox=\"0 0 %llu %llu\" font-family=\"monospace\" font-size=\"%d\">\n",
	     (unsigned long long)width, (unsigned long long)height, (unsigned long long)width,
	     (unsigned long long)height, FONT);
	putf(w, "<title>attention weights: %zu output units (rows) over %zu input units "
	        "(columns)</title>\n", T, S);
	put(w, "<defs><linearGradient id=\"attmap-scale\" x1=\"0\" y1=\"0\" x2=\"0\" y2=\"1\">"
	       "<stop offset=\"0\" stop-color=\"#000000\"/><stop offset=\"1\" stop-color=\"#ffffff\"/>"
	       "</linearGradient></defs>\n");
	putf(w, "<rect width=\"%llu\" height=\"%llu\" fill=\"#ffffff\"/>\n",
	     (unsigned long long)width, (unsigned long long)height);

	putf(w, "<g id=\"input\" text-anchor=\"%s\">\n", turned ? "start" : "middle");
	for (size_t s = 0; s < S; s++) {
		uint64_t x = left + (uint64_t)s * CELL + CELL / 2;

		if (turned)
			putf(w, "<text transform=\"translate(%llu,%llu) rotate(-90)\">",
			     (unsigned long long)(x + MID), (unsigned long long)(top - GAP));
		else
			putf(w, "<text x=\"%llu\" y=\"%llu\">", (unsigned long long)x,
			     (unsigned long long)(top - GAP));
		put_label(w, src[s]);
		put(w, "</text>\n");
	}
	put(w, "</g>\n<g id=\"output\" text-anchor=\"end\">\n");
	for (size_t t = 0; t < T; t++) {
		putf(w, "<text x=\"%llu\" y=\"%llu\">", (unsigned long long)(left - GAP),
		     (unsigned long long)(top + (uint64_t)t * CELL + CELL / 2 + MID));
		put_label(w, tgt[t]);
		put(w, "</text>\n");
	}

	put(w, "</g>\n<g id=\"cells\">\n");
	for (size_t t = 0; t < T; t++)
		for (size_t s = 0; s < S; s++) {
			float v = weights[t * S + s];
			unsigned g = grey(v);

			putf(w, "<rect x=\"%llu\" y=\"%llu\" width=\"%d\" height=\"%d\" "
			        "fill=\"#%02x%02x%02x\"><title>",
			     (unsigned long long)(left + (uint64_t)s * CELL),
			     (unsigned long long)(top + (uint64_t)t * CELL), CELL, CELL, g, g, g);
			put_label(w, src[s]);
			put(w, " \xe2\x86\x92 "); /* U+2192, the arrow */
			put_label(w, tgt[t]);
			putf(w, ": %.6f</title></rect>\n", (double)v);
		}
	put(w, "</g>\n");
	putf(w, "<rect x=\"%llu\" y=\"%llu\" width=\"%llu\" height=\"%llu\" fill=\"none\" "
	        "stroke=\"#808080\"/>\n",
	     (unsigned long long)left, (unsigned long long)top, (unsigned long long)gw,
	     (unsigned long long)gh);

	/* the scale: black (1) at the top to white (0) at the bottom */
	putf(w, "<g id=\"legend\">\n<rect x=\"%llu\" y=\"%llu\" width=\"%d\" height=\"%llu\" "
	        "fill=\"url(#attmap-scale)\" stroke=\"#808080\"/>\n",
	     (unsigned long long)lx, (unsigned long long)top, LEG_BAR, (unsigned long long)lh);
	putf(w, "<text x=\"%llu\" y=\"%llu\">1</text>\n<text x=\"%llu\" y=\"%llu\">0</text>\n</g>\n",
	     (unsigned long long)(lx + LEG_BAR + 4), (unsigned long long)(top + FONT - 3),
	     (unsigned long long)(lx + LEG_BAR + 4), (unsigned long long)(top + lh));
	put(w, "</svg>\n");
}
