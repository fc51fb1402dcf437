import Auth
import Federation
import Foundation
import GRDB
import Hierarchy
import Logging
import X509

/// Everything a running node knows about itself, shared by its two listeners and its sync loop.
public struct LocalNode: Sendable {
    /// This node as the deployment now describes it (its hosted units grow as units are added).
    public var node: NodeDescription { units.node }
    /// The topology with the units added or renamed since (see `LiveDeployment`).
    public var deployment: Deployment { units.deployment }
    var units: LiveDeployment { context.units }
    public var database: NodeDatabase { context.database }
    /// What every use case works with; the services below are built from it.
    package let context: NodeContext
    /// The node's certificate and key, swapped in place on renewal.
    package let identity: NodeTLSIdentity
    /// Revoked certificates, checked on every handshake, request and signature.
    package let revocations = RevocationList()
    /// Stored forms, decoded once per version.
    let formCache = FormCache()
    /// The CA this node issues its children's certificates with: the root at the centre, the
    /// province's intermediate at a province; nil where the node issues none.
    let issuer: CertificateAuthority?
    /// The federation's root certificate.
    let root: X509.Certificate
    /// Wakes the sync loop's renewal task (renew now rather than when the certificate ages).
    let renewalSignal = ChangeSignal()
    let hasher: PasswordHasher
    var secrets: SecretHashing { SecretHashing(hasher: hasher) }
    /// Evidence files, next to the database.
    package let evidence: EvidenceStore
    package let evidencePolicy: EvidencePolicy
    /// Seals secrets at rest.
    let key: NodeKey
    /// Checks the seals of the audit trail.
    var auditSeal: AuditSeal { AuditSeal(key: key) }
    /// The pause after a first failed login; it doubles with each failure in a row (up to 16×).
    let loginDelay: Duration
    /// Checked against for unknown accounts, so that their refusal takes as long as a real one.
    let dummyHash: String
    /// Wakes a long-polling child when a feed entry for it is committed.
    var feedSignal: FeedSignal { context.feedSignal }
    /// Notified when an upward message is committed (wakes the push loop).
    var outboxSignal: ChangeSignal { context.outboxSignal }
    /// Notified when statuses from below changed (wakes the status report toward the parent).
    var statusSignal: ChangeSignal { context.statusSignal }
    /// What `/metrics` shows.
    public let metrics = NodeMetrics()
    /// Where this process listens, as the server bound it (the topology's addresses may differ).
    package let listening = Listening()
    package var logger: Logger { context.logger }
    /// The time of day for everything the node decides: deadlines, sessions, audit entries.
    package var clock: any WallClock { context.clock }
    /// The time certificates are issued, renewed and judged by. TLS libraries check a peer's
    /// certificate against the operating system's clock, so the node's own PKI reads that clock
    /// too (the system clock in production, like `clock`; a test may pin `clock` alone).
    let certificateClock: any WallClock
    /// Records every change, in the same transaction, at `clock`'s time.
    var audit: AuditTrail { context.audit }

    public init(
        node: NodeDescription,
        deployment: Deployment,
        database: NodeDatabase,
        credentials: NodeCredentials,
        passwordCost: UInt8 = 12,
        evidencePolicy: EvidencePolicy = EvidencePolicy(),
        loginDelay: Duration = .milliseconds(250),
        credentialFiles: (certificate: String, key: String)? = nil,
        issuer: CertificateAuthority? = nil,
        clock: any WallClock = SystemClock(),
        certificateClock: any WallClock = SystemClock(),
        logger: Logger
    ) throws {
        self.context = NodeContext(
            database: database,
            clock: clock,
            units: LiveDeployment(topology: deployment, node: node),
            logger: logger
        )
        self.certificateClock = certificateClock
        self.loginDelay = loginDelay
        self.evidence = EvidenceStore(root: database.path + ".evidence", clock: clock)
        self.evidencePolicy = evidencePolicy
        self.key = try NodeKey.loadOrCreate(path: database.path + ".key")
        try database.pool.write { db in
            try NodeMetaStore.setNodeName(node.name, db)
        }
        self.identity = try NodeTLSIdentity(credentials, files: credentialFiles)
        self.issuer = issuer
        self.root = try X509.Certificate(pemEncoded: credentials.trustRootPEM)
        let revoked = try database.pool.read { db in
            try PKIStore.revokedFingerprints(db)
        }
        revocations.add(revoked)
        let signer = identity.current.signer
        guard signer.identity.unitCode == node.unit else {
            throw ConfigurationError(
                "certificate names unit '\(signer.identity.unitCode)' but node '\(node.name)' is unit '\(node.unit)'"
            )
        }
        self.hasher = PasswordHasher(cost: passwordCost)
        self.dummyHash = UnknownAccountHash.made(by: hasher)
        try context.reloadUnits()
        // A database from before the figures were kept is counted once, from the reports it holds.
        try forms.keptFigures.fillIfNeeded()
    }

    package var unit: String { node.unit }
    /// Signs with the current certificate's key.
    var signer: PayloadSigner { identity.current.signer }
    /// How this node judges any certificate chain it meets.
    package var trust: ChainTrust {
        let revocations = self.revocations
        return ChainTrust(root: root, tree: tree, isRevoked: { revocations.contains($0) })
    }
    /// Verifies signed payloads, reusing the signer chains validated since the last revocation.
    var verifier: PayloadVerifier { PayloadVerifier(trust: trust, signers: revocations.verifiedSigners) }
    package var tree: UnitTree { deployment.tree }
    package var parent: NodeDescription? { deployment.parent(of: node) }

    /// True when `unit`'s users and data live on this node.
    package func hosts(_ unit: String) -> Bool { context.hosts(unit) }

    /// Accounts: creating, activating, editing, disabling, enabling and resetting them.
    package var accounts: Accounts { Accounts(context: context, secrets: secrets) }
    /// Sessions: logging in and out, the second step, password changes, MFA enrolment.
    package var sessions: Sessions {
        Sessions(context: context, secrets: secrets, key: key, loginDelay: loginDelay, dummyHash: dummyHash)
    }
    /// The units this node administers: added, renamed, closed, and changed from elsewhere.
    package var unitChanges: UnitChanges { UnitChanges(context: context) }

    /// Reports and their workflow: opened, filled, submitted, approved, returned.
    package var reports: Reports {
        Reports(
            context: context,
            evidence: evidence,
            evidencePolicy: evidencePolicy,
            identity: identity,
            forms: forms,
            alerts: alerts
        )
    }
    /// The evidence files of the reports: attached, read, removed, swept, fetched by a child.
    package var reportEvidence: ReportEvidence {
        ReportEvidence(context: context, evidence: evidence, evidencePolicy: evidencePolicy)
    }
    /// The signed approvals of the reports, as proofs anyone can check.
    package var reportProofs: ReportProofs {
        ReportProofs(context: context, root: root, verifySignature: { [self] in try await verifySignature($0) })
    }
    /// Reports and summary tables as spreadsheets.
    package var reportExports: ReportExports {
        ReportExports(context: context, forms: forms, oversight: oversight)
    }
    /// Forms defined by the units, read by owner, code and version.
    package var forms: Forms { Forms(context: context, cache: formCache) }
    /// Forms assigned for a period to units below, and the assignments a unit sees.
    package var formAssignments: FormAssignments {
        FormAssignments(context: context, forms: forms, expectations: expectations)
    }
    /// The indicator set: indicators defined here or above, and the catalogue in force at a unit.
    package var indicatorDefinitions: IndicatorDefinitions { IndicatorDefinitions(context: context) }
    /// The values of the indicators at a unit and the units below it, computed or supplied.
    package var indicatorValues: IndicatorValues {
        IndicatorValues(context: context, definitions: indicatorDefinitions, oversight: oversight)
    }
    /// Indicator values entered by people or delivered by other systems, and those from below.
    package var suppliedValues: SuppliedValues {
        SuppliedValues(context: context, definitions: indicatorDefinitions, alerts: alerts)
    }
    /// The machine clients that deliver indicator values.
    package var indicatorClients: IndicatorClients {
        IndicatorClients(context: context, definitions: indicatorDefinitions)
    }
    /// An indicator's ranking, trend and export.
    package var indicatorFigures: IndicatorFigures {
        IndicatorFigures(context: context, values: indicatorValues, oversight: oversight)
    }
    /// Tasks assigned to units below, their progress, evidence and reviews.
    package var assignedTasks: AssignedTasks {
        AssignedTasks(
            context: context,
            evidence: evidence,
            evidencePolicy: evidencePolicy,
            forms: forms,
            refreshAlerts: { [self] in await alerts.refreshQuietly() }
        )
    }
    /// Alert rules and the alerts they raise, evaluated on what this node holds.
    package var alerts: NodeAlerts {
        NodeAlerts(context: context, tasks: assignedTasks, forms: forms)
    }
    /// The congress dates of the units, picked here or relayed from below.
    package var congresses: Congresses { Congresses(context: context) }
    /// Messages parked here: retried, listed, retried or set aside by an admin.
    package var parked: ParkedMessages {
        ParkedMessages(
            context: context,
            receiveAgain: { [self] messages, direction in
                try await inbox.receive(messages, direction: direction, retrying: true)
            },
            receipts: receipts
        )
    }
    /// Indicators assigned to the units below, received from above, and the values they owe.
    package var indicatorAssignments: IndicatorAssignments {
        IndicatorAssignments(
            context: context,
            definitions: indicatorDefinitions,
            expectations: expectations,
            alerts: alerts
        )
    }
    /// The monthly scores of the units below: their figures, ranking, export and publication.
    package var scores: MonthlyScores { MonthlyScores(context: context) }
    /// The figures units report about themselves for the monthly scores.
    package var selfReportedFigures: SelfReportedFigures { SelfReportedFigures(context: context) }
    /// The units each assignment expects, and the changes to them.
    package var expectations: Expectations {
        Expectations(
            context: context,
            forms: forms,
            distribute: { [self] notice, db in try formAssignments.distribute(notice, db) },
            parked: parked
        )
    }
    /// Units closed below, and the assignments that stop expecting them.
    package var unitClosures: UnitClosures { UnitClosures(context: context, expectations: expectations) }
    /// Progress and combined answers of assignments in a unit's subtree, compared and over time.
    package var keptFigures: KeptFigures { forms.keptFigures }

    package var oversight: Oversight {
        Oversight(context: context, expectations: expectations, forms: forms)
    }
    /// What each person has to do now, and the indicator values they may enter.
    package var toDo: ToDoLists {
        ToDoLists(
            context: context,
            oversight: oversight,
            indicatorAssignments: indicatorAssignments,
            formAssignments: formAssignments,
            reports: reports,
            definitions: indicatorDefinitions
        )
    }
    /// How the product was used in a period, per user group.
    package var usage: ProductUsage { ProductUsage(context: context) }
    /// The audit trail as admins read it.
    package var auditReading: AuditReading { AuditReading(context: context) }
    /// The nodes of the subtree at a glance, their silence, and this node's health.
    package var nodesAtAGlance: NodesAtAGlance {
        NodesAtAGlance(
            context: context,
            ownStatus: { [self] in try await statusReports.ownStatus() },
            downLink: { [self] child, now, db in try statusReports.downLink(to: child, now: now, db) }
        )
    }
    /// Issuing, renewing and revoking the certificates of the nodes below.
    package var pki: NodePKI {
        NodePKI(
            context: context,
            issuer: issuer,
            identity: identity,
            revocations: revocations,
            root: root,
            listening: listening,
            indicatorDefinitions: indicatorDefinitions,
            indicatorAssignments: indicatorAssignments,
            handovers: handovers
        )
    }
    /// Messages from the parent and the children, applied once each or parked with the reason.
    package var inbox: Inbox {
        Inbox(
            context: context,
            trust: { [self] in trust },
            verifier: verifier,
            revocations: revocations,
            certificateClock: certificateClock,
            evidence: evidence,
            evidencePolicy: evidencePolicy,
            receipts: receipts,
            accounts: accounts,
            unitChanges: unitChanges,
            congresses: congresses,
            assignedTasks: assignedTasks,
            indicatorAssignments: indicatorAssignments,
            pki: pki,
            alerts: alerts,
            parked: parked,
            reports: reports,
            formAssignments: formAssignments,
            forms: forms,
            expectations: expectations,
            handovers: handovers,
            selfReportedFigures: selfReportedFigures,
            unitClosures: unitClosures,
            indicatorDefinitions: indicatorDefinitions,
            suppliedValues: suppliedValues
        )
    }
    /// What became of the messages received here and of those sent on, as receipts tell it.
    var receipts: Receipts { Receipts(context: context) }
    /// The downward feed as the children read it.
    package var feed: Feed { Feed(context: context) }
    /// What waits to go up, as the push loop sends it and the parent answers.
    var outbox: Outbox { Outbox(context: context) }
    /// This database's epoch, and the parent's as the sync loop meets it.
    package var epochs: Epochs { Epochs(context: context) }
    /// The links to the parent and the children: contacts, cursors, their state as a whole.
    package var syncLinks: SyncLinks { SyncLinks(context: context, metrics: metrics) }
    /// Evidence files sent up before the messages that name them, and fetched down.
    /// A unit's life moving to its own new node: offered here, taken over there.
    package var handovers: UnitHandovers {
        UnitHandovers(
            context: context,
            evidence: evidence,
            evidencePolicy: evidencePolicy,
            keptFigures: keptFigures,
            key: key
        )
    }
    var evidenceTransfer: EvidenceTransfer {
        EvidenceTransfer(context: context, evidence: evidence, evidencePolicy: evidencePolicy, outbox: outbox)
    }
    /// This node's status and its subtree's, reported up; its children's, received.
    package var statusReports: StatusReports {
        StatusReports(
            context: context,
            identity: identity,
            metrics: metrics,
            nodesAtAGlance: nodesAtAGlance,
            auditWitnessing: auditWitnessing
        )
    }
    /// What this node witnessed of its children's audit trails.
    package var auditWitnessing: AuditWitnessing { AuditWitnessing(context: context) }
    /// What a scrape of `/metrics` reads.
    package var metricsScrape: MetricsScrape {
        MetricsScrape(context: context, metrics: metrics, nodesAtAGlance: nodesAtAGlance)
    }

    /// Today in Vietnam: deadlines are Vietnamese days.
    var today: CalendarDate { clock.today() }

    /// See `NodeContext.keepingUnitsInStep`.
    func keepingUnitsInStep<T>(_ write: () async throws -> T) async throws -> T {
        try await context.keepingUnitsInStep(write)
    }
}

/// A configuration that cannot run, with the reason.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
