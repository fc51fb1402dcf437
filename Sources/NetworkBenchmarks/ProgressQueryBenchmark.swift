import Federation
import Foundation
import GRDB
import Hierarchy
import Logging
import Node
import Reporting

/// The national progress query at the centre: `GET /api/v1/assignments/{id}/oversight` for the
/// whole country (progress per level and per province, plus the aggregated answers), on a centre
/// database holding a year of work — `forms` monthly forms × `months` periods, each assigned to
/// every commune, nearly all reports approved and received (signed, as received from below).
/// The rows are written straight into the database: they are shaped exactly as the centre keeps
/// them, but a year of federation traffic is not needed to read them back.
public struct ProgressQueryBenchmark: Sendable {
    public struct Figures: Sendable {
        public var units = 0
        public var assignments = 0
        public var reports = 0
        public var databaseBytes = 0
        public var buildSeconds = 0.0
        /// Seconds the node's first start took to fill the kept figures from the reports written.
        public var fillSeconds = 0.0
        /// Seconds `reportnet figures check` took to count every assignment again and compare.
        public var checkSeconds = 0.0
        /// Expected units the check counted again.
        public var checkedUnits = 0
        /// Milliseconds per query, at the centre for the whole country.
        public var national = Sample()
        /// Milliseconds per query, at the centre for one province.
        public var province = Sample()
    }

    public let topology: NationalTopology
    public let directory: String
    public var forms = 20
    public var months = 12
    public var queries = 200
    public var log: @Sendable (String) -> Void = { print($0) }

    public init(topology: NationalTopology, directory: String) {
        self.topology = topology
        self.directory = directory
    }

    public func run() async throws -> Figures {
        var figures = Figures()
        let deployment = try topology.deployment()
        let centreNode = deployment.node(forUnit: NationalTopology.centre)!
        let authority = try CertificateAuthority.makeRoot(commonName: "ReportNet benchmark root CA")
        let credentials = try InProcessFederation.credentials(for: centreNode, from: authority)
        let path = "\(directory)/centre/node.sqlite"
        let database = try NodeDatabase.open(path: path)
        let communes = deployment.tree.units.filter { $0.level == .commune }.map(\.code).sorted()
        figures.units = deployment.tree.count
        let clock = Stopwatch()
        let built = try build(database, communes: communes, deployment: deployment, authority: authority)
        figures.buildSeconds = clock.seconds
        figures.assignments = built.assignments.count
        figures.reports = built.reports
        figures.databaseBytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        log(
            "  centre database: \(built.reports) reports, \(built.assignments.count) assignments, \(megabytes(figures.databaseBytes)), built in \(format(figures.buildSeconds)) s"
        )
        var logger = Logger(label: "bench.centre")
        logger.logLevel = .error
        // The rows were written past the services, as an existing database holds them: the node's
        // first start fills the kept figures from them, as after the upgrade that brought them.
        let starting = Stopwatch()
        let local = try LocalNode(
            node: centreNode,
            deployment: deployment,
            database: database,
            credentials: credentials,
            passwordCost: 4,
            logger: logger
        )
        figures.fillSeconds = starting.seconds
        let checking = Stopwatch()
        let check = try await local.keptFigures.check()
        figures.checkSeconds = checking.seconds
        figures.checkedUnits = check.units
        guard check.differences.isEmpty else {
            throw SimulationStalled("the kept figures differ from a count from scratch: \(check.differences.prefix(5))")
        }
        log(
            "  kept figures filled at first start in \(format(figures.fillSeconds)) s; checked (\(check.units) expected units counted again) in \(format(figures.checkSeconds)) s: no difference"
        )
        let seam = BenchmarkSeam(local)
        let admin = InProcessFederation.admin(NationalTopology.centre)
        let province = NationalTopology.provinceCode(1)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5 { _ = try await seam.progress(assignment: built.assignments[0], for: admin) }
        for _ in 0..<queries {
            let assignment = built.assignments.randomElement(using: &generator)!
            let national = Stopwatch()
            let progress = try await seam.progress(assignment: assignment, for: admin)
            figures.national.add(national.seconds * 1000)
            guard progress.total.expected == communes.count, progress.total.approved == built.approved[assignment]
            else {
                throw SimulationStalled(
                    "progress shows \(progress.total.approved) of \(progress.total.expected) approved; the database holds \(built.approved[assignment] ?? 0) of \(communes.count)"
                )
            }
            let local = Stopwatch()
            _ = try await seam.progress(assignment: assignment, unit: province, for: admin)
            figures.province.add(local.seconds * 1000)
        }
        return figures
    }

    /// Writes the year into the centre's database; returns the assignment ids and the report count.
    private func build(
        _ database: NodeDatabase,
        communes: [String],
        deployment: Deployment,
        authority: CertificateAuthority
    ) throws -> (assignments: [String], reports: Int, approved: [String: Int]) {
        // One real signature, as a commune signs it, gives every row its true size.
        let commune = deployment.node(forUnit: communes[0])!
        let credentials = try InProcessFederation.credentials(for: commune, from: authority)
        let signer = try PayloadSigner(
            certificatePEM: credentials.certificatePEM,
            privateKeyPEM: credentials.privateKeyPEM
        )
        var assignments: [String] = []
        var reports = 0
        var approved: [String: Int] = [:]
        let now = Date()
        for formIndex in 1...forms {
            let form = SampleForm.monthly(code: String(format: "F%02d", formIndex))
            try database.pool.write { db in
                try BulkLoadStore.addForm(
                    owner: NationalTopology.centre,
                    code: form.code,
                    version: form.version,
                    definition: String(decoding: try JSONEncoder().encode(form), as: UTF8.self),
                    at: now,
                    db
                )
            }
            for month in 1...months {
                let period = Period.month(2026, month)
                let id = UUID().uuidString
                assignments.append(id)
                let sample = ReportRow.approved(
                    unit: communes[0],
                    owner: NationalTopology.centre,
                    form: form,
                    assignment: id,
                    period: period,
                    index: month
                )
                let signed = String(
                    decoding: try JSONEncoder.federation.encode(
                        try signer.sign(try JSONEncoder.federation.encode(sample))
                    ),
                    as: UTF8.self
                )
                let written = try database.pool.write { db -> Int in
                    try BulkLoadStore.addAssignment(
                        id: id,
                        formCode: form.code,
                        period: period.description,
                        assignedBy: NationalTopology.centre,
                        deadline: period.deadline().description,
                        at: now,
                        db
                    )
                    var written = 0
                    for (index, code) in communes.enumerated() {
                        try BulkLoadStore.addAssignmentUnit(code, to: id, db)
                        // One commune in twenty has not reported yet this month.
                        guard (index * 7 + month + formIndex) % 20 != 0 else { continue }
                        let answers = String(
                            decoding: try JSONEncoder().encode(SampleForm.answers(index + month)),
                            as: UTF8.self
                        )
                        let approver = "\(code.lowercased()).approver"
                        try BulkLoadStore.addApprovedReport(
                            id: UUID().uuidString,
                            assignment: id,
                            formOwner: NationalTopology.centre,
                            formCode: form.code,
                            period: period.description,
                            unit: code,
                            answers: answers,
                            approver: approver,
                            at: now,
                            signed: signed,
                            db
                        )
                        written += 1
                    }
                    return written
                }
                reports += written
                approved[id] = written
            }
            log("  form \(formIndex)/\(forms) written (\(reports) reports)")
        }
        return (assignments, reports, approved)
    }
}
