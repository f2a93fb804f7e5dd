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

/* Keeps the binary loadable on glibc 2.34 (provided.al2023) although it is built against glibc 2.36.
 *
 * glibc 2.35 gave hypotf a new symbol version, and the static Swift runtime calls hypotf, so a binary linked here
 * would ask for hypotf@GLIBC_2.35 and fail to load on Amazon Linux 2023. Defining hypotf in the binary satisfies
 * that reference, and the definition calls the version every glibc since 2.2.5 exports. The two compute the same
 * function; 2.35 only made the result exact in more cases.
 *
 * `make package` checks every file of the zip for glibc symbols newer than 2.34, so a new one of these cannot
 * slip in unnoticed: pin it here the same way.
 */
#if defined(__linux__) && (defined(__x86_64__) || defined(__aarch64__))

#if defined(__x86_64__)
__asm__(".symver onprem_hypotf_old, hypotf@GLIBC_2.2.5");
#else
__asm__(".symver onprem_hypotf_old, hypotf@GLIBC_2.17");
#endif
float onprem_hypotf_old(float x, float y);

float hypotf(float x, float y) { return onprem_hypotf_old(x, y); }

#endif
