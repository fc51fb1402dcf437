import Foundation

/// Runs python3 (an independent reader of what the product writes) and returns its output.
enum Python {
    static func run(_ script: String, arguments: [String] = []) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let problems = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.reap()
        guard process.terminationStatus == 0 else {
            throw TestFailure("python3 failed (is openpyxl installed? pip install openpyxl): \(problems)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Every sheet of an .xlsx file, as openpyxl reads it: name → rows of values.
    static func workbook(_ data: Data) throws -> [String: [[String]]] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString).xlsx")
        try data.write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let json = try run(
            """
            import json, sys, openpyxl
            book = openpyxl.load_workbook(sys.argv[1])
            print(json.dumps({s.title: [["" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)) for v in row]
                                        for row in s.iter_rows(values_only=True)] for s in book.worksheets}, ensure_ascii=False))
            """,
            arguments: [path.path]
        )
        return try JSONDecoder().decode([String: [[String]]].self, from: Data(json.utf8))
    }
}

extension Python {
    /// The environment Python peers run in: this one without libfaketime. They read no dates (the
    /// browser flow is given the nodes' time), and libfaketime 0.9.10 makes Python's `time.sleep`
    /// fail when the suite runs with the time of day moved (`.ci/run`).
    static var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for name in environment.keys where name.hasPrefix("FAKETIME") { environment[name] = nil }
        let preloads = (environment["LD_PRELOAD"] ?? "").split(separator: ":").filter { !$0.contains("libfaketime") }
        environment["LD_PRELOAD"] = preloads.isEmpty ? nil : preloads.joined(separator: ":")
        return environment
    }
}

extension Process {
    /// Waits for the process to end by polling. Foundation's `waitUntilExit` runs a run loop whose
    /// timeouts mix the time of day with monotonic time, and it never returns when the suite runs
    /// with the time of day moved (`.ci/run` under faketime).
    func reap() {
        while isRunning { usleep(10_000) }
    }
}
