import Federation
import Foundation
import GRDB
import Hierarchy
import Node
import Reporting

/// Upward ingest at a parent: commune nodes push batches of signed, approved reports to their
/// province over mutual-TLS HTTP/2, through the real federation listener, which verifies every
/// signature (chain to the root, signer hosts the unit), checks each report against the
/// assignment and form, and stores it with its history in its inbox's transaction. Side by side:
/// the same rows written straight into a fresh node database with GRDB, in batches of the same
/// size, in the same run — the ceiling the federation path is measured against.
public struct IngestBenchmark: Sendable {
    public struct Figures: Sendable {
        public var reports = 0
        /// Reports per second through the federation listener, per run.
        public var federation = Sample()
        /// Rows' worth of reports per second through plain batched GRDB inserts, per run.
        public var raw = Sample()
        /// federation / raw, per run.
        public var ratio = Sample()
        /// Microseconds per report to verify its signer's chain and its signature alone, as the
        /// province does on arrival (`PayloadVerifier`), one report after another, per run.
        public var verification = Sample()
        /// Of which the chain alone (`ChainTrust.verify`, certificate parsing included).
        public var chain = Sample()
        /// Microseconds per report for the same check with each signer's chain validated once
        /// (`VerifiedSigners`, as a node checks what arrives).
        public var keptChains = Sample()
        /// Microseconds of this process's CPU (every thread: the province and the pushing communes,
        /// user and system) per report during the federation phase, per run.
        public var cpu = Sample()
        /// Cores this process kept busy on average during the federation phase, per run.
        public var cores = Sample()
    }

    public let directory: String
    public var communes = 20
    /// Reports each commune pushes (one per monthly period assigned by the province).
    public var reportsPerCommune = 25
    public var batchSize = 100
    public var runs = 3
    public var log: @Sendable (String) -> Void = { print($0) }

    public init(directory: String) {
        self.directory = directory
    }

    public func run() async throws -> Figures {
        var figures = Figures()
        for index in 1...runs {
            let (count, federationRate, rawRate, verification, cpuSeconds) = try await once(
                in: "\(directory)/run-\(index)"
            )
            figures.cpu.add(cpuSeconds / Double(max(count, 1)) * 1e6)
            figures.cores.add(cpuSeconds * federationRate / Double(max(count, 1)))
            figures.verification.add(verification.whole)
            figures.chain.add(verification.chain)
            figures.keptChains.add(verification.kept)
            figures.reports = count
            figures.federation.add(federationRate)
            figures.raw.add(rawRate)
            figures.ratio.add(federationRate / rawRate)
            log(
                "  run \(index): \(count) reports, federation \(format(federationRate, 0))/s, raw GRDB \(format(rawRate, 0))/s, ratio \(format(federationRate / rawRate, 3))"
            )
        }
        return figures
    }

    private func once(
        in folder: String
    ) async throws -> (Int, Double, Double, (whole: Double, chain: Double, kept: Double), Double) {
        let topology = NationalTopology(provinces: 1, communes: communes)
        let deployment = try topology.deployment()
        let province = NationalTopology.provinceCode(1)
        let communeNodes = deployment.nodes.filter { deployment.tree[$0.unit]?.level == .commune }
        var options = InProcessFederation.Options(directory: folder)
        options.pollWait = 5
        // The communes run here only as pushers holding their own certificates.
        let authority = try CertificateAuthority.makeRoot(commonName: "ReportNet benchmark root CA")
        let federation = try await InProcessFederation(
            deployment: deployment,
            options: options,
            authority: authority,
            absent: Set(communeNodes.map(\.unit))
        )
        let periods = (0..<reportsPerCommune).map { Period.month(2020 + $0 / 12, 1 + $0 % 12) }
        let form = SampleForm.monthly()
        let benchmark = self
        return try await federation.run { federation in
            // The province owns the form and assigns it for every period to all its communes.
            let seam = federation.seam(province)
            let admin = InProcessFederation.admin(province)
            try await seam.defineForm(form, by: admin)
            var assignments: [(id: String, period: Period)] = []
            for period in periods {
                assignments.append(
                    (
                        try await seam.assign(form: form.code, period: period.description, level: .commune, by: admin),
                        period
                    )
                )
            }
            // Each commune signs its approved reports with its own key (its node's work, not timed).
            var pushers: [(client: FederationClient, batches: [[Envelope]])] = []
            var rows: [ReportRow] = []
            var signedPayloads: [SignedPayload] = []
            let port = try await federation.federationPort(province)
            // Every client is shut down on every path: AsyncHTTPClient traps (in debug builds) on a
            // client released without it, which would end the whole test process, not one test.
            let applied: Int
            let federationSeconds: Double
            let cpuSeconds: Double
            do {
                for (index, node) in communeNodes.enumerated() {
                    let credentials = try InProcessFederation.credentials(for: node, from: authority)
                    let signer = try PayloadSigner(
                        certificatePEM: credentials.certificatePEM,
                        privateKeyPEM: credentials.privateKeyPEM
                    )
                    var envelopes: [Envelope] = []
                    for assignment in assignments {
                        let report = ReportRow.approved(
                            unit: node.unit,
                            owner: province,
                            form: form,
                            assignment: assignment.id,
                            period: assignment.period,
                            index: index
                        )
                        let signed = try signer.sign(try JSONEncoder.federation.encode(report))
                        signedPayloads.append(signed)
                        envelopes.append(
                            Envelope(
                                origin: node.unit,
                                kind: .reportApproved,
                                unit: node.unit,
                                body: try JSONEncoder.federation.encode(signed)
                            )
                        )
                        rows.append(
                            try ReportRow(
                                report: report,
                                signed: signed,
                                origin: node.unit,
                                message: envelopes.last!.id
                            )
                        )
                    }
                    let client = try FederationClient(
                        address: "127.0.0.1:\(port)",
                        peer: NodeIdentity(unitCode: province),
                        credentials: credentials
                    )
                    pushers.append(
                        (
                            client,
                            stride(from: 0, to: envelopes.count, by: benchmark.batchSize).map {
                                Array(envelopes[$0..<min($0 + benchmark.batchSize, envelopes.count)])
                            }
                        )
                    )
                }
                // Connections and TLS handshakes are made before the clock starts.
                for pusher in pushers { _ = try await pusher.client.feed(after: 0, limit: 1, wait: 0) }
                let cpuBefore = Self.processCPUSeconds()
                let clock = Stopwatch()
                applied = try await withThrowingTaskGroup(of: Int.self) { group in
                    for pusher in pushers {
                        group.addTask {
                            var applied = 0
                            for batch in pusher.batches {
                                let response = try await pusher.client.push(PushRequest(messages: batch))
                                applied += response.results.filter { $0.status == .applied && !$0.replayed }.count
                            }
                            return applied
                        }
                    }
                    return try await group.reduce(0, +)
                }
                federationSeconds = clock.seconds
                cpuSeconds = Self.processCPUSeconds() - cpuBefore
            } catch {
                for pusher in pushers { try? await pusher.client.shutdown() }
                throw error
            }
            // Every client is shut down even when one refuses; then the first refusal is reported.
            var closing: (any Error)?
            for pusher in pushers {
                do { try await pusher.client.shutdown() } catch { closing = closing ?? error }
            }
            if let closing { throw closing }
            guard applied == rows.count else {
                throw SimulationStalled("the province applied \(applied) of \(rows.count) reports")
            }
            // The figures the province kept as the reports arrived agree with a count from scratch.
            if let local = federation.nodes[province]?.local {
                let check = try await local.keptFigures.check()
                guard check.differences.isEmpty else {
                    throw SimulationStalled("the kept figures differ from a count: \(check.differences.prefix(5))")
                }
            }
            let rawSeconds = try ReportRow.insertRaw(
                rows,
                batchSize: benchmark.batchSize,
                into: "\(folder)/raw/node.sqlite"
            )
            let verification = try await Self.timeVerification(
                signedPayloads,
                rootPEM: authority.certificatePEM,
                tree: deployment.tree
            )
            return (
                rows.count, Double(rows.count) / federationSeconds, Double(rows.count) / rawSeconds, verification,
                cpuSeconds
            )
        }
    }
}

extension IngestBenchmark {
    /// CPU time of this process so far, user and system, every thread.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// Microseconds per payload: the whole check (chain and signature), the chain alone, and the
    /// whole check with each signer's chain kept once validated.
    static func timeVerification(
        _ payloads: [SignedPayload],
        rootPEM: String,
        tree: UnitTree
    ) async throws -> (whole: Double, chain: Double, kept: Double) {
        let trust = try ChainTrust(rootPEM: rootPEM, tree: tree, isRevoked: { _ in false })
        let verifier = PayloadVerifier(trust: trust)
        let whole = Stopwatch()
        for payload in payloads { _ = try await verifier.verify(payload) }
        let wholeSeconds = whole.seconds
        let chain = Stopwatch()
        for payload in payloads {
            let leaf = try PayloadVerifier.signerCertificate(of: payload)
            // The benchmark's root certifies every node directly.
            _ = try await trust.verify(leaf: leaf, intermediates: [])
        }
        let chainSeconds = chain.seconds
        let keeping = PayloadVerifier(trust: trust, signers: VerifiedSigners())
        // Judged as of an instant inside the signers' validity, as a node judges a signer seen
        // before (read from the first signer's certificate, not the machine's date).
        guard let first = payloads.first else { return (0, 0, 0) }
        let now = try PayloadVerifier.signerCertificate(of: first).notValidBefore.addingTimeInterval(60)
        let kept = Stopwatch()
        for payload in payloads { _ = try await keeping.verifySigner(payload, now: now) }
        let keptSeconds = kept.seconds
        let count = Double(max(payloads.count, 1))
        return (wholeSeconds / count * 1e6, chainSeconds / count * 1e6, keptSeconds / count * 1e6)
    }
}

/// The rows a parent writes for one received report: the report, its history, its inbox entry.
struct ReportRow: Sendable {
    let report: ApprovedReport
    let signedText: String
    let origin: String
    let messageId: String

    init(report: ApprovedReport, signed: SignedPayload, origin: String, message: String) throws {
        self.report = report
        self.signedText = String(decoding: try JSONEncoder.federation.encode(signed), as: UTF8.self)
        self.origin = origin
        self.messageId = message
    }

    /// A report as a commune approves it, with the history its node records on the way.
    static func approved(
        unit: String,
        owner: String,
        form: Form,
        assignment: String,
        period: Period,
        index: Int
    ) -> ApprovedReport {
        let start = Date().addingTimeInterval(-3600)
        let entry = "\(unit.lowercased()).entry"
        let approver = "\(unit.lowercased()).approver"
        let history = [
            HistoryEntry(action: "create", actor: entry, unit: unit, from: nil, to: .draft, message: nil, at: start),
            HistoryEntry(
                action: "save",
                actor: entry,
                unit: unit,
                from: .draft,
                to: .draft,
                message: nil,
                at: start.addingTimeInterval(600)
            ),
            HistoryEntry(
                action: "submit",
                actor: entry,
                unit: unit,
                from: .draft,
                to: .submitted,
                message: nil,
                at: start.addingTimeInterval(1200)
            ),
            HistoryEntry(
                action: "approve",
                actor: approver,
                unit: unit,
                from: .submitted,
                to: .approved,
                message: "Đồng ý",
                at: start.addingTimeInterval(1800)
            ),
        ]
        return ApprovedReport(
            reportId: UUID().uuidString,
            assignmentId: assignment,
            formOwner: owner,
            formCode: form.code,
            formVersion: form.version,
            period: period,
            unit: unit,
            answers: SampleForm.answers(index),
            approvedBy: approver,
            approvedAt: start.addingTimeInterval(1800),
            message: "Đồng ý",
            approvalCount: 1,
            history: history
        )
    }

    /// Writes the rows into a fresh node database (same schema and settings as a node's), one
    /// transaction per batch, with prepared statements; returns the seconds it took.
    static func insertRaw(_ rows: [ReportRow], batchSize: Int, into path: String) throws -> Double {
        let database = try NodeDatabase.open(path: path)
        let answers = try rows.map { String(decoding: try JSONEncoder().encode($0.report.answers), as: UTF8.self) }
        let clock = Stopwatch()
        for start in stride(from: 0, to: rows.count, by: batchSize) {
            try database.pool.write { db in
                let now = Date()
                for index in start..<min(start + batchSize, rows.count) {
                    let row = rows[index]
                    let r = row.report
                    try BulkLoadStore.addReceivedReport(r, answers: answers[index], signed: row.signedText, at: now, db)
                    for entry in r.history + [
                        HistoryEntry(
                            action: "received",
                            actor: "node:\(row.origin)",
                            unit: r.formOwner,
                            from: nil,
                            to: .approved,
                            message: nil,
                            at: now
                        )
                    ] {
                        try BulkLoadStore.addEvent(entry, of: r.reportId, db)
                    }
                    try BulkLoadStore.addAppliedReport(
                        origin: row.origin,
                        messageID: row.messageId,
                        detail: "report \(r.reportId) of \(r.unit) kept here",
                        at: now,
                        db
                    )
                }
            }
        }
        return clock.seconds
    }
}
