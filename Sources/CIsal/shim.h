#ifndef RSTSCOPE_CISAL_SHIM_H
#define RSTSCOPE_CISAL_SHIM_H
/* Intel ISA-L's inflate (igzip): gzip capture files inflate about ten times as fast as with zlib. */
#include <isa-l/igzip_lib.h>
#endif
