import Auth
import Federation
import Foundation
import GRDB
import Hierarchy
import X509

/// Node identity as a use case: a parent's admin hands a child node a one-time enrolment token,
/// the child enrols with a CSR (its key never leaves it), renews over mutual TLS before expiry,
/// and an ancestor of a unit revokes its node's certificate; the revocation reaches every node.
/// Its own service so that issuing, renewal and revocation reach only the shared context, the
/// node's CA, certificate and root, the revocation list, where it listens, and the indicators a
/// joining node is sent.
package struct NodePKI: NodeService {
    let context: NodeContext
    /// The CA this node issues its children's certificates with; nil where it issues none.
    let issuer: CertificateAuthority?
    /// The node's certificate and key (it signs revocations; answers carry its trust root).
    let identity: NodeTLSIdentity
    /// Revoked certificates, refused from the moment a revocation is stored.
    let revocations: RevocationList
    /// The federation's root certificate, which enrolment tokens pin.
    let root: X509.Certificate
    /// Where this process listens (a joining node learns its parent's federation port).
    let listening: Listening
    /// The indicator catalogue in force, sent to a node that joins.
    let indicatorDefinitions: IndicatorDefinitions
    /// The indicator assignments in force for a joining node's units, sent after the catalogue.
    let indicatorAssignments: IndicatorAssignments
    /// What this node held of a joining unit's life, offered to its new node.
    let handovers: UnitHandovers

    static let enrolmentTokenLifetime: TimeInterval = 24 * 3600
    static let certificateValidityDays = 365
    /// Renewals one child node may get in 24 hours.
    static let renewalsPerDay = 3

    /// Default listen addresses of a node that joins without saying where it listens.
    package static let defaultWeb = "0.0.0.0:8443"
    package static let defaultFederation = "0.0.0.0:8444"

    /// `POST /enrolment-tokens`: a one-time token for the node of a unit below this node's own:
    /// a child node named in the topology (its certificate renewed by hand), or a unit this node
    /// hosts today (one of long standing or one just created), which gets its own node. Only the
    /// admin of this node's own unit hands them out; only the secret's hash is stored. The token
    /// pins the federation's root (`PinnedToken`).
    package func createEnrolmentToken(for childUnit: String, by actor: Actor) async throws -> EnrolmentToken {
        guard actor.holds(.manageUsers), actor.unit == unit else {
            throw DomainError(.enrolmentOnlyOwnAdmins)
        }
        _ = try joiningNode(for: childUnit, request: nil)
        guard issuer != nil else {
            throw DomainError(.noIssuingKey)
        }
        let secret = Secret.token()
        let now = clock.now()
        let expires = now.addingTimeInterval(Self.enrolmentTokenLifetime)
        try await database.pool.write { db in
            try PKIStore.addToken(
                hash: Secret.digest(secret),
                unit: childUnit,
                createdBy: actor.username,
                at: now,
                expires: expires,
                db
            )
            try audit.record(
                db,
                actor,
                action: "pki.token.created",
                target: childUnit,
                detail: "expires \(ISO8601DateFormatter().string(from: expires))"
            )
        }
        let pinned = PinnedToken(secret: secret, rootDigest: root.fingerprint)
        return EnrolmentToken(token: pinned.description, unit: childUnit, expiresAt: expires)
    }

    /// The node that enrols for `childUnit`: the child node the topology names, or a new node for
    /// a unit directly below one this node hosts and hosted here itself (with the name and
    /// addresses of `request`, when given). Refuses anything else with a reason.
    private func joiningNode(
        for childUnit: String,
        request: EnrolmentRequest?
    ) throws -> (
        node: NodeDescription, joins: Bool
    ) {
        if let child = deployment.children(of: node).first(where: { $0.unit == childUnit }) { return (child, false) }
        guard let target = tree[childUnit], let parentUnit = target.parent, hosts(parentUnit),
            deployment.hostingNode(of: childUnit)?.name == node.name
        else {
            throw DomainError(.unitCannotGetNodeHere(childUnit), details: ["unit": "not_below"])
        }
        let name = (request?.nodeName ?? childUnit).lowercased()
        let web = request?.web ?? Self.defaultWeb
        let federation = request?.federation ?? Self.defaultFederation
        guard Unit.isValidCode(name), deployment.node(named: name) == nil else {
            throw DomainError(.nodeNameTaken(name), details: ["node_name": "taken"])
        }
        guard ListenAddress(web) != nil, ListenAddress(federation) != nil else {
            throw DomainError(.listenAddressesInvalid, details: ["web": "host:port", "federation": "host:port"])
        }
        // A node below would find a new parent between it and this node: not without moving it.
        if let below = deployment.nodes.first(where: { tree.isInSubtree($0.unit, of: childUnit) }) {
            throw DomainError(.nodesRunBelow(unit: childUnit, node: below.name), details: ["unit": "nodes_below"])
        }
        let taken = node.hosts.filter { tree.isInSubtree($0, of: childUnit) }
        return (NodeDescription(name: name, unit: childUnit, hosts: taken, web: web, federation: federation), true)
    }

    /// `POST /enrol`: a new child node sends its CSR with the token; this node's CA signs it. A
    /// unit that had no node gets one: the join is recorded as a unit change (`hosted`) in the same
    /// transaction that spends the token, and travels up so that every ancestor knows the node.
    /// What this node held of the unit's life (accounts, reports, tasks, ...) is offered to the new
    /// node in that transaction too (`UnitHandovers`), and its users are served there from now on.
    package func enrol(_ request: EnrolmentRequest, from address: String) async throws -> EnrolmentAnswer {
        let digest = Secret.digest(PinnedToken(request.token).secret)
        let refused = DomainError(.enrolmentRefused)
        guard
            let token = try await database.pool.read({ db in
                try PKIStore.usableToken(hash: digest, now: clock.now(), db)
            })
        else { throw refused }
        let childUnit = token.unit
        let createdBy = token.createdBy
        let (child, joins) = try joiningNode(for: childUnit, request: request)
        let issued = try issueChildCertificate(
            csrPEM: request.csr,
            for: child,
            dnsNames: request.dnsNames ?? [],
            ipAddresses: request.ipAddresses ?? []
        )
        let intermediate = try request.caCsr.flatMap { try issueIntermediate(csrPEM: $0, for: child) }
        let joined = joins ? joinChange(child, decidedBy: createdBy) : nil
        let (next, handover) = try await context.keepingUnitsInStep {
            try await database.pool.write { db -> (Deployment, String?) in
                // Used once: the token is spent in the transaction that records the certificate.
                guard try PKIStore.spendToken(hash: digest, at: clock.now(), now: clock.now(), db) else {
                    throw refused
                }
                // A unit joining again (its node was retired) gets a new node: what was issued for
                // the old one is revoked in this transaction, so the old machine speaks for no one.
                if joined != nil {
                    try revokeEarlierCertificates(of: childUnit, decidedBy: createdBy, db)
                }
                try record(issued.certificate, unit: childUnit, via: "enrolment", db)
                if let intermediate { try record(intermediate, unit: childUnit, via: "enrolment", db) }
                try audit.record(
                    db,
                    actor: "node:\(childUnit)",
                    unit: childUnit,
                    action: "pki.enrolled",
                    target: issued.certificate.fingerprint,
                    detail: "serial \(issued.certificate.serialNumber)",
                    source: address
                )
                // A node enrolling again (its first machine failed before it took its unit's life
                // over) is told of the handover still waiting for it.
                guard let joined else { return (deployment, try handovers.stillOffered(to: childUnit, db)) }
                let next: Deployment
                do { next = try deployment.applying(joined) } catch {
                    // Another token for the same unit was spent a moment ago, say.
                    throw DomainError(
                        .unitCannotTakeNode(unit: childUnit, reason: "\(error)"),
                        details: ["unit": "already_hosted"]
                    )
                }
                try UnitChangeRecord(joined, receivedFrom: nil, at: clock.now()).insert(db)
                try audit.record(
                    db,
                    actor: createdBy,
                    unit: unit,
                    action: UnitChanges.auditAction(.hosted),
                    target: childUnit,
                    detail: "node \(child.name) (web \(child.web), federation \(child.federation))",
                    source: address
                )
                try enqueueUp(db, kind: .unitChanged, unit: joined.parent, body: joined)
                if let joining = next.node(forUnit: childUnit) {
                    try indicatorDefinitions.sendCatalogue(to: joining, db)
                    try indicatorAssignments.sendInForce(to: joining, db)
                }
                // Other tokens for the unit would now certify a second key for its node: spent.
                try PKIStore.spendTokens(of: childUnit, at: clock.now(), db)
                let handover = try handovers.offer(
                    unit: childUnit,
                    units: child.hosts,
                    node: child.name,
                    decidedBy: createdBy,
                    db
                )
                context.units.set(next)
                return (next, handover)
            }
        }
        if joined != nil {
            outboxSignal.notify()
        }
        logger.notice(
            joined == nil ? "node enrolled" : "node joined",
            metadata: [
                "unit": "\(childUnit)", "node": "\(child.name)", "fingerprint": "\(issued.certificate.fingerprint)",
            ]
        )
        return EnrolmentAnswer(
            unit: childUnit,
            certificate: issued.chainPEM,
            trustRoot: identity.credentials.trustRootPEM,
            intermediate: try intermediate?.serializeAsPEM().pemString,
            node: next.node(forUnit: childUnit),
            topology: next.topology,
            parentNode: node.name,
            parentFederationPort: listening.federationPort ?? ListenAddress(node.federation)?.port,
            handover: handover
        )
    }

    /// The unit change that records `child` joining for its unit.
    private func joinChange(_ child: NodeDescription, decidedBy: String) -> UnitChange? {
        guard let unit = tree[child.unit], let parent = unit.parent else { return nil }
        return UnitChange(
            kind: .hosted,
            code: unit.code,
            name: unit.name,
            level: unit.level,
            parent: parent,
            decidedBy: decidedBy,
            decidedAt: clock.now(),
            node: JoinedNode(name: child.name, web: child.web, federation: child.federation)
        )
    }

    /// A province enrolling with the centre also gets its intermediate CA, for the key it made.
    /// Only the root issues CAs, and only to a node whose unit has a level below it (a province
    /// gets its issuing CA from the start, so that its subtree can grow without the root key). It
    /// carries no name constraints: they could list only the names known today (docs/pki.md).
    private func issueIntermediate(csrPEM: String, for child: NodeDescription) throws -> X509.Certificate? {
        // A unit at the lowest level issues no certificates: no CA is made for it, asked or not.
        guard NodeCertificates.holdsIntermediate(child, in: deployment) else { return nil }
        guard let issuer, issuer.unitCode == nil else {
            throw DomainError(.onlyRootIssuesCAs)
        }
        let csr: CertificateSigningRequest
        do { csr = try KeyRequest.parseCSR(pem: csrPEM) } catch {
            throw DomainError(.signingRequestUnreadable(forCA: true))
        }
        do {
            return try issuer.issueIntermediate(
                csr: csr,
                unitCode: child.unit,
                nodeName: child.name,
                permittedDNSNames: []
            )
        } catch let error as PKIError {
            throw DomainError(.signingRequestRefused(forCA: true, reason: error.description))
        }
    }

    /// `POST /federation/v1/renew`: a direct child with a valid certificate asks for a new one.
    package func renew(_ request: RenewalRequest, for caller: String) async throws -> RenewalAnswer {
        guard let child = deployment.children(of: node).first(where: { $0.unit == caller }) else {
            throw DomainError(.certificatesOnlyForChildren)
        }
        let issued = try issueChildCertificate(
            csrPEM: request.csr,
            for: child,
            dnsNames: request.dnsNames ?? [],
            ipAddresses: request.ipAddresses ?? []
        )
        try await database.pool.write { db in
            // A node renews at two thirds of a year-long life; a few more a day allow for retries
            // and key rollovers, never a stream of certificates from a stolen key.
            let recent = try PKIStore.renewals(of: caller, since: clock.now().addingTimeInterval(-86_400), db)
            guard recent < Self.renewalsPerDay else {
                throw DomainError(.tooManyRenewals(unit: caller, recent: recent, limit: Self.renewalsPerDay))
            }
            try record(issued.certificate, unit: caller, via: "renewal", db)
            try audit.record(
                db,
                actor: "node:\(caller)",
                unit: caller,
                action: "pki.renewed",
                target: issued.certificate.fingerprint,
                detail: "serial \(issued.certificate.serialNumber)"
            )
        }
        logger.notice(
            "node certificate renewed",
            metadata: ["unit": "\(caller)", "fingerprint": "\(issued.certificate.fingerprint)"]
        )
        return RenewalAnswer(unit: caller, certificate: issued.chainPEM, trustRoot: identity.credentials.trustRootPEM)
    }

    /// Signs a child's CSR with this node's CA, for its unit only, within the CA's subtree and names.
    private func issueChildCertificate(
        csrPEM: String,
        for child: NodeDescription,
        dnsNames: [String],
        ipAddresses: [String]
    ) throws -> (certificate: X509.Certificate, chainPEM: String) {
        let childUnit = child.unit
        guard let issuer else {
            throw DomainError(.noIssuingKey)
        }
        if let issuerUnit = issuer.unitCode,
            let refusal = SubtreePolicy(tree: tree).refusal(subject: childUnit, issuerUnits: [issuerUnit])
        {
            throw DomainError(.issuerCannotCertify(unit: childUnit, reason: refusal))
        }
        let csr: CertificateSigningRequest
        do { csr = try KeyRequest.parseCSR(pem: csrPEM) } catch {
            throw DomainError(.signingRequestUnreadable(forCA: false))
        }
        let own = NodeIdentity(unitCode: childUnit).dnsName
        let defaults = NodeCertificates.names(for: child)
        for name in dnsNames where name.lowercased().hasSuffix(".unit.reportnet") && name.lowercased() != own {
            throw DomainError(.nameOfAnotherUnit(name))
        }
        let names = Set(defaults.dnsNames).union(dnsNames.map { $0.lowercased() })
        // A name or address another node is reached by is never certified for this one (a token
        // holder could otherwise pass for the parent to the next node that joins). Loopback is
        // every node's own.
        let loopback: Set<String> = ["localhost", "127.0.0.1", "::1"]
        let addresses = Set(defaults.ipAddresses + ipAddresses)
        for other in deployment.nodes where other.unit != childUnit {
            let theirs = NodeCertificates.names(for: other)
            let clash =
                names.intersection(theirs.dnsNames).subtracting(loopback).first
                ?? addresses.intersection(theirs.ipAddresses).subtracting(loopback).first
            if let clash { throw DomainError(.nameOfAnotherNode(name: clash, node: other.name)) }
        }
        if let permitted = try? issuer.certificate.extensions.nameConstraints?.permittedDNSDomains, !permitted.isEmpty {
            for name in names where !permitted.contains(where: { name == $0 || name.hasSuffix("." + $0) }) {
                throw DomainError(.nameOutsideConstraints(name))
            }
        }
        do {
            return try issuer.issue(
                csr: csr,
                for: NodeCertificateRequest(
                    unitCode: childUnit,
                    nodeName: child.name,
                    dnsNames: names.sorted(),
                    ipAddresses: Set(defaults.ipAddresses + ipAddresses).sorted()
                ),
                validityDays: Self.certificateValidityDays
            )
        } catch let error as PKIError {
            throw DomainError(.signingRequestRefused(forCA: false, reason: error.description))
        }
    }

    private func record(_ certificate: X509.Certificate, unit childUnit: String, via: String, _ db: Database) throws {
        try PKIStore.recordIssued(
            fingerprint: certificate.fingerprint,
            unit: childUnit,
            serial: "\(certificate.serialNumber)",
            notAfter: certificate.notValidAfter,
            issuedAt: clock.now(),
            via: via,
            der: Data(certificate.derBytes),
            db
        )
    }

    /// `GET /node-certificates`: what this node issued and every revocation it knows.
    package func certificates(visibleTo actor: Actor) async throws -> NodeCertificatesView {
        guard actor.holds(.manageUsers), actor.unit == unit else { throw DomainError(.notAllowed) }
        return try await database.pool.read { db in
            let issued = try PKIStore.issued(db)
            let revoked = try PKIStore.revoked(db)
            return NodeCertificatesView(issued: issued, revoked: revoked)
        }
    }

    /// `POST /node-certificates/{fingerprint}/revoke`: the admin of this node's unit revokes the
    /// certificate of a node below (one this node issued, or one it has seen sign). The signed
    /// revocation goes up to the centre and down to every child, and is refused at once here.
    /// - Parameter certificatePEM: the certificate itself, for one this node has never seen.
    package func revoke(
        _ fingerprint: String,
        reason: String,
        certificatePEM: String? = nil,
        by actor: Actor
    ) async throws -> Revocation {
        guard actor.holds(.manageUsers), actor.unit == unit else {
            throw DomainError(.revokeOnlyOwnAdmins)
        }
        let fingerprint = fingerprint.lowercased()
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 500 else {
            throw DomainError(.revocationReasonRequired)
        }
        var subject = try await database.pool.read { db in
            try PKIStore.unit(ofCertificate: fingerprint, db)
        }
        if subject == nil, let certificatePEM {
            guard let given = try? parseCertificateChain(pem: certificatePEM).first, given.fingerprint == fingerprint,
                let named = try? NodeIdentity.from(certificate: given)
            else {
                throw DomainError(.certificateDoesNotMatch)
            }
            subject = named.unitCode
        }
        guard let subject else {
            throw DomainError(.certificateUnknownHere)
        }
        // Only an ancestor of the subject (the issuer is one) may revoke.
        guard tree.isBelow(subject, unit) else {
            throw DomainError(.revokeOnlyAncestors(subject))
        }
        let revocation = Revocation(
            fingerprint: fingerprint,
            unit: subject,
            revokedBy: unit,
            revokedAt: clock.now(),
            reason: trimmed
        )
        let signed = try identity.current.signer.sign(try JSONEncoder.federation.encode(revocation))
        let applied = try await database.pool.write { db -> Bool in
            guard try store(revocation, signed: signed, db) else { return false }
            try relay(signed, unit: subject, arrivedFrom: nil, db)
            try audit.record(
                db,
                actor,
                action: "pki.revoked",
                target: fingerprint,
                detail: "unit \(subject): \(trimmed)"
            )
            return true
        }
        guard applied else {
            throw DomainError(.alreadyRevoked)
        }
        outboxSignal.notify()
        logger.notice("certificate revoked", metadata: ["unit": "\(subject)", "fingerprint": "\(fingerprint)"])
        return revocation
    }

    /// Applies a `pki.revoked` message: the revoking node signed it, and it is an ancestor of the
    /// subject. New revocations are relayed on (up toward the centre when they came from below,
    /// down to every child but the sender), so every node learns each one once.
    func receiveRevocation(
        _ message: Envelope,
        signer: NodeIdentity,
        direction: Inbox.Direction,
        _ db: Database
    ) throws -> Inbox.Effect {
        let signed = try JSONDecoder.federation.decode(SignedPayload.self, from: message.body)
        let revocation = try JSONDecoder.federation.decode(Revocation.self, from: signed.payload)
        guard revocation.unit == message.unit else {
            throw Refusal("the revocation is about unit \(revocation.unit), the message says \(message.unit)")
        }
        guard signer.unitCode == revocation.revokedBy else {
            throw Refusal("the revocation names \(revocation.revokedBy) but is signed by \(signer.unitCode)")
        }
        guard tree.isBelow(revocation.unit, revocation.revokedBy) else {
            throw Refusal(
                "unit \(revocation.revokedBy) is not an ancestor of \(revocation.unit) and may not revoke its certificate"
            )
        }
        if direction == .fromChild {
            guard let sender = deployment.node(forUnit: message.origin),
                deployment.node(sender, speaksFor: revocation.revokedBy)
            else {
                throw Refusal("node \(message.origin) may not relay a revocation made by \(revocation.revokedBy)")
            }
        }
        guard try store(revocation, signed: signed, db) else {
            return Inbox.Effect(detail: "certificate \(revocation.fingerprint.prefix(16))… already revoked here")
        }
        let relayed = try relay(signed, unit: revocation.unit, arrivedFrom: (message.origin, direction), db)
        try audit.record(
            db,
            actor: "node:\(revocation.revokedBy)",
            unit: revocation.revokedBy,
            action: "pki.revoked",
            target: revocation.fingerprint,
            detail: "unit \(revocation.unit), received from \(message.origin): \(revocation.reason)"
        )
        return Inbox.Effect(
            detail: "certificate of \(revocation.unit) revoked by \(revocation.revokedBy)",
            feed: relayed.feed,
            outbox: relayed.outbox
        )
    }

    /// Records a revocation (false if already known) and refuses the certificate from now on.
    /// Revokes, signed and sent up and down like any revocation, every certificate this node knows
    /// of the node `childUnit` had before (a node retired, its unit joining again).
    private func revokeEarlierCertificates(
        of childUnit: String,
        decidedBy: String,
        reason: String = "the unit's earlier node was retired; a new node joined for it",
        _ db: Database
    ) throws {
        for fingerprint in try PKIStore.unrevoked(unit: childUnit, now: clock.now(), db) {
            let revocation = Revocation(
                fingerprint: fingerprint,
                unit: childUnit,
                revokedBy: unit,
                revokedAt: clock.now(),
                reason: reason
            )
            let signed = try identity.current.signer.sign(try JSONEncoder.federation.encode(revocation))
            guard try store(revocation, signed: signed, db) else { continue }
            try relay(signed, unit: childUnit, arrivedFrom: nil, db)
            try audit.record(
                db,
                actor: decidedBy,
                unit: unit,
                action: "pki.revoked",
                target: fingerprint,
                detail: "unit \(childUnit): \(reason)"
            )
        }
    }

    /// `POST /units/{code}/retire-lost-node`: the retirement asked of a child node whose machine is
    /// lost completes without its data (`UnitHandovers.retireLost`), and every certificate of that
    /// node this node knows is revoked, in one transaction.
    package func retireLostNode(of childUnit: String, by actor: Actor) async throws -> UnitHandovers.View {
        let view = try await context.keepingUnitsInStep {
            try await database.pool.write { db -> UnitHandovers.View in
                let (view, next) = try handovers.retireLost(childUnit, by: actor, db)
                try revokeEarlierCertificates(
                    of: childUnit,
                    decidedBy: actor.username,
                    reason: "the unit's node was retired: its machine is lost",
                    db
                )
                context.units.set(next)
                return view
            }
        }
        outboxSignal.notify()
        return view
    }

    private func store(_ revocation: Revocation, signed: SignedPayload, _ db: Database) throws -> Bool {
        guard
            try PKIStore.recordRevocation(
                revocation,
                signed: String(decoding: try JSONEncoder.federation.encode(signed), as: UTF8.self),
                receivedAt: clock.now(),
                db
            )
        else { return false }
        revocations.add([revocation.fingerprint])
        return true
    }

    @discardableResult
    private func relay(
        _ signed: SignedPayload,
        unit subject: String,
        arrivedFrom: (origin: String, direction: Inbox.Direction)?,
        _ db: Database
    ) throws -> (feed: Bool, outbox: Bool) {
        var outbox = false
        if arrivedFrom?.direction != .fromParent, parent != nil {
            try enqueueUp(db, kind: .pkiRevoked, unit: subject, body: signed)
            outbox = true
        }
        var feed = false
        for child in deployment.children(of: node) where child.unit != arrivedFrom?.origin {
            try appendToFeed(db, audience: child.unit, kind: .pkiRevoked, unit: subject, body: signed)
            feed = true
        }
        return (feed, outbox)
    }
}

/// A one-time enrolment token, shown once to the admin who asked for it.
package struct EnrolmentToken: Codable, Sendable {
    package let token: String
    package let unit: String
    package let expiresAt: Date
}

/// The certificates a node issued and the revocations it knows.
package struct NodeCertificatesView: Codable, Sendable {
    struct Issued: Codable, Sendable {
        let fingerprint: String
        let unit: String
        let serial: String
        let notAfter: Date
        let issuedAt: Date
        let via: String
    }

    struct Revoked: Codable, Sendable {
        let fingerprint: String
        let unit: String
        let revokedBy: String
        let revokedAt: Date
        let reason: String
    }

    let issued: [Issued]
    let revoked: [Revoked]
}

/// The node's own identity, which stays with `LocalNode`: the trust root it shows, the signer
/// certificates it remembers, the renewal of its own certificate, and verifying what arrives.
extension LocalNode {
    /// The federation's root certificate (PEM) and its SHA-256, which enrolment tokens pin.
    package var trustRoot: (pem: String, sha256: String) { (identity.credentials.trustRootPEM, root.fingerprint) }

    /// When this node first verified the signer certificate with this fingerprint, if ever: a
    /// certificate is checked as of then, so what a rotated or expired key signed still verifies.
    func signerFirstSeen(_ fingerprint: String) async throws -> Date? {
        try await database.pool.read { db in
            try PKIStore.signerFirstSeen(fingerprint, db)
        }
    }

    /// Keeps a verified signer certificate (once, by fingerprint). When it was first seen is a
    /// certificate time (it is checked as of then), so it is read from `certificateClock`.
    func rememberSigner(_ certificateDER: Data, unit signerUnit: String, _ db: Database) throws {
        guard let certificate = try? X509.Certificate(derEncoded: [UInt8](certificateDER)) else { return }
        try PKIStore.rememberSigner(
            fingerprint: certificate.fingerprint,
            unit: signerUnit,
            der: certificateDER,
            firstSeen: certificateClock.now(),
            db
        )
    }

    /// Renews this node's own certificate with its parent: a new key made here, a CSR sent over
    /// mutual TLS with the current certificate, the answer checked, then swapped in without a
    /// restart (new handshakes present it; open connections finish on the old one).
    func renewOwnCertificate(using client: FederationClient) async throws {
        let current = try parseCertificateChain(pem: identity.credentials.certificatePEM)[0]
        let names = (try? current.extensions.subjectAlternativeNames) ?? SubjectAlternativeNames()
        let dnsNames = names.compactMap { name -> String? in
            if case .dnsName(let dns) = name { return dns }
            return nil
        }
        let request = try KeyRequest.make(unitCode: unit, nodeName: node.name)
        let answer = try await client.renew(RenewalRequest(csr: request.csrPEM, dnsNames: dnsNames))
        let chain = try parseCertificateChain(pem: answer.certificate)
        let key = try X509.Certificate.PrivateKey(pemEncoded: request.privateKeyPEM)
        guard chain[0].publicKey == key.publicKey else {
            throw ConfigurationError("the parent returned a certificate for another key")
        }
        let renewed = try await trust.verify(leaf: chain[0], intermediates: Array(chain.dropFirst()))
        guard renewed.unitCode == unit else {
            throw ConfigurationError("the parent returned a certificate for unit \(renewed.unitCode)")
        }
        try identity.replace(certificatePEM: answer.certificate, privateKeyPEM: request.privateKeyPEM)
        try await database.pool.write { db in
            try rememberSigner(Data(current.derBytes), unit: unit, db)
            try audit.record(
                db,
                actor: "node:\(unit)",
                unit: unit,
                action: "pki.renewed.own",
                target: chain[0].fingerprint,
                detail: "replaces \(current.fingerprint)"
            )
        }
        logger.notice(
            "own certificate renewed",
            metadata: ["fingerprint": "\(chain[0].fingerprint)", "not_after": "\(chain[0].notValidAfter)"]
        )
    }

    /// Verifies a signed payload as it arrives. The rule for keys: a certificate this node has
    /// verified before is checked as of when it first did (so a rotated or expired key still
    /// verifies what it signed); a revoked certificate verifies nothing that arrives after its
    /// revocation reached this node, whatever date the payload claims. (What was kept before
    /// stays: it is never re-verified.)
    func verifySignature(_ signed: SignedPayload) async throws -> NodeIdentity {
        let fingerprint = try revocations.verifiedSigners.fingerprint(of: signed.signerCertificate)
        let firstSeen = try await signerFirstSeen(fingerprint)
        return try await verifier.verifySigner(signed, at: firstSeen, now: certificateClock.now()).identity
    }
}
