/* The functions are static inline in include/csupport.h; SwiftPM wants one C file per C target. */
#include "csupport.h"
