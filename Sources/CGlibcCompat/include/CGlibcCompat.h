//===----------------------------------------------------------------------===//
//
// This source file is part of the OnPremWatch open source project
//
// Copyright (c) 2026 the OnPremWatch project authors
// Licensed under Apache License v2.0
//
// See LICENSE for license information
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#ifndef ONPREM_CGLIBCCOMPAT_H
#define ONPREM_CGLIBCCOMPAT_H
/* glibc specifics the Swift Glibc module does not offer: symbols pinned to old glibc versions (glibc_compat.c, nothing
   to call) and the allocator's setting (malloc_tuning.c). */

/* Serves buffers of 128 KiB and more from mmap, returned to the system when freed (see malloc_tuning.c). */
void onprem_release_large_buffers(void);
#endif
