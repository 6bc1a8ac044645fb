#ifndef MALLOC_COUNTER_H
#define MALLOC_COUNTER_H
#include <stdint.h>
/* Allocations made by the whole process since it started (malloc, calloc, realloc, memalign). */
uint64_t malloc_counter_allocations(void);
#endif
