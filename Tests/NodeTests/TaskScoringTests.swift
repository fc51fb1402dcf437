import Foundation
import Hierarchy
import Testing

@testable import Node

/// Decision 4587's A1–A3 come from the tasks the centre assigned and the provinces reported on,
/// as they arrive through the federation — not from figures typed in.
@Suite(.serialized) struct TaskScoringTests {
    @Test func recordedTasksScoreA() async throws {
        try await TestFederation.run { f in
            let today = f.clock.today()
            let month = String(today.description.prefix(7))
            let centre = try await f.login("tw.approver", at: "centre")
            let due = try await centre.call(
                .POST,
                "/api/v1/tasks",
                body: ["title": "Báo cáo số hoá tháng", "deadline": today.description, "units": ["BNI"]]
            )
            let dueID = try #require(due.json["id"] as? String, "\(due.text)")
            // Given on paper long ago, recorded late, still open: overdue when the month began.
            let old = try await centre.call(
                .POST,
                "/api/v1/tasks",
                body: ["title": "Rà soát thủ tục", "deadline": today.adding(days: -45).description, "units": ["BNI"]]
            )
            #expect(old.status == 201, "\(old.text)")

            let province = try await f.login("bni.entry", at: "bac-ninh")
            try await f.eventually("the tasks reach the province") {
                try await province.call(.GET, "/api/v1/tasks").items.count == 2
            }
            #expect(
                try await province.call(.POST, "/api/v1/tasks/\(dueID)/complete", body: ["note": "Đã xong"]).status
                    == 200
            )

            var working: [String: String] = [:]
            try await f.eventually("the completion reaches the centre and counts") {
                let table = try await centre.call(.GET, "/api/v1/scores?month=\(month)").json
                let rows = table["rows"] as? [[String: Any]] ?? []
                let bni = rows.first { $0["unit"] as? String == "BNI" } ?? [:]
                working = (bni["components"] as? [[String: Any]] ?? []).reduce(into: [String: String]()) {
                    $0[$1["code"] as! String] = $1["working"] as? String
                }
                return working["A1"] == "1 / 2 × 18"
            }
            #expect(working["A1"] == "1 / 2 × 18", "one of the two tasks due was done on time: \(working)")
        }
    }
}
