#ifndef ONPREM_CGLIBCCOMPAT_H
#define ONPREM_CGLIBCCOMPAT_H
/* Nothing to call: this target only defines symbols that pin old glibc versions (see glibc_compat.c). */
#endif
