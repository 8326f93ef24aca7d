# planted.awk: a corpus with a planted similarity structure, for tests/nlp-glove.bats:
#   awk -v n=LINES [-v groups=G -v size=S -v len=L -v p=P] -f planted.awk
# G groups (4; at most 26) named by the letters a, b, ... of S words each (5): a0 .. a4, b0 ...;
# line s belongs to group s % G, and each of its L tokens (6) is a word of its group with
# probability P percent (85), else any of the G x S words. A fixed linear congruential generator,
# so that the file is the same everywhere.
function next_int(m) { x = (x * 1103515245 + 12345) % 2147483648; return int(x / 65536) % m }
BEGIN {
	if (!groups) groups = 4
	if (!size) size = 5
	if (!len) len = 6
	if (p == "") p = 85
	x = 2024
	for (s = 0; s < n; s++) {
		g = s % groups
		line = ""
		for (i = 0; i < len; i++) {
			r = next_int(100)
			w = next_int(groups * size)
			if (r < p)
				w = g * size + w % size
			line = line (i ? " " : "") substr("abcdefghijklmnopqrstuvwxyz", int(w / size) + 1, 1) w % size
		}
		print line
	}
}
