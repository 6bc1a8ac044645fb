#ifndef RSTSCOPE_CSUPPORT_H
#define RSTSCOPE_CSUPPORT_H

/* What Swift cannot say: a prefetch hint. No logic here. */
static inline void csupport_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
