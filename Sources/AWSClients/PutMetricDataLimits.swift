/// CloudWatch's PutMetricData limits, per request and per datum.
public enum PutMetricDataLimits {
    public static let datumsPerRequest = 1000
    public static let bodyBytes = 1_000_000
    public static let dimensionsPerDatum = 30
    public static let valuesPerDatum = 150
    public static let nameLength = 255
    public static let dimensionValueLength = 1024
    /// Values must lie within ±2^360; smaller magnitudes than 2^-360 are rounded to 0 before sending.
    public static let largestMagnitude = 0x1p360
    public static let smallestMagnitude = 0x1p-360
    public static let oldestAgeMs: Int64 = 14 * 24 * 3600 * 1000
    public static let newestAheadMs: Int64 = 2 * 3600 * 1000
    public static let units: Set<String> = [
        "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
        "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second",
        "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second",
        "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
    ]
}
