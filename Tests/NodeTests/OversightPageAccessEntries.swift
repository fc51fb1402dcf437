import Auth
import Foundation
import Scoring

@testable import Node
@testable import NodeHTTP

/// The access matrix's entries for the scoring, public ranking and congress schedule pages. They
/// answer as the API's routes they stand on (`ScoringRoutes`, `CongressRoutes`), with the pages'
/// two differences (see `PageAccessEntries`): success of a post is 303, no session is 303 to login.
extension AccessMatrixTests {
    /// A CSV file posted as a page's file field.
    static func multipartCSV(_ csv: String, month: String) -> (body: String, type: String) {
        let boundary = "rn-matrix-boundary"
        let body =
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"month\"\r\n\r\n\(month)\r\n"
            + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"so-lieu.csv\"\r\nContent-Type: text/csv\r\n\r\n\(csv)\r\n--\(boundary)--\r\n"
        return (body, "multipart/form-data; boundary=\(boundary)")
    }

    static func oversightPageEntries() -> [Entry] {
        [
            Entry(
                "GET /app/scores",
                Case("the scores of the units it scores", expect: Rule.everyone) { m, a in
                    try await m.web(a).call(.GET, "/app/scores?month=2026-10")
                }
            ),
            Entry(
                "POST /app/scores/entry",
                Case("enters a figure of the subject", expect: redirects(Rule.scoresSubject)) { m, a in
                    try await post(
                        m,
                        a,
                        "/app/scores/entry",
                        ["unit": m.subject.unit, "month": "2026-10", "v:bonus": "\(m.next() % 6)"]
                    )
                }
            ),
            Entry(
                "POST /app/scores/import",
                Case("imports a figure of the subject", expect: redirects(Rule.scoresSubject)) { m, a in
                    let file = multipartCSV(
                        "unit,month,indicator,value\n\(m.subject.unit),2026-10,meetingsHeld,\(m.next())\n",
                        month: "2026-10"
                    )
                    return try await m.web(a).call(.POST, "/app/scores/import", body: file.body, contentType: file.type)
                }
            ),
            Entry(
                "POST /app/scores/{month}/publish",
                Case("publishes its unit's ranking", expect: redirects(Rule.publishesRanking)) { m, a in
                    try await post(m, a, "/app/scores/2026-10/publish")
                }
            ),
            Entry(
                "GET /app/public/ranking",
                public: true,
                Case("the node's published ranking, without login", expect: Rule.everyone) { m, _ in
                    _ = try await m.f.local(node).scores.publishScores(
                        month: ScoreMonth("2026-09")!,
                        by: Actor(username: "bni.approver", unit: nodeUnit, role: .approver)
                    )
                    return try await m.anonymous.call(.GET, "/app/public/ranking?month=2026-09")
                }
            ),
            Entry(
                "GET /app/indicators/{code}",
                Case("the subject's figures of the province's indicator", expect: Rule.seesSubject) { m, a in
                    try await m.web(a).call(.GET, "/app/indicators/AM-CHI-SO?period=2027-01&unit=\(m.subject.unit)")
                }
            ),
            Entry(
                "GET /app/congress",
                Case("its own unit's congress date", expect: Rule.everyone) { m, a in
                    try await m.web(a).call(.GET, "/app/congress")
                },
                Case("the subject's congress schedule", expect: Rule.seesSubject) { m, a in
                    try await m.web(a).call(.GET, "/app/congress?area=\(m.subject.unit)")
                }
            ),
            Entry(
                "POST /app/congress",
                Case("sets its own unit's congress date", expect: redirects(Rule.leadsOwnUnit)) { m, a in
                    try await post(
                        m,
                        a,
                        "/app/congress",
                        ["date": "2026-0\(m.next() % 9 + 1)-20", "note": "Thử quyền"]
                    )
                }
            ),
        ]
    }
}
