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

import Core
import Testing

@testable import MetricModel

@Suite struct AWSQueryFormTests {
    @Test("form values are encoded as Python's urlencode writes them: space as +, the rest %XX, unreserved as is")
    func formEncoding() {
        #expect(AWSQueryForm.encode("Customer 1") == "Customer+1")
        #expect(AWSQueryForm.encode("a+b/c=d&é~_.-") == "a%2Bb%2Fc%3Dd%26%C3%A9~_.-")
        #expect(AWSQueryForm.encode("plain-Name_1.0") == "plain-Name_1.0")
        #expect(URIEncoding.encode("Customer 1") == "Customer%201")
    }
}
