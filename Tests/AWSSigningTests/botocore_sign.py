# SPDX-License-Identifier: Apache-2.0
"""Signs the requests on stdin with botocore's SigV4Auth and prints, as JSON, each one's Authorization header
and canonical request.

The signing time is fixed by calling botocore's steps directly instead of add_auth, which reads the clock.
"""
import json
import sys
import urllib.parse

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

results = []
for case in json.load(sys.stdin):
    credentials = Credentials(case["accessKey"], case["secretKey"], case.get("token"))
    auth = SigV4Auth(credentials, case["service"], case["region"])
    path = urllib.parse.quote(case["path"], safe="/~")
    query = urllib.parse.urlencode([tuple(pair) for pair in case["query"]], quote_via=urllib.parse.quote, safe="~")
    url = f"https://{dict(case['headers'])['Host']}{path}" + (f"?{query}" if query else "")
    request = AWSRequest(method=case["method"], url=url, data=case["body"].encode())
    for name, value in case["headers"]:
        request.headers[name] = value
    if credentials.token:
        request.headers["X-Amz-Security-Token"] = credentials.token
    request.context["timestamp"] = case["amzDate"]
    canonical = auth.canonical_request(request)
    string_to_sign = auth.string_to_sign(request, canonical)
    signature = auth.signature(string_to_sign, request)
    scope = f"{case['amzDate'][:8]}/{case['region']}/{case['service']}/aws4_request"
    results.append([
        f"AWS4-HMAC-SHA256 Credential={credentials.access_key}/{scope}, "
        f"SignedHeaders={auth.signed_headers(auth.headers_to_sign(request))}, Signature={signature}",
        canonical,
    ])
json.dump(results, sys.stdout)
