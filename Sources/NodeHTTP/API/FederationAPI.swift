import Federation
import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat
import Node

/// The endpoints other nodes call on the federation listener (mutual TLS, HTTP/2). The caller is
/// whoever its certificate names; what it may do is decided by the topology.
struct FederationAPI {
    let local: LocalNode

    var authorisation: PushAuthorisation { PushAuthorisation(deployment: local.deployment, receiver: local.node) }

    /// The digest in the path, for a caller allowed to send evidence up: a direct child, or a
    /// child retired here that hands its files back again after it left the tree.
    private func evidenceDigest(_ context: NodeRequestContext) async throws -> String {
        var allowed = authorisation.mayReadFeed(caller: context.peer!)
        if !allowed { allowed = try await local.handovers.retirementAsked(of: context.peer!) }
        guard allowed else {
            throw FederationRefusal(
                status: .forbidden,
                error: ProtocolError(error: "forbidden", message: "only a direct child exchanges evidence here")
            )
        }
        let digest = try context.parameters.require("sha256")
        guard EvidenceStore.isDigest(digest) else {
            throw FederationRefusal(
                status: .badRequest,
                error: ProtocolError(error: "bad_request", message: "'\(digest)' is not a lower-case hex SHA-256")
            )
        }
        return digest
    }

    func addRoutes(to router: Router<NodeRequestContext>) {
        router.add(middleware: PeerIdentity(revocations: local.revocations))
        router.get("/healthz") { _, _ in await local.health(listener: "federation") }
        router.post("/federation/v1/messages") { request, context -> PushResponse in
            let caller = context.peer!
            let push: PushRequest
            do {
                let body = try await request.body.collect(upTo: PushRequest.maximumBody)
                push = try JSONDecoder.federation.decode(PushRequest.self, from: body)
            } catch let error as NIOTooManyBytesError {
                throw FederationRefusal(
                    status: .contentTooLarge,
                    error: ProtocolError(
                        error: "too_large",
                        message: "a push body may not exceed \(PushRequest.maximumBody) bytes (\(error))"
                    )
                )
            } catch {
                throw FederationRefusal(
                    status: .badRequest,
                    error: ProtocolError(error: "bad_request", message: "malformed push batch: \(error)")
                )
            }
            if let refusal = authorisation.check(push, from: caller) {
                local.logger.warning(
                    "refused push",
                    metadata: ["peer": "\(caller)", "reason": "\(refusal.error.message)"]
                )
                throw FederationRefusal(status: .init(code: refusal.status), error: refusal.error)
            }
            let results: [MessageResult]
            let receipts: [Envelope]?
            do {
                (results, receipts) = try await local.inbox.receive(push, from: caller)
            } catch let error as EvidenceMissing {
                throw FederationRefusal(
                    status: .serviceUnavailable,
                    error: ProtocolError(error: "retry_later", message: "\(error); send it, then push again")
                )
            }
            local.syncLinks.heard(from: caller)
            local.logger.info(
                "push received",
                metadata: [
                    "peer": "\(caller)", "messages": "\(push.messages.count)",
                    "parked": "\(results.filter { $0.status == .parked }.count)",
                ]
            )
            return PushResponse(results: results, epoch: try await local.epochs.own(), receipts: receipts)
        }
        // Evidence files travel before the reports that name them; content is checked against its hash.
        // "Held" means complete: the size the sender declares (`?size=`) must match.
        router.head("/federation/v1/evidence/{sha256}") { request, context -> Response in
            let digest = try await evidenceDigest(context)
            let size = request.uri.queryParameters["size"].flatMap { Int64(String($0)) }
            let held = size.map { local.evidence.contains(digest, size: $0) } ?? (local.evidence.size(digest) != nil)
            return Response(status: held ? .ok : .notFound)
        }
        // Down: a child fetches the files of a return decision about a report of its subtree.
        router.get("/federation/v1/evidence/{sha256}") { _, context -> Response in
            let digest = try await evidenceDigest(context)
            let caller = context.peer!
            var allowed = try await local.reportEvidence.mayFetchReturnFile(digest, caller: caller)
            if !allowed { allowed = try await local.handovers.mayFetchFile(digest, caller: caller) }
            guard allowed, let size = local.evidence.size(digest) else {
                throw FederationRefusal(
                    status: .notFound,
                    error: ProtocolError(
                        error: "not_found",
                        message: "no evidence file \(digest) of a return decision or a handover for your subtree"
                    )
                )
            }
            let body = try await FileIO().loadFile(path: local.evidence.path(digest), context: context)
            local.logger.info(
                "evidence served",
                metadata: ["peer": "\(caller)", "sha256": "\(digest)", "bytes": "\(size)"]
            )
            return Response(
                status: .ok,
                headers: [.contentType: "application/octet-stream", .contentLength: String(size)],
                body: body
            )
        }
        router.put("/federation/v1/evidence/{sha256}") { request, context -> Response in
            let digest = try await evidenceDigest(context)
            let stored: (sha256: String, size: Int64)
            do {
                stored = try await local.evidence.store(
                    request.body,
                    limit: local.evidencePolicy.maximumBytes,
                    expected: digest
                )
            } catch EvidenceRefused.tooLarge(let limit) {
                throw FederationRefusal(
                    status: .contentTooLarge,
                    error: ProtocolError(error: "too_large", message: "evidence files are limited to \(limit) bytes")
                )
            } catch EvidenceRefused.hashMismatch(let actual) {
                throw FederationRefusal(
                    status: .badRequest,
                    error: ProtocolError(error: "hash_mismatch", message: "content hashes to \(actual), not \(digest)")
                )
            }
            local.logger.info(
                "evidence received",
                metadata: ["peer": "\(context.peer!)", "sha256": "\(digest)", "bytes": "\(stored.size)"]
            )
            return Response(status: .created)
        }
        // Issue I.3: a child node that joined for a unit hosted here fetches the unit's life, then
        // says it holds it. Only the node of that unit, known by its certificate, gets it.
        router.get("/federation/v1/handover") { request, context -> HandoverPackage in
            let caller = context.peer!
            let id = request.uri.queryParameters.get("id")
            guard authorisation.mayReadFeed(caller: caller),
                let package = try await local.handovers.package(for: caller, id: id)
            else {
                throw FederationRefusal(
                    status: .notFound,
                    error: ProtocolError(error: "not_found", message: "no handover is offered to node '\(caller)' here")
                )
            }
            return package
        }
        router.post("/federation/v1/handover/{id}/done") { request, context -> HandoverDone in
            let caller = context.peer!
            let id = try context.parameters.require("id")
            let done: HandoverDone
            do {
                done = try JSONDecoder.federation.decode(
                    HandoverDone.self,
                    from: try await request.body.collect(upTo: 64 * 1024)
                )
            } catch {
                throw FederationRefusal(
                    status: .badRequest,
                    error: ProtocolError(error: "bad_request", message: "malformed handover receipt: \(error)")
                )
            }
            guard authorisation.mayReadFeed(caller: caller), done.id == id,
                let answer = try await local.handovers.complete(id, rows: done.rows, from: caller)
            else {
                throw FederationRefusal(
                    status: .notFound,
                    error: ProtocolError(
                        error: "not_found",
                        message: "no handover \(id) was offered to node '\(caller)'"
                    )
                )
            }
            return answer
        }
        // Issue I.5: a child node retired by this node's admin hands its units' life back; a child
        // that hosted a unit moved elsewhere hands that unit's life up.
        router.post("/federation/v1/handback") { request, context -> HandoverDone in
            let caller = context.peer!
            // Checked before the body is read: a direct child, or the node retired here answering
            // again after it left the tree.
            var allowed = authorisation.mayReadFeed(caller: caller)
            if !allowed { allowed = try await local.handovers.retirementAsked(of: caller) }
            guard allowed else {
                throw FederationRefusal(
                    status: .forbidden,
                    error: ProtocolError(
                        error: "forbidden",
                        message: "node '\(caller)' is not a child of this node, nor one retired here"
                    )
                )
            }
            let package: HandoverPackage
            do {
                package = try JSONDecoder.federation.decode(
                    HandoverPackage.self,
                    from: try await request.body.collect(upTo: 256 * 1024 * 1024)
                )
            } catch {
                throw FederationRefusal(
                    status: .badRequest,
                    error: ProtocolError(error: "bad_request", message: "malformed handover package: \(error)")
                )
            }
            do {
                guard let done = try await local.handovers.takeBack(package, from: caller) else {
                    throw FederationRefusal(
                        status: .notFound,
                        error: ProtocolError(
                            error: "not_found",
                            message: "no handover \(package.id) of node '\(caller)' here"
                        )
                    )
                }
                return done
            } catch let refused as HandoverRefused {
                throw FederationRefusal(
                    status: .conflict,
                    error: ProtocolError(error: "conflict", message: refused.description)
                )
            }
        }
        // Renewal before expiry: a direct child, known by its current (valid, unrevoked) certificate, sends a CSR.
        router.post("/federation/v1/renew") { request, context -> RenewalAnswer in
            let caller = context.peer!
            guard authorisation.mayReadFeed(caller: caller) else {
                throw FederationRefusal(
                    status: .forbidden,
                    error: ProtocolError(error: "forbidden", message: "only a direct child renews its certificate here")
                )
            }
            let renewal: RenewalRequest
            do {
                renewal = try JSONDecoder.federation.decode(
                    RenewalRequest.self,
                    from: try await request.body.collect(upTo: 64 * 1024)
                )
            } catch {
                throw FederationRefusal(
                    status: .badRequest,
                    error: ProtocolError(error: "bad_request", message: "malformed renewal request: \(error)")
                )
            }
            do {
                return try await local.pki.renew(renewal, for: caller)
            } catch let error as Refused {
                throw FederationRefusal(
                    status: error.status,
                    error: ProtocolError(error: error.code, message: error.messageEN)
                )
            }
        }
        // Issue J: a direct child's status and its subtree's, latest only (never queued).
        router.post("/federation/v1/status") { request, context -> StatusAnswer in
            let caller = context.peer!
            guard authorisation.mayReadFeed(caller: caller) else {
                throw FederationRefusal(
                    status: .forbidden,
                    error: ProtocolError(error: "forbidden", message: "only a direct child reports statuses here")
                )
            }
            let report: StatusReport
            do {
                report = try JSONDecoder.federation.decode(
                    StatusReport.self,
                    from: try await request.body.collect(upTo: 16 * 1024 * 1024)
                )
            } catch {
                throw FederationRefusal(
                    status: .badRequest,
                    error: ProtocolError(error: "bad_request", message: "malformed status report: \(error)")
                )
            }
            guard report.statuses.count <= StatusReport.maximumStatuses else {
                throw FederationRefusal(
                    status: .contentTooLarge,
                    error: ProtocolError(
                        error: "too_large",
                        message: "a status report carries at most \(StatusReport.maximumStatuses) statuses"
                    )
                )
            }
            do {
                return StatusAnswer(kept: try await local.statusReports.receive(report, from: caller))
            } catch let refusal as StatusRefused {
                local.logger.warning("refused status report", metadata: ["peer": "\(caller)", "reason": "\(refusal)"])
                throw FederationRefusal(
                    status: .forbidden,
                    error: ProtocolError(error: "forbidden", message: refusal.reason)
                )
            }
        }
        // Issue J.8: a direct child reads what this node witnessed of its own audit trail, and
        // nothing of any other node's.
        router.get("/federation/v1/audit-witness") { _, context -> AuditWitness in
            let caller = context.peer!
            guard authorisation.mayReadFeed(caller: caller) else {
                throw FederationRefusal(
                    status: .forbidden,
                    error: ProtocolError(
                        error: "forbidden",
                        message: "node '\(caller)' is not a direct child of this node and has no audit witness here"
                    )
                )
            }
            return try await local.auditWitnessing.witnessed(caller)
        }
        router.get("/federation/v1/feed") { request, context -> FeedPage in
            let caller = context.peer!
            guard authorisation.mayReadFeed(caller: caller) else {
                throw FederationRefusal(
                    status: .forbidden,
                    error: ProtocolError(
                        error: "forbidden",
                        message: "node '\(caller)' is not a direct child of this node and has no feed here"
                    )
                )
            }
            let query = request.uri.queryParameters
            guard let after = Int64(query["after"].map(String.init) ?? "0"), after >= 0 else {
                throw FederationRefusal(
                    status: .badRequest,
                    error: ProtocolError(error: "bad_request", message: "'after' must be a non-negative integer")
                )
            }
            let limit = query["limit"].flatMap { Int(String($0)) } ?? FeedPage.maximumPage
            let wait = min(max(query["wait"].flatMap { Int(String($0)) } ?? 0, 0), 30)
            await local.syncLinks.touch(caller, confirmed: after)
            return try await local.feed.page(for: caller, after: after, limit: limit, wait: .seconds(wait))
        }
    }
}

extension PushResponse: ResponseEncodable {}

extension FeedPage: ResponseEncodable {}

extension StatusAnswer: ResponseEncodable {}

extension AuditWitness: ResponseEncodable {}

extension EnrolmentAnswer: ResponseEncodable {}

extension HandoverPackage: ResponseEncodable {}

extension HandoverDone: ResponseEncodable {}
