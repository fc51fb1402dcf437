import Foundation

/// Runs python3 (an independent reader of what the product writes: openpyxl, zxing-cpp, Selenium,
/// an SMTP server) and returns its output.
public enum Python {
    /// Runs `script` with `arguments`; throws with the install hint when python3 fails.
    public static func run(_ script: String, arguments: [String] = [], installHint: String = "") async throws -> String
    {
        let result = try await Command.run("python3", ["-c", script] + arguments, environment: environment)
        guard result.status == 0 else {
            let hint = installHint.isEmpty ? "" : " (is it installed? \(installHint))"
            throw TestFailure("python3 failed\(hint), exit \(result.status): \(result.errors)")
        }
        return result.output
    }

    /// Every sheet of an .xlsx file, as openpyxl reads it: name → rows of values.
    public static func workbook(_ data: Data) async throws -> [String: [[String]]] {
        let scratch = try ScratchDirectory(prefix: "workbook")
        defer { scratch.remove() }
        let file = scratch.path("book.xlsx")
        try data.write(to: file)
        let json = try await run(
            """
            import json, sys, openpyxl
            book = openpyxl.load_workbook(sys.argv[1])
            print(json.dumps({s.title: [["" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)) for v in row]
                                        for row in s.iter_rows(values_only=True)] for s in book.worksheets}, ensure_ascii=False))
            """,
            arguments: [file.path],
            installHint: "pip install openpyxl"
        )
        return try JSONDecoder().decode([String: [[String]]].self, from: Data(json.utf8))
    }

    /// The environment Python peers run in: this one without a moved clock (`.ci/run` preloads
    /// datefudge into the suite; libfaketime before it). They read no dates (the browser flow is
    /// given the nodes' time), and Chromium, which the browser flow drives, is kept to the true date.
    public static var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for name in environment.keys where name.hasPrefix("FAKETIME") || name == "DATEFUDGE" {
            environment[name] = nil
        }
        let preloads = (environment["LD_PRELOAD"] ?? "").split(separator: ":").filter {
            !$0.contains("libfaketime") && !$0.contains("datefudge")
        }
        environment["LD_PRELOAD"] = preloads.isEmpty ? nil : preloads.joined(separator: ":")
        return environment
    }
}
