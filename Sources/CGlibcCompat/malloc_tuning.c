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

/* A large result is published in batches, each with bodies of most of a megabyte. glibc serves allocations of
 * 128 KiB and more from mmap at first, but after the first such free it raises that threshold to the freed size and
 * serves the next ones from the heap, whose top it keeps: the process's memory then follows the largest batch it
 * ever held rather than the one in flight. A fixed threshold turns that adjustment off, so large buffers go back to
 * the system when freed. mallopt has been in glibc since 2.0, so this pins no new symbol version. */

#include <malloc.h>

#include "CGlibcCompat.h"

void onprem_release_large_buffers(void) { mallopt(M_MMAP_THRESHOLD, 128 * 1024); }
