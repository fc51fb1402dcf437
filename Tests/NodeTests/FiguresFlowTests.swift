import Federation
import Foundation
import GRDB
import Hierarchy
import Testing

@testable import Node

/// Issue E across three levels (commune node → province → centre) over real mTLS HTTP/2: reports
/// and congress dates arrive out of order and late, assignments are amended and a unit closes,
/// and the centre's figures end exact.
@Suite(.serialized) struct FiguresFlowTests {
    static var form: [String: Any] {
        [
            "code": "TD-THANG", "title": "Báo cáo tiến độ tháng", "frequency": "monthly",
            "groups": [
                [
                    "id": "g1", "title": "Chuyển đổi số",
                    "questions": [
                        [
                            "id": "staff", "text": "Số cán bộ chuyên trách", "kind": "integer", "required": true,
                            "minimum": 0,
                        ],
                        ["id": "online", "text": "Tỷ lệ hồ sơ trực tuyến (%)", "kind": "percentage"],
                    ],
                ]
            ],
        ]
    }
    /// Due long ago: every approval now is late. Due far ahead: every approval now is on time.
    static let past = "2025-09"
    static let future = "2099-12"

    /// Opens, fills, submits and (unless `approve` is false) approves the report of `unit`.
    static func report(
        _ f: TestFederation,
        unit: String,
        node: String,
        assignment: String,
        staff: Int,
        approve: Bool = true
    ) async throws {
        let entry = try await f.login("\(unit.lowercased()).entry", at: node)
        try await f.eventually("\(assignment) reaches \(unit)") {
            try await entry.call(.GET, "/api/v1/assignments").items.contains { $0["id"] as? String == assignment }
        }
        let created = try await entry.call(.POST, "/api/v1/reports", body: ["assignment": assignment])
        let id = try #require(created.json["id"] as? String, "\(created.text)")
        #expect(
            try await entry.call(
                .PUT,
                "/api/v1/reports/\(id)",
                body: ["answers": ["staff": staff, "online": 50], "version": 1]
            ).status == 200
        )
        #expect(
            try await entry.call(.POST, "/api/v1/reports/\(id)/submit", body: ["message": "Kính trình"]).status == 200
        )
        guard approve else { return }
        let approved = try await f.login("\(unit.lowercased()).approver", at: node).call(
            .POST,
            "/api/v1/reports/\(id)/approve",
            body: ["message": "Đồng ý"]
        )
        #expect(approved.status == 200, "\(approved.text)")
    }

    static func figures(_ client: APIClient, _ assignment: String, unit: String? = nil) async throws -> [String: Any] {
        let reply = try await client.call(
            .GET,
            "/api/v1/assignments/\(assignment)/figures\(unit.map { "?unit=\($0)" } ?? "")"
        )
        #expect(reply.status == 200, "\(reply.text)")
        return reply.json
    }

    static func total(_ figures: [String: Any]) -> [String: Any] { figures["total"] as? [String: Any] ?? [:] }

    static func child(_ figures: [String: Any], _ unit: String) -> [String: Any] {
        (figures["children"] as? [[String: Any]] ?? []).first { $0["unit"] as? String == unit } ?? [:]
    }

    static func staff(_ aggregate: Any?) -> Double? {
        ((aggregate as? [String: Any])?["items"] as? [[String: Any]])?.first { $0["question"] as? String == "staff" }?[
            "value"
        ] as? Double
    }

    /// A province closes a commune that runs its own node: the centre and the commune's node hear
    /// of it, and the centre's own assignment stops expecting the commune too (as does the
    /// province's); a node outside the subtree is not told; the closure is kept once.
    @Test func aClosureTravelsToEveryNodeThatCountsTheUnit() async throws {
        try await TestFederation.run { f in
            let centre = try await f.login("tw.admin", at: "centre")
            #expect(try await centre.call(.POST, "/api/v1/forms", body: Self.form).status == 201)
            let national = try #require(
                try await centre.call(
                    .POST,
                    "/api/v1/assignments",
                    body: ["form": "TD-THANG", "period": Self.future, "level": "commune"]
                ).json["id"] as? String
            )
            let province = try await f.login("bni.admin", at: "bac-ninh")
            #expect(
                try await province.call(.POST, "/api/v1/forms", body: AccessMatrixTests.Matrix.form("BNI-THANG")).status
                    == 201
            )
            let own = try #require(
                try await province.call(
                    .POST,
                    "/api/v1/assignments",
                    body: ["form": "BNI-THANG", "period": Self.future, "level": "commune"]
                ).json["id"] as? String
            )
            try await f.eventually("the centre's assignment reaches Bắc Ninh") {
                try await f.local("bac-ninh").database.pool.read { db in
                    try AssignmentRecord.fetchOne(db, key: national)
                } != nil
            }

            let closed = try await province.call(
                .POST,
                "/api/v1/units/BNI-YP/closure",
                body: ["closedOn": "2099-11-01", "mergedInto": "BNI-KB", "reason": "Sáp nhập xã"]
            )
            #expect(closed.status == 201, "\(closed.text)")
            #expect(closed.json["withdrawnFrom"] as? [String] == [own], "here, the province's own assignment")

            let viewer = try await f.login("tw.approver", at: "centre")
            try await f.eventually("the centre stops expecting Yên Phong") {
                Self.total(try await Self.figures(viewer, national))["expected"] as? Int == 3
            }
            let amendments = try await Self.figures(viewer, national)["amendments"] as? [[String: Any]] ?? []
            #expect(
                amendments.contains {
                    $0["unit"] as? String == "BNI-YP" && $0["change"] as? String == "withdrawn"
                        && $0["decidedBy"] as? String == "bni.admin"
                }
            )
            let closures = { (node: String) in
                try await f.local(node).database.pool.read { db in
                    try String.fetchAll(db, sql: "SELECT unit FROM unit_closures")
                }
            }
            try await f.eventually("Yên Phong's node knows it is closed") {
                try await closures("yen-phong") == ["BNI-YP"]
            }
            #expect(try await closures("centre") == ["BNI-YP"])
            let (laoCai, kinhBac) = (try await closures("lao-cai"), try await closures("kinh-bac"))
            #expect(laoCai.isEmpty && kinhBac.isEmpty, "nodes that do not count Yên Phong are not told")
            #expect(
                try await centre.call(
                    .POST,
                    "/api/v1/units/BNI-YP/closure",
                    body: ["closedOn": "2099-10-01", "reason": "lần nữa"]
                ).status == 409,
                "the closure is already recorded at the centre"
            )
            try await f.eventually("Yên Phong's node stops expecting itself in the centre's assignment") {
                try await f.local("yen-phong").database.pool.read { db in
                    try f.local("yen-phong").expectations.expectation(of: national, db).contains("BNI-YP")
                } == false
            }
        }
    }

    @Test func theCentresFiguresEndExact() async throws {
        try await TestFederation.run { f in
            let centre = try await f.login("tw.admin", at: "centre")
            #expect(try await centre.call(.POST, "/api/v1/forms", body: Self.form).status == 201)
            var ids: [String: String] = [:]
            for period in [Self.future, Self.past] {
                let made = try await centre.call(
                    .POST,
                    "/api/v1/assignments",
                    body: ["form": "TD-THANG", "period": period, "level": "commune"]
                )
                ids[period] = try #require(made.json["id"] as? String, "\(made.text)")
            }
            let (past, future) = (ids[Self.past]!, ids[Self.future]!)

            // The centre stops expecting Sa Pa in December (an amendment), and Yên Phong closes
            // on 1 December 2099, merged into Kinh Bắc: September keeps both.
            let amended = try await centre.call(
                .POST,
                "/api/v1/assignments/\(future)/amendments",
                body: ["withdraw": ["LCA-SP"], "reason": "Sa Pa báo cáo theo biểu riêng"]
            )
            #expect(amended.status == 201, "\(amended.text)")
            let refused = try await centre.call(
                .POST,
                "/api/v1/assignments/\(future)/amendments",
                body: ["withdraw": ["LCA-SP"], "reason": "lần nữa"]
            )
            #expect(refused.status == 422, "a unit not expected cannot be withdrawn again")
            let closed = try await centre.call(
                .POST,
                "/api/v1/units/BNI-YP/closure",
                body: ["closedOn": "2099-12-01", "mergedInto": "BNI-KB", "reason": "Sắp xếp đơn vị hành chính"]
            )
            #expect(closed.status == 201, "\(closed.text)")
            #expect(closed.json["withdrawnFrom"] as? [String] == [future], "only the period due after the closure")
            #expect(
                try await centre.call(
                    .POST,
                    "/api/v1/assignments",
                    body: ["form": "TD-THANG", "period": "2099-11", "units": ["BNI-YP"]]
                ).status == 422,
                "a closed unit is not assigned again"
            )

            // Out of order: Kinh Bắc's December report goes first, then the late September ones.
            try await Self.report(f, unit: "BNI-KB", node: "kinh-bac", assignment: future, staff: 4)
            try await Self.report(f, unit: "BNI-KB", node: "kinh-bac", assignment: past, staff: 5)
            try await Self.report(f, unit: "BNI-YP", node: "yen-phong", assignment: past, staff: 7)
            try await Self.report(f, unit: "BNI-TD", node: "bac-ninh", assignment: past, staff: 9, approve: false)
            // Sa Pa approves December although it was withdrawn: held above, never counted over.
            try await Self.report(f, unit: "LCA-SP", node: "sa-pa", assignment: future, staff: 100)

            let national = try await f.login("tw.approver", at: "centre")
            try await f.eventually("the centre holds every approved report", seconds: 30) {
                try await f.local("centre").database.pool.read { db in
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM reports WHERE state = 'approved'")
                } == 4
            }
            let september = try await Self.figures(national, past)
            #expect(Self.total(september)["expected"] as? Int == 4, "September still expects all four communes")
            #expect(
                Self.total(september)["submitted"] as? Int == 2 && Self.total(september)["approved"] as? Int == 2,
                "the centre counts what it received"
            )
            #expect(Self.total(september)["approvedOnTime"] as? Int == 0, "approved after the 25 September deadline")
            #expect(Self.total(september)["approvedPercent"] as? Double == 50)
            #expect(Self.staff(september["aggregate"]) == 12)
            let bacNinh = Self.child(september, "BNI")
            #expect(
                (bacNinh["figures"] as? [String: Any])?["expected"] as? Int == 3
                    && (bacNinh["figures"] as? [String: Any])?["approved"] as? Int == 2
            )
            #expect(Self.staff(bacNinh["aggregate"]) == 12)
            let sync = try #require(bacNinh["sync"] as? [String: Any])
            #expect(
                sync["hostedHere"] as? Bool == false && sync["node"] as? String == "bac-ninh"
                    && sync["lastContact"] is String,
                "when Bắc Ninh last synced"
            )
            #expect((Self.child(september, "LCA")["figures"] as? [String: Any])?["expected"] as? Int == 1)

            let december = try await Self.figures(national, future)
            #expect(
                Self.total(december)["expected"] as? Int == 2,
                "Sa Pa withdrawn, Yên Phong closed: Kinh Bắc and Tiên Du"
            )
            #expect(
                Self.total(december)["approved"] as? Int == 1 && Self.total(december)["approvedOnTime"] as? Int == 1
            )
            #expect(Self.total(december)["approvedPercent"] as? Double == 50)
            #expect(Self.staff(december["aggregate"]) == 4, "Sa Pa's withdrawn report is not added in")
            #expect(
                (december["amendments"] as? [[String: Any]])?.map { $0["unit"] as? String } == ["LCA-SP", "BNI-YP"]
            )

            // The province sees its own subtree, with Tiên Du's submission it hosts.
            let province = try await f.login("bni.approver", at: "bac-ninh")
            try await f.eventually("the amendments reach Bắc Ninh") {
                Self.total(try await Self.figures(province, future))["expected"] as? Int == 2
            }
            let provincial = try await Self.figures(province, past)
            #expect(
                Self.total(provincial)["expected"] as? Int == 3 && Self.total(provincial)["submitted"] as? Int == 3
                    && Self.total(provincial)["approved"] as? Int == 2
            )
            #expect((Self.child(provincial, "BNI-TD")["sync"] as? [String: Any])?["hostedHere"] as? Bool == true)
            #expect(
                try await province.call(.GET, "/api/v1/assignments/\(past)/figures?unit=LCA").status == 403,
                "never a sibling's figures"
            )

            // Trend over the form's periods and comparison between units.
            let trend = try await national.call(.GET, "/api/v1/figures/trend?form=TD-THANG&owner=TW")
            #expect(trend.status == 200, "\(trend.text)")
            #expect(
                (trend.json["periods"] as? [[String: Any]])?.map { $0["period"] as? String } == [
                    Self.past, Self.future,
                ]
            )
            let series = try #require(
                ((trend.json["trend"] as? [String: Any])?["series"] as? [[String: Any]])?.first {
                    $0["question"] as? String == "staff"
                }
            )
            #expect((series["points"] as? [[String: Any]])?.map { $0["value"] as? Double } == [12, 4])
            #expect((series["points"] as? [[String: Any]])?.last?["change"] as? Double == -8)
            let compared = try await national.call(.GET, "/api/v1/assignments/\(past)/compare?units=BNI,LCA,BNI-KB")
            #expect(
                (compared.json["rows"] as? [[String: Any]])?.map {
                    ($0["figures"] as? [String: Any])?["approved"] as? Int
                } == [2, 0, 1]
            )

            try await figuresOnScreen(f, september: past)
            try await congressDates(f)
            // Every level kept its figures as reports arrived, were returned and approved again.
            for node in ["centre", "bac-ninh", "kinh-bac", "lao-cai"] {
                let check = try await f.local(node).keptFigures.check()
                #expect(check.differences.isEmpty && check.units > 0, "\(node): \(check.differences)")
            }
        }
    }

    /// Issue L.9: the same figures on the centre's dashboard: the provinces on a map laid out
    /// like the country, the answers per province (each a link one level down), and the form
    /// across its periods.
    func figuresOnScreen(_ f: TestFederation, september past: String) async throws {
        let centre = try await WebPageTests.browser(f, "tw.approver", at: "centre", codeOffset: 30)
        let september = try await centre.get("/app?assignment=\(past)")
        #expect(september.status == 200)
        let page = september.text
        // Lào Cai in the north-west corner of the map, Bắc Ninh a column east and two rows south.
        #expect(page.contains("class=\"tiles map\""), "\(page.prefix(400))")
        #expect(page.contains("aria-label=\"Tỉnh Lào Cai: 0 %\"><rect x=\"0\" y=\"0\""), "\(page)")
        #expect(page.contains("aria-label=\"Tỉnh Bắc Ninh: 66,7 %\"><rect x=\"156\" y=\"136\""), "\(page)")
        let pivot = HomePageTests.section(page, id: "pivot", tag: "table")
        #expect(
            pivot.contains("Số cán bộ chuyên trách <span class=\"rule\">(tổng)</span>")
                && pivot.contains(
                    "<a href=\"/app?assignment=\(past)&amp;unit=BNI\">Tỉnh Bắc Ninh</a></th><td class=\"number\">12</td>"
                ) && pivot.contains("Tỉnh Lào Cai</a></th><td class=\"number\">—</td>")
                && pivot.contains("<tr class=\"total\">"),
            "\(pivot)"
        )
        let trend = HomePageTests.section(page, id: "trend", tag: "table")
        #expect(
            trend.contains("Tháng 9/2025") && trend.contains("Tháng 12/2099")
                && trend.contains(
                    "<th scope=\"row\">Số cán bộ chuyên trách</th><td class=\"number\">12</td><td class=\"number\">4 (-66,7 %)</td>"
                ),
            "\(trend)"
        )
        #expect(page.contains("class=\"trend\"") && page.contains("role=\"img\" aria-label=\"Tiến độ qua các kỳ\""))
        // Each numeric answer drawn across the periods too: 12 staff in September, 4 in December.
        let staff = try #require(
            page.range(of: "class=\"trend series\"").flatMap { start in
                page.range(of: "</svg>", range: start.upperBound..<page.endIndex).map {
                    String(page[start.lowerBound..<$0.upperBound])
                }
            }
        )
        #expect(
            staff.contains("aria-label=\"Số cán bộ chuyên trách\"") && staff.contains(">12</text>")
                && staff.contains(">4</text>"),
            "\(staff.prefix(3000))"
        )
        // A province's children are communes: rows of tiles, not the country's map.
        let province = try await WebPageTests.browser(f, "bni.approver", at: "bac-ninh", codeOffset: 30)
        let provincial = try await province.get("/app?assignment=\(past)")
        #expect(provincial.text.contains("class=\"tiles\"") && !provincial.text.contains("tiles map"))
        #expect(HomePageTests.section(provincial.text, id: "pivot", tag: "table").contains("Phường Kinh Bắc"))
    }

    /// Congress dates chosen at three levels, one changed twice, one replayed late and old: the
    /// centre keeps the latest by each unit's own sequence.
    func congressDates(_ f: TestFederation) async throws {
        let kinhBac = try await f.login("bni-kb.approver", at: "kinh-bac")
        #expect(try await kinhBac.call(.PUT, "/api/v1/congress", body: ["date": "2099-06-10"]).status == 200)
        let moved = try await kinhBac.call(
            .PUT,
            "/api/v1/congress",
            body: ["date": "2020-05-20", "note": "Đại hội điểm"]
        )
        #expect(moved.json["sequence"] as? Int == 2 && moved.json["status"] as? String == "held", "\(moved.text)")
        #expect(
            try await f.login("bni-kb.entry", at: "kinh-bac").call(
                .PUT,
                "/api/v1/congress",
                body: ["date": "2020-05-21"]
            ).status == 403
        )
        #expect(try await kinhBac.call(.PUT, "/api/v1/congress", body: ["date": "2020-02-30"]).status == 422)
        #expect(
            try await f.login("lca-sp.approver", at: "sa-pa").call(
                .PUT,
                "/api/v1/congress",
                body: ["date": "2099-03-01"]
            ).status == 200
        )
        #expect(
            try await f.login("bni-td.approver", at: "bac-ninh").call(
                .PUT,
                "/api/v1/congress",
                body: ["date": "2021-01-15"]
            ).status == 200
        )
        #expect(
            try await f.login("bni.approver", at: "bac-ninh").call(
                .PUT,
                "/api/v1/congress",
                body: ["date": "2099-10-01"]
            ).status == 200
        )

        let national = try await f.login("tw.approver", at: "centre")
        func rows(_ query: String) async throws -> [[String: Any]] {
            let reply = try await national.call(.GET, "/api/v1/congress\(query)")
            #expect(reply.status == 200, "\(reply.text)")
            return reply.json["rows"] as? [[String: Any]] ?? []
        }
        try await f.eventually("every date reaches the centre", seconds: 30) {
            let dated = try await rows("?level=commune").filter { $0["date"] != nil }
            return dated.count == 3 && dated.first { $0["unit"] as? String == "BNI-KB" }?["sequence"] as? Int == 2
        }
        // A late, older change replayed at the centre (as Bắc Ninh would relay it) changes nothing.
        let stale = CongressNotice(
            date: CongressDate(unit: "BNI-KB", date: CalendarDate("2099-06-10")!, sequence: 1),
            decidedBy: "bni-kb.approver",
            decidedAt: TestDay.start
        )
        let results = try await f.local("centre").inbox.receive(
            [
                Envelope(
                    origin: "BNI",
                    kind: .congressScheduled,
                    unit: "BNI-KB",
                    body: try JSONEncoder.federation.encode(stale)
                )
            ],
            direction: .fromChild
        )
        #expect(results.first?.status == .applied && results.first?.detail.contains("not newer") == true, "\(results)")
        let kb = try #require(try await rows("?area=BNI").first { $0["unit"] as? String == "BNI-KB" })
        #expect(kb["date"] as? String == "2020-05-20" && kb["note"] as? String == "Đại hội điểm")

        #expect(try await rows("?level=commune&status=held").map { $0["unit"] as? String } == ["BNI-KB", "BNI-TD"])
        #expect(
            try await rows("?level=commune&status=not_held").map { $0["unit"] as? String } == ["BNI-YP", "LCA-SP"],
            "no date yet counts as not held"
        )
        #expect(try await rows("?from=2099-01-01&to=2099-12-31").map { $0["unit"] as? String } == ["BNI", "LCA-SP"])
        #expect(try await rows("?area=LCA").map { $0["unit"] as? String } == ["LCA", "LCA-SP"])
        #expect(try await national.call(.GET, "/api/v1/congress?status=soon").status == 400)
        let province = try await f.login("bni.approver", at: "bac-ninh")
        #expect(try await province.call(.GET, "/api/v1/congress?area=LCA").status == 403, "never a sibling's area")

        let csv = try await national.call(.GET, "/api/v1/congress/export?format=csv&level=commune")
        #expect(csv.status == 200 && csv.headers["content-type"]?.hasPrefix("text/csv") == true)
        #expect(
            csv.text.contains("Phường Kinh Bắc") && csv.text.contains("20/05/2020") && csv.text.contains("Đã tổ chức"),
            "\(csv.text)"
        )
        let xlsx = try await national.call(.GET, "/api/v1/congress/export?format=xlsx")
        #expect(xlsx.status == 200 && xlsx.data.prefix(2) == Data("PK".utf8))
    }
}
