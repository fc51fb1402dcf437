// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "ReportNet",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "reportnet", targets: ["reportnet"]),
        .executable(name: "reportnet-bench", targets: ["reportnet-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // Pure logic: units, levels, the tree, periods, aggregation and progress.
        .target(name: "Hierarchy"),
        // Pure logic: forms, questions, answers, reports and their workflow states.
        .target(name: "Reporting", dependencies: ["Hierarchy"]),
        // Writes reports and summary tables as Excel (.xlsx) and CSV.
        .target(
            name: "Spreadsheet",
            dependencies: [
                .product(name: "ZIPFoundation", package: "ZIPFoundation")
            ]
        ),
        // The monthly score of ministries and provinces (Decision 4587) and their ranking: pure logic.
        .target(name: "Scoring"),
        // Tasks assigned down the tree: their facts (updates, reviews) and derived states. Pure logic.
        .target(name: "Tasks", dependencies: ["Hierarchy"]),
        // Alert rules (due soon, overdue, low completion, abnormal values) and their findings. Pure logic.
        .target(name: "Alerts", dependencies: ["Hierarchy", "Tasks"]),
        // Letter 3158's indicator set: definitions, versions, formulas (parsed, checked, explained),
        // evaluation per unit and aggregation up the tree. Pure logic, apart from the forms it reads.
        .target(name: "Indicators", dependencies: ["Hierarchy", "Reporting"]),
        // Vietnam's national registry of units (34 provinces, 3,321 communes, official codes and
        // names), one JSON resource written by scripts/import-registry.py: for the country demo and
        // the national benchmark.
        .target(name: "Registry", dependencies: ["Hierarchy"], resources: [.copy("vietnam.json")]),
        // QR codes (for MFA enrolment), drawn as SVG.
        .target(name: "QRCode"),
        // Accounts, roles, delegation rules, passwords, activation codes, node identities.
        .target(
            name: "Auth",
            dependencies: [
                "Hierarchy",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Node-to-node protocol and PKI: messages, signatures, outbox/inbox rules, retries, topology,
        // certificates and their chains. No networking: the mTLS client that speaks it lives in Node.
        .target(
            name: "Federation",
            dependencies: [
                "Hierarchy", "Reporting", "Auth",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // A fault-injecting TCP proxy (delay, drop, reset, cut, black hole) for tests and benchmarks.
        .target(
            name: "FaultProxy",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // The core of the server a person runs: storage (GRDB), the node's use cases, sync with its
        // parent and children (with the mTLS client), figures, metrics. No HTTP server, no pages:
        // a change to the edge does not rebuild it, and only it touches the database.
        .target(
            name: "Node",
            dependencies: [
                "Hierarchy", "Reporting", "Auth", "Federation", "Spreadsheet", "QRCode", "Scoring", "Tasks", "Alerts",
                "Indicators",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // The HTTP edge: the people's API, the federation API, the pages and /metrics on Hummingbird,
        // and the server that listens for them. It calls the core's use cases and never the
        // database (no GRDB here), and sees only what the core declares `package` or `public`.
        .target(
            name: "NodeHTTP",
            dependencies: [
                "Node", "Hierarchy", "Reporting", "Auth", "Federation", "Spreadsheet", "Scoring", "Tasks", "Alerts",
                "Indicators",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "MultipartKit", package: "multipart-kit"),
            ],
            // The pages' Mustache templates and their stylesheet and script, read at start-up.
            resources: [.copy("Web/Templates"), .copy("Web/Assets")]
        ),
        // The command line (`serve`, `demo`, `certs`, `enrol`, `backup`, `restore`, ...) and the demo
        // federation it starts: wires the core and the HTTP edge together.
        .target(
            name: "NodeCommands",
            dependencies: [
                "Node", "NodeHTTP", "Auth", "Federation", "Hierarchy", "Reporting", "Registry", "Indicators",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(name: "reportnet", dependencies: ["NodeCommands"]),
        // The benchmarks (issue F): ingest, the national simulation, the progress query, memory.
        .target(
            name: "NetworkBenchmarks",
            dependencies: [
                "Node", "NodeHTTP", "Federation", "Hierarchy", "Reporting", "Auth", "Registry",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "reportnet-bench",
            dependencies: [
                "NetworkBenchmarks",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // What the test targets share: running peer programs (python3, openssl, curl), scratch folders.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "TestSupportTests", dependencies: ["TestSupport"]),
        .testTarget(name: "HierarchyTests", dependencies: ["Hierarchy"]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting"]),
        .testTarget(name: "AuthTests", dependencies: ["Auth"]),
        .testTarget(name: "SpreadsheetTests", dependencies: ["Spreadsheet", "TestSupport"]),
        .testTarget(name: "QRCodeTests", dependencies: ["QRCode", "TestSupport"]),
        .testTarget(name: "ScoringTests", dependencies: ["Scoring"]),
        .testTarget(name: "RegistryTests", dependencies: ["Registry", "Hierarchy"]),
        .testTarget(name: "IndicatorsTests", dependencies: ["Indicators", "Hierarchy", "Reporting"]),
        .testTarget(name: "TasksTests", dependencies: ["Tasks", "Hierarchy"]),
        .testTarget(name: "AlertsTests", dependencies: ["Alerts", "Tasks", "Hierarchy"]),
        .testTarget(name: "FederationTests", dependencies: ["Federation", "TestSupport"]),
        .testTarget(name: "BenchmarkTests", dependencies: ["NetworkBenchmarks", "Node"]),
        .testTarget(
            name: "NodeTests",
            dependencies: [
                "Node", "NodeHTTP", "NodeCommands", "Federation", "Hierarchy", "Reporting", "Auth", "FaultProxy",
                "Tasks", "Alerts", "Indicators", "Registry", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
