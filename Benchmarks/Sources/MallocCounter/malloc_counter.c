/* Counts heap allocations by interposing glibc's allocator in this executable (the Swift runtime's
 * swift_slowAlloc ends here too). For the micro-benchmark's allocations-per-packet figure only. */
#include <stddef.h>
#include <stdint.h>
#include "malloc_counter.h"

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static uint64_t allocations;

uint64_t malloc_counter_allocations(void) { return __atomic_load_n(&allocations, __ATOMIC_RELAXED); }

void *malloc(size_t size) { __atomic_fetch_add(&allocations, 1, __ATOMIC_RELAXED); return __libc_malloc(size); }
void *calloc(size_t n, size_t size) { __atomic_fetch_add(&allocations, 1, __ATOMIC_RELAXED); return __libc_calloc(n, size); }
void *realloc(void *p, size_t size) { __atomic_fetch_add(&allocations, 1, __ATOMIC_RELAXED); return __libc_realloc(p, size); }
void *memalign(size_t alignment, size_t size) { __atomic_fetch_add(&allocations, 1, __ATOMIC_RELAXED); return __libc_memalign(alignment, size); }
void *aligned_alloc(size_t alignment, size_t size) { return memalign(alignment, size); }
int posix_memalign(void **out, size_t alignment, size_t size) {
    void *p = memalign(alignment, size);
    if (!p) return 12; /* ENOMEM */
    *out = p;
    return 0;
}
