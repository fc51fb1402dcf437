import Auth
import Foundation
import TestSupport
import Testing

@testable import Node

/// Issue D: the web interface in a real browser. A demo federation runs; a form with every
/// question kind is defined at the centre and assigned to two communes; then headless Chromium,
/// driven over WebDriver by `Tests/Browser/flow.py` (Debian's python3-selenium), goes through a
/// report's life in the pages: the commune fills, saves and submits it with a file, its leader
/// corrects a value and approves, the province sees progress on its dashboard and returns it,
/// opens its congress schedule and scoring pages and publishes the ranking (then read on the
/// public page without login), the commune revises and resubmits. Each role's home (what to do now), the
/// centre's dashboard (provinces on a map, answers per unit, the trend across the form's two months) and
/// the admin's pages are visited too. On the way (issue L) the session ends
/// while typing and "Lưu lại" loses nothing (the browser's copy comes back after logging in again; a reload
/// while typing keeps what was typed too),
/// bad values are listed at once with links, and a too-large file is refused before sending. Each page
/// is saved as a screenshot under `test-artifacts/screens/`, at 1280 px and at a phone's 390 × 844
/// (`NN-name-390.png`); a console error on any page, any page wider than 390 px on the phone, or a
/// serious or critical axe-core violation on any page (axe-core's JavaScript from the PyPI package
/// axe-playwright-python, installed by `.ci/run`), fails the test.
@Suite(.serialized) struct BrowserFlowTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let python = "/usr/bin/python3"

    /// Chromium, its WebDriver and Selenium are installed (by `.ci/run` on CI).
    static var browserAvailable: Bool {
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].contains {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        let driver = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"].contains {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        return chromium && driver && FileManager.default.isExecutableFile(atPath: python)
    }

    /// On CI a missing browser fails the test; on a workstation without one it is skipped.
    static var shouldRun: Bool { browserAvailable || ProcessInfo.processInfo.environment["CI"] != nil }

    static var form: [String: Any] {
        [
            "code": "WEB-DU-KIEN", "title": "Báo cáo tháng về chuyển đổi số cấp xã", "frequency": "monthly",
            "groups": [
                [
                    "id": "chung", "title": "Nhóm tiêu chí 1. Thông tin chung",
                    "questions": [
                        [
                            "id": "muc-do", "text": "Mức độ triển khai", "kind": "single_choice", "required": true,
                            "options": ["Chưa triển khai", "Đang triển khai", "Đã hoàn thành"],
                            "explanation": "Chọn một mức phù hợp nhất với thực tế của đơn vị.",
                        ],
                        [
                            "id": "linh-vuc", "text": "Lĩnh vực đã số hoá", "kind": "multiple_choice",
                            "options": ["Hộ tịch", "Đất đai", "Y tế", "Giáo dục"],
                        ],
                        ["id": "ghi-chu", "text": "Khó khăn, vướng mắc", "kind": "paragraph"],
                        ["id": "ngay-hop", "text": "Ngày họp ban chỉ đạo", "kind": "date"],
                    ],
                ],
                [
                    "id": "so-lieu", "title": "Nhóm tiêu chí 2. Số liệu",
                    "questions": [
                        [
                            "id": "can-bo", "text": "Số cán bộ được tập huấn", "kind": "integer", "required": true,
                            "minimum": 0,
                        ],
                        [
                            "id": "kinh-phi", "text": "Kinh phí đã giải ngân (triệu đồng)", "kind": "decimal",
                            "minimum": 0,
                        ],
                        [
                            "id": "ty-le", "text": "Tỷ lệ hồ sơ trực tuyến", "kind": "percentage", "minimum": 0,
                            "maximum": 100,
                        ],
                        [
                            "id": "bang", "text": "Kết quả giải quyết hồ sơ", "kind": "table",
                            "table": [
                                "rows": [
                                    [
                                        "id": "ho-so", "label": "Hồ sơ tiếp nhận",
                                        "rows": [["id": "truc-tuyen", "label": "Trong đó: trực tuyến"]],
                                    ]
                                ],
                                "columns": [
                                    ["id": "tong", "label": "Tổng số"],
                                    ["id": "dung-han", "label": "Đúng hạn", "group": "Trong đó"],
                                    ["id": "qua-han", "label": "Quá hạn", "group": "Trong đó"],
                                ],
                                "rules": [
                                    [
                                        "id": "truc-tuyen-trong-tong", "each": "column", "left": "truc-tuyen",
                                        "operator": "<=", "right": "ho-so", "severity": "error",
                                        "message": "Hồ sơ trực tuyến không được nhiều hơn hồ sơ tiếp nhận",
                                    ],
                                    [
                                        "id": "dung-han-qua-han", "each": "row", "left": "dung-han + qua-han",
                                        "operator": "<=", "right": "tong", "severity": "warning",
                                        "message": "Đúng hạn cộng quá hạn nhiều hơn tổng số; hãy kiểm tra lại",
                                    ],
                                ],
                            ],
                        ],
                    ],
                ],
            ],
        ]
    }

    @Test(
        .enabled(
            if: BrowserFlowTests.shouldRun,
            "needs chromium, chromium-driver and python3-selenium (set CI to require them)"
        )
    )
    func reportLifeInTheBrowser() async throws {
        #expect(
            Self.browserAvailable,
            "chromium, chromium-driver or python3-selenium is missing: apt-get install chromium chromium-driver python3-selenium"
        )
        guard Self.browserAvailable else { return }
        try await TestFederation.run { f in
            let centre = try await f.login("tw.admin", at: "centre")
            let defined = try await centre.call(.POST, "/api/v1/forms", body: Self.form)
            #expect(defined.status == 201, "\(defined.text)")
            let assigned = try await centre.call(
                .POST,
                "/api/v1/assignments",
                body: ["form": "WEB-DU-KIEN", "period": "2026-11", "units": ["BNI-KB", "BNI-YP"]]
            )
            let assignment = try #require(assigned.json["id"] as? String, "\(assigned.text)")
            // The month before too, so that the centre's dashboard has a trend across two periods.
            let earlier = try await centre.call(
                .POST,
                "/api/v1/assignments",
                body: ["form": "WEB-DU-KIEN", "period": "2026-10", "units": ["BNI-KB", "BNI-YP"]]
            )
            #expect(earlier.status == 201, "\(earlier.text)")
            // The assignment travels down before the browser starts.
            for (node, unit) in [("kinh-bac", "BNI-KB"), ("bac-ninh", "BNI")] {
                try await f.eventually("the assignment reaches \(node)") {
                    try await f.local(node).formAssignments.visible(
                        to: Actor(username: "test", unit: unit, role: .viewer)
                    )
                    .contains { $0.id == assignment }
                }
            }
            let screens = Self.root.appendingPathComponent("test-artifacts/screens")
            try? FileManager.default.removeItem(at: screens)
            try FileManager.default.createDirectory(at: screens, withIntermediateDirectories: true)
            let config: [String: Any] = [
                "ca": f.manifest.ca, "screens": screens.path, "assignment": assignment,
                // The nodes run on the test's pinned clock: one-time codes are computed at their time.
                "node_time": f.clock.now().timeIntervalSince1970,
                "nodes": Dictionary(uniqueKeysWithValues: f.manifest.nodes.map { ($0.name, $0.webURL) }),
                "accounts": Dictionary(
                    uniqueKeysWithValues: f.manifest.accounts.map {
                        ($0.username, ["password": $0.password, "totp_secret": $0.totpSecret, "node": $0.node])
                    }
                ),
            ]
            let configPath = FileManager.default.temporaryDirectory.appendingPathComponent(
                "browser-\(UUID().uuidString).json"
            )
            try JSONSerialization.data(withJSONObject: config).write(to: configPath)
            defer { try? FileManager.default.removeItem(at: configPath) }
            let (status, output) = try await Self.runFlow(config: configPath.path)
            try? output.write(to: screens.appendingPathComponent("flow.log"), atomically: true, encoding: .utf8)
            try #require(status == 0, "the browser flow failed:\n\(output)")

            // What the browser did is what the nodes hold: resubmitted at the commune, with the corrections and the evidence.
            let report = try #require(
                try await f.local("kinh-bac").reports.list(
                    visibleTo: Actor(username: "test", unit: "BNI-KB", role: .viewer),
                    filter: ReportFilter()
                )
                .first { $0.assignment == assignment }
            )
            #expect(report.state == .submitted)
            let detail = try await f.local("kinh-bac").reports.report(
                report.id,
                for: Actor(username: "test", unit: "BNI-KB", role: .viewer)
            )
            #expect(
                detail.history?.map(\.action) == [
                    "create", "save", "submit", "correct", "approve", "return", "save", "submit",
                ]
            )
            #expect(detail.evidence?.contains { $0.fileName == "minh-chung.txt" } == true)
            #expect(report.answers["can-bo"] == .number(26))
            #expect(report.answers["ghi-chu"] == .text("<script>alert(1)</script> Thiếu máy tính"))
            // The commune added in the units page reaches the centre's tree, with its new name.
            try await f.eventually("the centre knows Phường Quế Võ") {
                f.local("centre").tree["BNI-QV"]?.name == "Phường Quế Võ"
            }
        }
    }

    static func runFlow(config: String) async throws -> (Int32, String) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("browser-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let process = try ChildProcess(
            python,
            [root.appendingPathComponent("Tests/Browser/flow.py").path, config],
            environment: Python.environment,
            output: log.path,
            errors: log.path
        )
        // Waits without blocking a thread of the pool the nodes run on.
        await process.ended()
        return (process.terminationStatus, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }
}
