#ifndef RSTSCOPE_CSUPPORT_H
#define RSTSCOPE_CSUPPORT_H

#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* sched_getaffinity and the CPU_* macros */
#endif

#include <stdint.h>

/* What Swift cannot say: a prefetch hint, glibc's malloc tuning (a macro and a header Swift does
   not import), CPU affinity (the CPU_* macros), and the CPU's SHA-1 instructions (Swift cannot
   enable a target feature for one function). No other logic here. */
static inline void csupport_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#if defined(__GLIBC__)
#include <malloc.h>
/* One malloc arena for every thread (M_ARENA_MAX). */
static inline void csupport_single_malloc_arena(void) {
    (void)mallopt(M_ARENA_MAX, 1);
}
#else
static inline void csupport_single_malloc_arena(void) {}
#endif

#if defined(__linux__)
#include <sched.h>
/* Moves the calling thread off CPU `cpu` at once (its affinity without that CPU), then lets it run
   anywhere it could before: it stays where it landed until the scheduler has a reason to move it.
   Returns 0 when it moved, -1 when it could not (no other CPU allowed, or an error). */
static inline int csupport_leave_cpu(int cpu) {
    cpu_set_t allowed, others;
    if (cpu < 0 || cpu >= CPU_SETSIZE || sched_getaffinity(0, sizeof allowed, &allowed) != 0) return -1;
    others = allowed;
    CPU_CLR(cpu, &others);
    if (CPU_COUNT(&others) == 0 || sched_setaffinity(0, sizeof others, &others) != 0) return -1;
    (void)sched_setaffinity(0, sizeof allowed, &allowed);
    return 0;
}

/* How many CPUs the calling thread may run on (its affinity mask: taskset, a container's cpuset),
   or -1 when that cannot be read. */
static inline int csupport_allowed_cpu_count(void) {
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return -1;
    return CPU_COUNT(&allowed);
}
#else
static inline int csupport_leave_cpu(int cpu) { (void)cpu; return -1; }
static inline int csupport_allowed_cpu_count(void) { return -1; }
#endif

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

/* The SHA extensions (CPUID.7.0:EBX bit 29) with SSSE3 and SSE4.1 (CPUID.1:ECX bits 9 and 19).
   Valgrind's CPU hides them, so the instruction-count guard measures the portable path. */
static inline int csupport_sha1_available(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 9)) || !(c & (1u << 19))) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b >> 29) & 1;
}

/* One group of four rounds (FIPS 180-4 6.1.2) with SHA1RNDS4, whose round function is an
   immediate: `e` is the next E (SHA1NEXTE of the previous group's ABCD) plus W[4i..4i+3]. */
#define CSUPPORT_SHA1_GROUP(function)                                                              \
    do {                                                                                           \
        if (i >= 4) /* W[t] = rotl1(W[t-3] ^ W[t-8] ^ W[t-14] ^ W[t-16]), four words at once */  \
            w[i & 3] = _mm_sha1msg2_epu32(                                                         \
                _mm_xor_si128(_mm_sha1msg1_epu32(w[i & 3], w[(i + 1) & 3]), w[(i + 2) & 3]),      \
                w[(i + 3) & 3]);                                                                   \
        __m128i e = i == 0 ? _mm_add_epi32(e0, w[0]) : _mm_sha1nexte_epu32(previous, w[i & 3]); \
        previous = abcd;                                                                           \
        abcd = _mm_sha1rnds4_epu32(abcd, e, function);                                             \
    } while (0)

/* SHA-1's compression of one 64-byte block into `state` (h0...h4), as the portable Swift code
   computes it. Only when `csupport_sha1_available()`. */
__attribute__((target("sha,ssse3,sse4.1")))
static inline void csupport_sha1_block(uint32_t *state, const void *block) {
    /* Whole-register byte reversal: the message's first big-endian word lands in the top lane,
       where SHA1RNDS4 takes W[t] (and A). */
    const __m128i reverse = _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL);
    const uint8_t *bytes = (const uint8_t *)block;
    __m128i w[4];
    for (int k = 0; k < 4; k++) w[k] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(bytes + 16 * k)), reverse);
    const __m128i abcd0 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)state), 0x1B);
    const __m128i e0 = _mm_set_epi32((int)state[4], 0, 0, 0);
    __m128i abcd = abcd0, previous = abcd0;
    int i = 0;
    for (; i < 5; i++) CSUPPORT_SHA1_GROUP(0);   /* rounds 0-19: Ch */
    for (; i < 10; i++) CSUPPORT_SHA1_GROUP(1);  /* 20-39: Parity */
    for (; i < 15; i++) CSUPPORT_SHA1_GROUP(2);  /* 40-59: Maj */
    for (; i < 20; i++) CSUPPORT_SHA1_GROUP(3);  /* 60-79: Parity */
    /* E after the last group is rotl30 of the A before it; the initial E is added to it. */
    const __m128i e = _mm_sha1nexte_epu32(previous, e0);
    abcd = _mm_shuffle_epi32(_mm_add_epi32(abcd, abcd0), 0x1B);
    _mm_storeu_si128((__m128i *)state, abcd);
    state[4] = (uint32_t)_mm_extract_epi32(e, 3);
}
#undef CSUPPORT_SHA1_GROUP

#else
static inline int csupport_sha1_available(void) { return 0; }
static inline void csupport_sha1_block(uint32_t *state, const void *block) { (void)state; (void)block; }
#endif

#endif
