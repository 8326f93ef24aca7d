/* fuzz-particle: the data of nlp-stopword --split-particles (text/particle.c): the first byte's
 * low bit says whether the rest is the lexicon (particle_load_lexicon) or the model
 * (particle_load_model); the other file is a small fixed one, and the particles a few fixed
 * ones. A file that loads is then used to cut its own keys (the part of each line before its
 * first tab, when valid UTF-8): a cut leaves a non-empty stem and ends at a character boundary,
 * and what it cuts is a chain of the particles. */
#include "fuzz.h"
#include "text/particle.h"
#include "text/utf8.h"

static struct fuzz_file in, other;

static const char lexicon[] = "#nlp-particles-lexicon 1\n학교\t9\n학교에\t5\n있다\t7\n수도\t4\n";
static const char model[] = "#nlp-particles-model 1\nbias\t0.5\np=에서\t1\npj=는|C\t-2\n"
                            "ps=가|교\t1.5\npd=에|-4\t0.25\n";
static const char *const particles[] = {"가", "는", "에", "에서", "도", "로", "부터", "이라고"};

static void cut_keys(struct particle *pt, const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *end = s + size;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		const char *tab = memchr(s, '\t', n);
		size_t k = tab ? (size_t)(tab - s) : n, cut, ends[PARTICLE_MAX_CHAIN];

		if (utf8_valid_prefix(s, k) == k) {
			cut = particle_cut(pt, s, k);
			assert(cut != (size_t)-1);
			if (cut > 0) {
				assert(cut < k);
				assert(((unsigned char)s[k - cut] & 0xC0) != 0x80);
				assert(particle_chain(pt, s + k - cut, cut, ends) > 0);
			}
			(void)particle_nominal(pt, s, k);
		}
		s += n + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t opt = fuzz_take(&data, &size);
	int is_model = opt & 1;
	const char *fixed = is_model ? lexicon : model;
	struct particle pt;
	struct error e;
	int fds, ok;

	fuzz_file_init(&in, "particle");
	fuzz_file_init(&other, "particle-fixed");
	fuzz_file_set(&in, data, size);
	fuzz_file_set(&other, (const uint8_t *)fixed, strlen(fixed));
	fds = fuzz_fds();
	ok = particle_init(&pt, &e) == 0;
	for (size_t i = 0; ok && i < sizeof(particles) / sizeof(*particles); i++)
		ok = particle_add(&pt, particles[i], strlen(particles[i])) == 0;
	if (ok && is_model)
		ok = particle_load_lexicon(&pt, other.path, &e) == 0 &&
		     particle_load_model(&pt, in.path, &e) == 0;
	else if (ok)
		ok = particle_load_lexicon(&pt, in.path, &e) == 0 &&
		     particle_load_model(&pt, other.path, &e) == 0;
	if (ok)
		cut_keys(&pt, data, size);
	particle_free(&pt);
	assert(fuzz_fds() == fds);
	return 0;
}
