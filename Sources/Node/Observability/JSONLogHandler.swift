import Foundation
import Hierarchy
import Logging

/// One JSON object per line on standard output, for journald or a log collector to take as they
/// are (`log_format: json`): time, level, logger, message, metadata, source. Secrets are never
/// logged by the node, so nothing is filtered here.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let clock: any WallClock
    let sink: @Sendable (String) -> Void

    public init(label: String, clock: any WallClock = SystemClock(), sink: (@Sendable (String) -> Void)? = nil) {
        self.label = label
        self.clock = clock
        self.sink = sink ?? { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let provided = metadataProvider?.get() { fields.merge(provided) { $1 } }
        if let extra = event.metadata { fields.merge(extra) { $1 } }
        var object: [String: Any] = [
            "time": Self.time(clock.now()),
            "level": event.level.rawValue,
            "logger": label,
            "message": "\(event.message)",
            "source": event.source,
        ]
        if !fields.isEmpty { object["metadata"] = fields.mapValues(Self.plain) }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        sink(String(decoding: data, as: UTF8.self))
    }

    static func plain(_ value: Logger.MetadataValue) -> Any {
        switch value {
        case .string(let text): text
        case .stringConvertible(let value): "\(value)"
        case .array(let values): values.map(plain)
        case .dictionary(let values): values.mapValues(plain)
        }
    }

    /// Made once: this runs for every line logged.
    private static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    static func time(_ instant: Date) -> String { instant.formatted(timeFormat) }
}
