import Auth
import Federation
import Foundation
import GRDB
import TestSupport
import Testing

@testable import Node

/// Issue J.8, "the audit trail has a witness": each node's audit head travels up in its status,
/// its parent keeps the heads it saw, a head going back on them is a cut (kept, audited, alerted,
/// shown on the nodes list), a child reads only its own witness over mTLS, and the comparison
/// `reportnet audit verify` makes names entries cut off the end of a trail. The real processes
/// and the real command are in `AuditWitnessProcessTests`.
@Suite(.serialized) struct AuditWitnessTests {
    static func status(_ unit: String, _ node: String, at: Date, head: AuditHead?) -> NodeStatus {
        NodeStatus(
            unit: unit,
            node: node,
            softwareVersion: SoftwareVersion.current,
            protocolVersion: ProtocolVersion.current,
            reportedAt: at,
            parked: 0,
            certificateExpiry: nil,
            databaseBytes: nil,
            upPending: 0,
            upCurrentAt: at,
            lastContact: nil,
            downPending: 0,
            downCurrentAt: nil,
            auditHead: head
        )
    }

    static func hash(_ seq: Int64, _ variant: String = "") -> String {
        String(repeating: "\(seq % 10)", count: 48) + variant.padding(toLength: 16, withPad: "0", startingAt: 0)
    }

    @Test func aHeadGoingBackIsACutThatRaisesAnAlert() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let centre = try nodes.open("centre")
        let admin = Actor(username: "tw.admin", unit: "TW", role: .admin)
        var at = nodes.clock.now()
        func send(_ head: AuditHead?) async throws {
            at = at.addingTimeInterval(60)
            let report = StatusReport(statuses: [Self.status("BNI", "bac-ninh", at: at, head: head)], sentAt: at)
            #expect(try await centre.statusReports.receive(report, from: "BNI") == 1)
        }
        func cutAlerts() async throws -> [AlertView] {
            try await centre.alerts.visible(to: admin, includeCleared: false).filter { $0.kind == .auditCut }
        }

        // An older child sends no head: its status is taken, nothing is witnessed.
        try await send(nil)
        #expect(try await centre.auditWitnessing.witnessed("BNI").heads.isEmpty)
        // The trail grows: every head is witnessed, nothing is found.
        try await send(AuditHead(seq: 10, hash: Self.hash(10)))
        try await send(AuditHead(seq: 12, hash: Self.hash(12)))
        try await send(AuditHead(seq: 12, hash: Self.hash(12)))
        #expect(try await centre.auditWitnessing.witnessed("BNI").heads.map(\.seq) == [12, 10])
        #expect(try await cutAlerts().isEmpty)
        let seenAt = try #require(try await centre.auditWitnessing.witnessed("BNI").heads.first?.seenAt)

        // Entries 11 and 12 are cut off: the head goes back to 10.
        try await send(AuditHead(seq: 10, hash: Self.hash(10)))
        let witness = try await centre.auditWitnessing.witnessed("BNI")
        #expect(witness.cuts.count == 1)
        let cut = try #require(witness.cuts.first)
        #expect(cut.unit == "BNI" && cut.witnessedSeq == 12 && cut.witnessedHash == Self.hash(12))
        #expect(cut.reportedSeq == 10 && cut.witnessedAt == seenAt)
        let alerts = try await cutAlerts()
        #expect(alerts.count == 1 && alerts.first?.unit == "BNI", "\(alerts)")
        #expect(alerts.first?.message.contains("mục 12") == true, "\(alerts.first?.message ?? "")")
        #expect(alerts.first?.messageEN.contains("entry 12 was witnessed") == true)
        let listed = try #require(try await centre.nodesAtAGlance.overview(for: admin).items.first { $0.unit == "BNI" })
        #expect(listed.auditCut?.witnessedSeq == 12 && listed.auditHead?.seq == 10)
        let audited = try await centre.database.pool.read { db in
            try String.fetchAll(db, sql: "SELECT detail FROM audit WHERE action = 'audit.witness-cut' AND unit = 'BNI'")
        }
        #expect(audited.count == 1 && audited[0].contains("witnessed entry 12"), "\(audited)")

        // The witness follows the trail from the cut on: the same head again, or a growing one,
        // finds nothing new; the cut stays on record and its alert stands (until acknowledged).
        try await send(AuditHead(seq: 10, hash: Self.hash(10)))
        try await send(AuditHead(seq: 11, hash: Self.hash(11, "again")))
        #expect(try await centre.auditWitnessing.witnessed("BNI").cuts.count == 1)
        #expect(try await cutAlerts().count == 1)
        _ = try await centre.alerts.refresh()
        #expect(try await cutAlerts().count == 1, "rule evaluation leaves the witness's alerts alone")

        // A seen entry with another hash (the trail cut and written again) is a cut too.
        try await send(AuditHead(seq: 11, hash: Self.hash(11, "rewritten")))
        #expect(try await centre.auditWitnessing.witnessed("BNI").cuts.map(\.witnessedSeq) == [11, 12])
        #expect(try await cutAlerts().count == 2)

        // A relayed status older than the one held says nothing of the trail now.
        let stale = StatusReport(
            statuses: [
                Self.status("BNI", "bac-ninh", at: at.addingTimeInterval(-3600), head: AuditHead(seq: 1, hash: "x"))
            ],
            sentAt: at
        )
        _ = try await centre.statusReports.receive(stale, from: "BNI")
        #expect(try await centre.auditWitnessing.witnessed("BNI").cuts.count == 2)
        // The whole trail cut away: the head of an empty trail is entry 0, lower than any seen.
        try await send(AuditHead(seq: 0, hash: ""))
        #expect(try await centre.auditWitnessing.witnessed("BNI").cuts.first?.witnessedSeq == 11)
        // What the centre witnessed of one node is not another's.
        #expect(try await centre.auditWitnessing.witnessed("LCA") == AuditWitness(unit: "LCA", heads: [], cuts: []))
    }

    /// The comparison `audit verify` makes: a trail cut at its end is whole as a chain, and the
    /// witness names the entry it lost.
    @Test func theWitnessShowsEntriesCutOffTheEnd() async throws {
        let nodes = try LocalNodes()
        defer { nodes.remove() }
        let node = try nodes.open("bac-ninh")
        for index in 1...4 {
            try await node.accounts.seed(
                username: "bni.user\(index)",
                fullName: "U\(index)",
                unit: "BNI",
                role: .viewer,
                password: "Mật khẩu dài \(index)00"
            )
        }
        let pool = node.database.pool
        let head = try await pool.read { try AuditTrail.head($0) }
        #expect(head.seq >= 4)
        let status = try await node.statusReports.ownStatus()
        #expect(status.auditHead == head, "the status carries the trail's head")
        let witness = AuditWitness(
            unit: "BNI",
            heads: [WitnessedHead(seq: head.seq, hash: head.hash, seenAt: nodes.clock.now())],
            cuts: []
        )
        let path = node.database.path
        #expect(try await AuditTrail.compare(witness, databaseAt: path).disagreements.isEmpty)

        try await pool.write { db in
            try db.execute(sql: "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete")
            try db.execute(sql: "DELETE FROM audit WHERE seq > ?", arguments: [head.seq - 2])
        }
        #expect(try await pool.read { try AuditTrail.verify($0, seal: node.auditSeal) } == nil, "the chain is whole")
        let (end, disagreements) = try await AuditTrail.compare(witness, databaseAt: path)
        #expect(end == head.seq - 2)
        let cut = try #require(disagreements.first)
        #expect(cut.witnessedSeq == head.seq && cut.hashHere == nil && cut.trailEnd == head.seq - 2)
        #expect(
            cut.description.hasPrefix(
                "trail cut: the parent witnessed entry \(head.seq) (hash \(head.hash.prefix(16))…)"
            )
                && cut.description.hasSuffix("the trail ends at \(head.seq - 2)"),
            "\(cut.description)"
        )

        // The trail grows back to the same length with other entries: the parent kept the cut and
        // now sees a head of the same number; the cut still shows.
        for index in 5...6 {
            try await node.accounts.seed(
                username: "bni.user\(index)",
                fullName: "U\(index)",
                unit: "BNI",
                role: .viewer,
                password: "Mật khẩu dài \(index)00"
            )
        }
        let regrown = try await pool.read { try AuditTrail.head($0) }
        #expect(regrown.seq >= head.seq && regrown.hash != head.hash)
        let afterRegrowth = AuditWitness(
            unit: "BNI",
            heads: [
                WitnessedHead(
                    seq: head.seq,
                    hash: try await pool.read { db in
                        try String.fetchOne(db, sql: "SELECT hash FROM audit WHERE seq = ?", arguments: [head.seq])
                            ?? ""
                    },
                    seenAt: nodes.clock.now()
                )
            ],
            cuts: [
                AuditCut(
                    unit: "BNI",
                    witnessedSeq: head.seq,
                    witnessedHash: head.hash,
                    witnessedAt: nodes.clock.now(),
                    reportedSeq: head.seq - 2,
                    reportedHash: "",
                    foundAt: nodes.clock.now()
                )
            ]
        )
        let regrownCheck = try await AuditTrail.compare(afterRegrowth, databaseAt: path)
        #expect(regrownCheck.disagreements.map(\.witnessedSeq) == [head.seq], "the cut entry still disagrees")
    }

    /// Over mutual TLS, a child reads what its parent witnessed of its own trail, which agrees
    /// with its database; a node that is not a direct child is refused.
    @Test func aChildReadsItsOwnWitnessOnly() async throws {
        try await TestFederation.run { f in
            let kinhBac = try f.federationClient(as: "kinh-bac", to: "bac-ninh")
            defer { Task { try? await kinhBac.shutdown() } }
            var witness = try await kinhBac.auditWitness()
            try await f.eventually("bac-ninh witnesses kinh-bac's head", seconds: 30) {
                witness = try await kinhBac.auditWitness()
                return !witness.heads.isEmpty
            }
            #expect(witness.unit == "BNI-KB")
            let compared = try await AuditTrail.compare(witness, databaseAt: f.local("kinh-bac").database.path)
            #expect(compared.disagreements.isEmpty, "\(compared.disagreements)")

            let bacNinh = try f.federationClient(as: "bac-ninh", to: "centre")
            defer { Task { try? await bacNinh.shutdown() } }
            try await f.eventually("the centre witnesses bac-ninh's head", seconds: 30) {
                let own = try await bacNinh.auditWitness()
                return own.unit == "BNI" && !own.heads.isEmpty
            }

            // A commune calling the centre directly skips a level: refused.
            let skipping = try f.federationClient(as: "kinh-bac", to: "centre")
            defer { Task { try? await skipping.shutdown() } }
            do {
                _ = try await skipping.auditWitness()
                Issue.record("the centre served a grandchild its witness")
            } catch let error as FederationCallError {
                #expect(error.status == 403, "\(error)")
            }
            // A parent asking its child: refused too.
            let downward = try f.federationClient(as: "bac-ninh", to: "kinh-bac")
            defer { Task { try? await downward.shutdown() } }
            do {
                _ = try await downward.auditWitness()
                Issue.record("a child served its parent a witness")
            } catch let error as FederationCallError {
                #expect(error.status == 403, "\(error)")
            }
        }
    }
}
