import CCurl

/// Runs `curl_global_init` exactly once, before the first easy handle is made.
///
/// libcurl requires the global init to happen before any other call and not concurrently with one; a lazy
/// global is initialised once, thread-safely, by the Swift runtime.
enum CurlGlobal {
    /// `true` when libcurl initialised; read it to trigger the one-time init.
    static let isReady: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
}
