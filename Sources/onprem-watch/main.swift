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

import CGlibcCompat
import OnPremWatchCommands

// Large buffers go back to the system when freed, so memory follows the batch in flight (malloc_tuning.c).
onprem_release_large_buffers()

OnPremWatchCommand.start()
