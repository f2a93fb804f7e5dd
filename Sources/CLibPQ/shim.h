#ifndef ONPREM_CLIBPQ_SHIM_H
#define ONPREM_CLIBPQ_SHIM_H

#include <libpq-fe.h>

#endif
