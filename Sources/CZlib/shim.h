#ifndef RSTSCOPE_CZLIB_SHIM_H
#define RSTSCOPE_CZLIB_SHIM_H
#include <zlib.h>

/* inflateInit2 is a macro Swift cannot import: expose it as a function.
   windowBits 15 + 32 accepts zlib and gzip headers. */
static inline int czlib_inflate_init_gzip(z_stream *stream) {
    return inflateInit2(stream, 15 + 32);
}
static inline int czlib_inflate(z_stream *stream) { return inflate(stream, Z_NO_FLUSH); }
static inline int czlib_inflate_reset(z_stream *stream) { return inflateReset(stream); }
static inline int czlib_inflate_end(z_stream *stream) { return inflateEnd(stream); }
#endif
