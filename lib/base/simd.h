/* simd.h: functions built twice, for x86-64-v3 (AVX2, FMA, BMI2: Haswell, Zen and later) and for
 * any x86-64, with the loader picking one by the processor's features. ("arch=haswell" would
 * pick the fast clone on Haswell alone: GCC resolves an arch= clone by the processor's model for
 * named processors, and by its features only for the x86-64-vN levels.) */
#ifndef NLP_SIMD_H
#define NLP_SIMD_H

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#define SIMD_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#elif defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
/* before GCC 12, which resolves x86-64-v3 by features: Haswell's clone, for Intel's processors */
#define SIMD_CLONES __attribute__((target_clones("arch=haswell", "default")))
#else
#define SIMD_CLONES
#endif

#endif
