#if canImport(Glibc)
    import Glibc
#endif

/// Blocks the calling thread for a while: the runtime is synchronous by design, so a retry's backoff pauses
/// the thread itself.
public enum Pause {
    public static func sleep(for duration: Duration) {
        var spec = timespec(
            tv_sec: Int(duration.components.seconds), tv_nsec: Int(duration.milliseconds % 1000) * 1_000_000)
        nanosleep(&spec, nil)
    }
}
