#ifndef ONPREM_CZLIB_SHIM_H
#define ONPREM_CZLIB_SHIM_H

#include <zlib.h>

#endif
