import Federation
import Foundation
import GRDB
import Hierarchy
import Testing

@testable import Node
@testable import NodeCommands

/// Issue F: a province restored from an older backup gets back, with no manual step, what its
/// communes and the centre had sent it since (its epoch changes; they resend).
@Suite(.serialized) struct BackupRestoreTests {
    @Test func restoredProvinceRecoversWhatItsPeersSentSince() async throws {
        let directory = TestFederation.scratchFolder("restore")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let backup = directory + "/backup-bac-ninh"
        let provinceDatabase = DemoFederation.databasePath(in: directory, node: "bac-ninh")
        var later: (assignment: String, yenPhong: String, kinhBac: String, account: String) = ("", "", "", "")
        var epochBefore = ""
        var approverToken = ""
        let clock = AnchoredClock(startingAt: TestDay.start)
        try await TestFederation.run(in: directory, clock: clock) { f in
            let first = try await f.assignToCommunes(period: "2026-10", createForm: true)
            let kinhBac = try #require(
                try await Self.retry {
                    try await f.approveReport(unit: "BNI-KB", node: "kinh-bac", assignment: first, staff: 3)
                }
            )
            // Sessions used after the restore are opened before the backup, so the copy knows them.
            approverToken = try await f.login("bni.approver", at: "bac-ninh").token ?? ""
            try await f.eventually("the first report reaches the centre") {
                try await f.count(
                    "centre",
                    "SELECT COUNT(*) FROM reports WHERE id = ? AND state = 'approved'",
                    [kinhBac]
                ) == 1
            }
            epochBefore = try await f.local("bac-ninh").epochs.own()
            // A consistent copy while the province serves.
            let manifest = try NodeBackup.make(database: provinceDatabase, into: backup, clock: SystemClock())
            #expect(manifest.node == "bac-ninh" && manifest.epoch == epochBefore)

            // Work goes on: Yên Phong approves, the centre assigns again, Kinh Bắc approves that,
            // the province's admin creates an admin for a commune (passed down).
            later.yenPhong = try #require(
                try await Self.retry {
                    try await f.approveReport(unit: "BNI-YP", node: "yen-phong", assignment: first, staff: 5)
                }
            )
            later.assignment = try await f.assignToCommunes(period: "2026-11", createForm: false)
            later.kinhBac = try #require(
                try await Self.retry {
                    try await f.approveReport(unit: "BNI-KB", node: "kinh-bac", assignment: later.assignment, staff: 7)
                }
            )
            let province = try await f.login("bni.admin", at: "bac-ninh")
            later.account = "qt2.bni-kb"
            let created = try await province.call(
                .POST,
                "/api/v1/accounts",
                body: ["username": later.account, "fullName": "Quản trị 2", "unit": "BNI-KB", "role": "admin"]
            )
            #expect(created.status == 201, "\(created.text)")
            _ = try await f.converge(accounts: [later.account: "kinh-bac"])
        }

        // The province goes back to its backup.
        let epochAfter = try NodeBackup.restore(from: backup, to: provinceDatabase, clock: SystemClock())
        #expect(epochAfter != epochBefore)
        let restored = try DatabaseQueue(path: provinceDatabase)
        let sentSince = [later.yenPhong, later.kinhBac]
        let (lost, integrity) = try await restored.read { db in
            (
                try Int.fetchOne(
                    db,
                    sql: "SELECT COUNT(*) FROM reports WHERE id IN (?, ?)",
                    arguments: StatementArguments(sentSince)
                ) ?? -1,
                try String.fetchOne(db, sql: "PRAGMA integrity_check")
            )
        }
        try restored.close()
        #expect(lost == 0, "the restored province has gone back in time")
        #expect(integrity == "ok")

        let assignment = later.assignment
        let kinhBac = later.kinhBac
        let token = approverToken
        try await TestFederation.run(in: directory, clock: clock) { f in
            let took = try await f.converge()
            print("restored province converged \(took) after its restart")
            let province = f.local("bac-ninh")
            #expect(try await province.epochs.own() == epochAfter)
            try await f.eventually("the province holds again what was sent since its backup", seconds: 30) {
                let reports = try await f.count(
                    "bac-ninh",
                    "SELECT COUNT(*) FROM reports WHERE id IN (?, ?) AND state = 'approved'",
                    StatementArguments(sentSince)
                )
                let assignments = try await f.count(
                    "bac-ninh",
                    "SELECT COUNT(*) FROM assignments WHERE id = ?",
                    [assignment]
                )
                return reports == 2 && assignments == 1
            }
            // Nothing was applied twice anywhere, and nobody parked anything.
            _ = try await f.converge()
            for server in f.federation.servers {
                let node = server.local.node.name
                #expect(
                    try await f.count(node, "SELECT COUNT(*) FROM inbox WHERE status = 'parked'") == 0,
                    "\(node) parked nothing"
                )
                #expect(
                    try await f.count(
                        node,
                        "SELECT COUNT(*) FROM (SELECT report_id FROM report_events WHERE action = 'received' GROUP BY report_id HAVING COUNT(*) > 1)"
                    ) == 0,
                    "\(node) applied no approval twice"
                )
            }
            // The province still works: its approver returns a report that came back to it.
            // Its session was opened before the backup (the listener's port is new in this run).
            let approver = APIClient(baseURL: f.node("bac-ninh").webURL, caPath: f.manifest.ca, token: token)
            let returned = try await approver.call(
                .POST,
                "/api/v1/reports/\(kinhBac)/return",
                body: ["message": "Bổ sung"]
            )
            #expect(returned.status == 200, "\(returned.text)")
            try await f.eventually("the return reaches the commune") {
                try await f.count(
                    "kinh-bac",
                    "SELECT COUNT(*) FROM reports WHERE id = ? AND state = 'returned'",
                    [kinhBac]
                ) == 1
            }
            #expect(
                try await f.count("kinh-bac", "SELECT COUNT(*) FROM audit WHERE action = 'sync.parent-restored'") == 1,
                "the commune saw its parent's restore once"
            )
        }
    }

    /// Retries while the assignment has not reached the node yet (nil), up to 20 s.
    static func retry<T>(_ body: () async throws -> T?) async throws -> T? {
        for _ in 0..<80 {
            if let value = try await body() { return value }
            try await Task.sleep(for: .milliseconds(250))
        }
        return nil
    }
}
