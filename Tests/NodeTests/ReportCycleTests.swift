import Crypto
import Federation
import Foundation
import GRDB
import TestSupport
import Testing

@testable import Node

/// Issue B's full cycle across three levels: fill → submit with evidence → the leader corrects
/// and approves → the province returns it → the commune revises → approved again; checked at
/// every node (state, history, evidence hashes, aggregated values).
@Suite(.serialized) struct ReportCycleTests {
    static var form: [String: Any] {
        [
            "code": "NQ57-THANG", "title": "Báo cáo tháng", "frequency": "monthly",
            "groups": [
                [
                    "id": "g1", "title": "Chuyển đổi số",
                    "questions": [
                        ["id": "staff", "text": "Số cán bộ", "kind": "integer", "required": true],
                        ["id": "held", "text": "Ngày họp", "kind": "date"],
                        ["id": "level", "text": "Mức độ", "kind": "single_choice", "options": ["Cao", "Thấp"]],
                        [
                            "id": "t", "text": "Bảng kết quả", "kind": "table",
                            "table": [
                                "rows": [
                                    [
                                        "id": "records", "label": "Hồ sơ",
                                        "rows": [["id": "online", "label": "Trong đó: trực tuyến"]],
                                    ]
                                ],
                                "columns": [
                                    ["id": "total", "label": "Tổng số"],
                                    ["id": "late", "label": "Quá hạn", "group": "Trong đó"],
                                ],
                            ],
                        ],
                    ],
                ]
            ],
        ]
    }

    static func sha256(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    @Test func fillSubmitCorrectApproveReturnReviseApprove() async throws {
        try await TestFederation.run { f in
            let centre = try await f.login("tw.admin", at: "centre")
            #expect(try await centre.call(.POST, "/api/v1/forms", body: Self.form).status == 201)
            let assignment = try #require(
                try await centre.call(
                    .POST,
                    "/api/v1/assignments",
                    body: ["form": "NQ57-THANG", "period": "2026-11", "units": ["BNI-KB", "BNI-YP"]]
                ).json["id"] as? String
            )

            let entry = try await f.login("bni-kb.entry", at: "kinh-bac")
            try await f.eventually("the assignment reaches the commune") {
                !(try await entry.call(.GET, "/api/v1/assignments").items.isEmpty)
            }
            let report = try #require(
                try await entry.call(.POST, "/api/v1/reports", body: ["assignment": assignment]).json["id"] as? String
            )

            // A draft can be deleted; the next one is the report.
            #expect(try await entry.call(.DELETE, "/api/v1/reports/\(report)").status == 204)
            let id = try #require(
                try await entry.call(.POST, "/api/v1/reports", body: ["assignment": assignment]).json["id"] as? String
            )
            let answers: [String: Any] = [
                "staff": 4, "held": "2026-11-10", "level": "Cao",
                "t": ["records": ["total": 120, "late": 3], "online": ["total": 90]],
            ]
            #expect(
                try await entry.call(.PUT, "/api/v1/reports/\(id)", body: ["answers": answers, "version": 1]).status
                    == 200
            )

            // Evidence: refused types and sizes, then a real file, streamed and hashed.
            #expect(
                try await entry.call(.POST, "/api/v1/reports/\(id)/evidence?name=virus.exe", body: Data("x".utf8))
                    .status == 422
            )
            #expect(
                try await entry.call(.POST, "/api/v1/reports/\(id)/evidence?name=empty.pdf", body: Data()).status == 422
            )
            let minutes = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
            let attached = try await entry.call(
                .POST,
                "/api/v1/reports/\(id)/evidence?name=Bi%C3%AAn%20b%E1%BA%A3n%20h%E1%BB%8Dp.pdf",
                body: minutes
            )
            #expect(attached.status == 201, "\(attached.text)")
            #expect(attached.json["sha256"] as? String == Self.sha256(minutes))
            #expect(attached.json["fileName"] as? String == "Biên bản họp.pdf")
            #expect(
                try await entry.call(.POST, "/api/v1/reports/\(id)/submit", body: ["message": "Kính trình"]).json[
                    "state"
                ] as? String == "submitted"
            )
            #expect(
                try await entry.call(.POST, "/api/v1/reports/\(id)/evidence?name=late.pdf", body: Data("late".utf8))
                    .status == 403,
                "once submitted, evidence is the leader's"
            )

            // The leader corrects a value (recorded), adds approval evidence and approves.
            let leader = try await f.login("bni-kb.approver", at: "kinh-bac")
            let stale = try await leader.call(.PUT, "/api/v1/reports/\(id)", body: ["answers": answers, "version": 1])
            #expect(stale.status == 409)
            var corrected = answers
            corrected["staff"] = 5
            let correction = try await leader.call(
                .PUT,
                "/api/v1/reports/\(id)",
                body: ["answers": corrected, "version": 3]
            )
            #expect(correction.status == 200, "\(correction.text)")
            let approvalNote = Data("Ý kiến phê duyệt".utf8)
            #expect(
                try await leader.call(.POST, "/api/v1/reports/\(id)/evidence?name=y-kien.txt", body: approvalNote)
                    .status == 201
            )
            #expect(
                try await leader.call(.POST, "/api/v1/reports/\(id)/approve", body: ["message": "Đồng ý"]).json[
                    "approvalCount"
                ] as? Int == 1
            )
            let atCommune = try await leader.call(.GET, "/api/v1/reports/\(id)").json
            let corrections = try #require(atCommune["corrections"] as? [[String: Any]])
            // Only the changed answer is a correction (not the unchanged choice, stored as text).
            #expect(
                corrections.count == 1 && corrections[0]["question"] as? String == "staff"
                    && corrections[0]["old"] as? String == "4" && corrections[0]["new"] as? String == "5"
            )

            // Province and centre hold the report, its whole history and its evidence, byte for byte.
            let province = try await f.login("bni.approver", at: "bac-ninh")
            let national = try await f.login("tw.approver", at: "centre")
            for (client, name) in [(province, "province"), (national, "centre")] {
                try await f.eventually("the \(name) holds the approved report") {
                    try await client.call(.GET, "/api/v1/reports/\(id)").json["state"] as? String == "approved"
                }
                let held = try await client.call(.GET, "/api/v1/reports/\(id)").json
                let actions = (held["history"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
                #expect(
                    actions.filter { $0 != "received" } == ["create", "save", "submit", "correct", "approve"],
                    "\(name): \(actions)"
                )
                let evidence = try #require(held["evidence"] as? [[String: Any]])
                #expect(Set(evidence.compactMap { $0["stage"] as? String }) == ["submit", "approve"])
                for item in evidence {
                    let file = try await client.call(.GET, "/api/v1/reports/\(id)/evidence/\(item["id"] as! String)")
                    #expect(file.status == 200)
                    #expect(Self.sha256(file.data) == item["sha256"] as? String, "\(name) serves the same bytes")
                    #expect(file.headers["x-content-sha256"] == item["sha256"] as? String)
                }
            }
            let oversight = try await national.call(.GET, "/api/v1/assignments/\(assignment)/oversight").json
            let staff = ((oversight["aggregate"] as? [String: Any])?["items"] as? [[String: Any]])?.first {
                $0["question"] as? String == "staff"
            }
            #expect(staff?["value"] as? Double == 5, "the corrected value counts")

            // The province (the unit's direct parent) returns it; every level sees it returned.
            #expect(
                try await province.call(.POST, "/api/v1/reports/\(id)/return", body: [:] as [String: String]).status
                    == 422,
                "a reason is required"
            )
            let returned = try await province.call(
                .POST,
                "/api/v1/reports/\(id)/return",
                body: ["message": "Số liệu hồ sơ chưa khớp"]
            )
            #expect(returned.json["state"] as? String == "returned", "\(returned.text)")
            for (client, name) in [(national, "centre"), (entry, "commune")] {
                try await f.eventually("the return reaches the \(name)") {
                    try await client.call(.GET, "/api/v1/reports/\(id)").json["state"] as? String == "returned"
                }
            }
            #expect(
                try await national.call(.POST, "/api/v1/reports/\(id)/return", body: ["message": "again"]).status
                    == 409,
                "nothing to return now"
            )

            // The commune revises and resubmits; the leader approves again.
            let revising = try await entry.call(.GET, "/api/v1/reports/\(id)").json
            let version = try #require(revising["version"] as? Int)
            var revised = corrected
            revised["t"] = ["records": ["total": 118, "late": 3], "online": ["total": 90]]
            #expect(
                try await entry.call(.PUT, "/api/v1/reports/\(id)", body: ["answers": revised, "version": version])
                    .status == 200
            )
            #expect(
                try await entry.call(.POST, "/api/v1/reports/\(id)/submit", body: ["message": "Đã sửa"]).status == 200
            )
            #expect(
                try await leader.call(.POST, "/api/v1/reports/\(id)/approve", body: ["message": "Đồng ý lần 2"]).json[
                    "approvalCount"
                ] as? Int == 2
            )
            try await f.eventually("the centre holds the second approval") {
                try await national.call(.GET, "/api/v1/reports/\(id)").json["approvalCount"] as? Int == 2
            }
            let final = try await national.call(.GET, "/api/v1/reports/\(id)").json
            #expect(final["state"] as? String == "approved")
            let history = (final["history"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
            #expect(history.filter { $0 == "return" }.count == 1, "each history entry is kept once: \(history)")
            #expect(history.filter { $0 == "approve" }.count == 2)
            let table = (final["answers"] as? [String: Any])?["t"] as? [String: [String: Double]]
            #expect(table?["records"]?["total"] == 118)

            // The report and the summary table download as Excel (read back by openpyxl) and CSV.
            let xlsx = try await national.call(.GET, "/api/v1/reports/\(id)/export?format=xlsx")
            #expect(xlsx.status == 200 && xlsx.headers["content-type"]?.contains("spreadsheetml") == true)
            let book = try await Python.workbook(xlsx.data)
            #expect(
                book["Báo cáo"]?.contains { $0.starts(with: ["Chuyển đổi số", "Số cán bộ *", "5"]) } == true,
                "\(book)"
            )
            #expect(book["Báo cáo"]?.contains { $0.starts(with: ["Đơn vị", "Phường Kinh Bắc (BNI-KB)"]) } == true)
            #expect(book["Bảng kết quả"]?.first == ["Chỉ tiêu", "Tổng số", "Trong đó"])
            #expect(
                book["Bảng kết quả"]?.contains { $0 == ["Hồ sơ", "118", "3"] } == true,
                "\(book["Bảng kết quả"] ?? [])"
            )
            #expect(book["Bảng kết quả"]?.contains { $0 == ["    Trong đó: trực tuyến", "90", ""] } == true)
            let csv = try await national.call(.GET, "/api/v1/reports/\(id)/export?format=csv")
            #expect(csv.data.starts(with: [0xEF, 0xBB, 0xBF]), "a BOM so that Excel reads UTF-8")
            #expect(csv.text.contains("Chuyển đổi số,Bảng kết quả,Hồ sơ,Tổng số,118"), "\(csv.text)")
            let summary = try await Python.workbook(
                try await national.call(.GET, "/api/v1/assignments/\(assignment)/summary?format=xlsx").data
            )
            let rows = try #require(summary["Tổng hợp"])
            #expect(
                rows[1].starts(with: [
                    "Đơn vị", "Mã", "Được giao", "Đã gửi", "Đã phê duyệt", "Tỷ lệ phê duyệt (%)", "Số cán bộ",
                ])
            )
            #expect(rows.contains { $0.starts(with: ["Tỉnh Bắc Ninh", "BNI", "2", "1", "1", "50", "5"]) }, "\(rows)")
            #expect(rows.last?.starts(with: ["Tổng cộng", "TW", "2", "1", "1", "50", "5"]) == true)
            #expect(try await entry.call(.GET, "/api/v1/assignments/\(assignment)/summary?format=pdf").status == 400)

            // A late copy of the first return (about approval 1) changes nothing now.
            let decision = try await f.local("bac-ninh").database.pool.read { db -> (id: String, at: Date)? in
                try Row.fetchOne(
                    db,
                    sql: "SELECT event_id, at FROM report_events WHERE report_id = ? AND action = 'return'",
                    arguments: [id]
                ).map { ($0["event_id"], $0["at"]) }
            }
            let late = ReviewDecision(
                reportId: id,
                unit: "BNI-KB",
                approvalCount: 1,
                entry: .init(
                    id: try #require(decision?.id),
                    action: "return",
                    actor: "bni.approver",
                    unit: "BNI",
                    from: .approved,
                    to: .returned,
                    message: "Số liệu hồ sơ chưa khớp",
                    at: try #require(decision?.at)
                )
            )
            let provinceLink = try f.federationClient(as: "bac-ninh", to: "centre")
            defer { Task { try? await provinceLink.shutdown() } }
            let answer = try await provinceLink.push(
                PushRequest(messages: [
                    Envelope(
                        origin: "BNI",
                        kind: .reportReturned,
                        unit: "BNI-KB",
                        body: try JSONEncoder.federation.encode(late)
                    )
                ])
            )
            #expect(
                answer.results[0].status == .applied && answer.results[0].detail.contains("superseded"),
                "\(answer.results[0].detail)"
            )
            #expect(
                try await national.call(.GET, "/api/v1/reports/\(id)").json["state"] as? String == "approved",
                "never backwards"
            )
            let forged = ReviewDecision(
                reportId: id,
                unit: "BNI-KB",
                approvalCount: 2,
                entry: .init(
                    action: "return",
                    actor: "x",
                    unit: "LCA",
                    from: .approved,
                    to: .returned,
                    message: "x",
                    at: TestDay.start
                )
            )
            let refused = try await provinceLink.push(
                PushRequest(messages: [
                    Envelope(
                        origin: "BNI",
                        kind: .reportReturned,
                        unit: "BNI-KB",
                        body: try JSONEncoder.federation.encode(forged)
                    )
                ])
            )
            #expect(
                refused.results[0].status == .parked,
                "a province cannot speak for another province: \(refused.results[0].detail)"
            )
        }
    }

    @Test func theLeaderReturnsASubmittedReport() async throws {
        try await TestFederation.run { f in
            let centre = try await f.login("tw.admin", at: "centre")
            #expect(try await centre.call(.POST, "/api/v1/forms", body: Self.form).status == 201)
            let assignment = try #require(
                try await centre.call(
                    .POST,
                    "/api/v1/assignments",
                    body: ["form": "NQ57-THANG", "period": "2026-11", "units": ["BNI-TD"]]
                ).json["id"] as? String
            )
            let entry = try await f.login("bni-td.entry", at: "bac-ninh")
            let id = try #require(
                try await entry.call(.POST, "/api/v1/reports", body: ["assignment": assignment]).json["id"] as? String
            )
            #expect(
                try await entry.call(.PUT, "/api/v1/reports/\(id)", body: ["answers": ["staff": 2], "version": 1])
                    .status == 200
            )
            #expect(
                try await entry.call(.POST, "/api/v1/reports/\(id)/submit", body: [:] as [String: String]).status == 200
            )
            #expect(try await entry.call(.DELETE, "/api/v1/reports/\(id)").status == 409, "only drafts are deleted")
            #expect(try await entry.call(.GET, "/api/v1/reports?limit=1").items.map { $0["id"] as? String } == [id])
            #expect(try await entry.call(.GET, "/api/v1/reports?limit=1&offset=1").items.isEmpty, "lists come in pages")
            #expect(try await entry.call(.GET, "/api/v1/reports?limit=5000").status == 400)
            #expect(try await entry.call(.GET, "/api/v1/reports?offset=-1").status == 400)
            let provinceLeader = try await f.login("bni.approver", at: "bac-ninh")
            #expect(
                try await provinceLeader.call(.POST, "/api/v1/reports/\(id)/return", body: ["message": "x"]).status
                    == 403,
                "a submitted report is the unit leader's"
            )
            let leader = try await f.login("bni-td.approver", at: "bac-ninh")
            let returned = try await leader.call(
                .POST,
                "/api/v1/reports/\(id)/return",
                body: ["message": "Thiếu số liệu"]
            )
            #expect(returned.json["state"] as? String == "returned")
            let history = try await entry.call(.GET, "/api/v1/reports/\(id)").json["history"] as? [[String: Any]] ?? []
            #expect(
                history.last?["message"] as? String == "Thiếu số liệu"
                    && history.last?["actor"] as? String == "bni-td.approver"
            )
            let outbox = try await f.local("bac-ninh").database.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox")!
            }
            #expect(outbox == 0, "a local return stays local")
        }
    }
}
