import Federation
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Keeps a node in step with its parent: pulls its downward feed (long polling, so a commune
/// behind NAT needs no inbound port) and pushes its outbox, retrying with backoff.
package struct SyncLoop: Service {
    let local: LocalNode
    /// The parent's federation URL; awaited, because in tests the parent picks its port at start.
    let parentURL: @Sendable () async throws -> String
    /// Seconds the parent may hold a feed request open.
    let pollWait: Int
    let batchSize = 100
    /// How often this node reports its status up (and relays its subtree's), at the latest.
    let statusEvery: Duration
    private let link = PeerLink()

    package init(
        local: LocalNode,
        parentURL: @escaping @Sendable () async throws -> String,
        pollWait: Int,
        statusEvery: Duration = .seconds(60)
    ) {
        self.local = local
        self.parentURL = parentURL
        self.statusEvery = statusEvery
        // At least a second: with no wait at all the pull loop would spin against the parent.
        self.pollWait = min(max(pollWait, 1), 30)
    }

    package func run() async throws {
        guard let parent = local.parent else { return }
        if try await local.handovers.retired() { return try await stayRetired() }
        let clients = ParentClients(
            local: local,
            address: try await parentURL(),
            parent: NodeIdentity(unitCode: parent.unit)
        )
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                // Renewal and status reports run from the start, even while a handover waits.
                group.addTask { await renew(with: clients) }
                group.addTask { await reportStatus(to: parent.unit, clients) }
                group.addTask {
                    // The unit's life first: nothing from the parent may find it missing.
                    await takeOver(from: parent.unit, clients)
                    await withTaskGroup(of: Void.self) { sync in
                        sync.addTask { await pull(from: parent.unit, clients) }
                        sync.addTask { await push(to: parent.unit, clients) }
                        // Only the push loop ends on its own, when the node has retired.
                        await sync.next()
                        sync.cancelAll()
                    }
                }
                // The sync ends on its own only when the node has retired: then all stop.
                await group.next()
                group.cancelAll()
            }
        }
        await clients.shutdown()
        if try await local.handovers.retired() { try await stayRetired() }
    }

    /// A retired node's units are hosted by its parent's node: it syncs no more, and its pages
    /// stay up to tell its users where to log in, until the process is stopped.
    private func stayRetired() async throws {
        local.logger.notice("this node is retired: its units are hosted by its parent's node again; it syncs no more")
        try? await gracefulShutdown()
    }

    /// A node that joined for a unit its parent hosted takes the unit's life over (accounts,
    /// reports, ...) before it syncs anything else, so that nothing arriving from the parent finds
    /// a report or an assignment missing; retried with backoff until the parent has it.
    private func takeOver(from parent: String, _ clients: ParentClients) async {
        var logger = local.logger
        logger[metadataKey: "peer"] = "\(parent)"
        while !Task.isCancelled {
            do {
                try await local.handovers.takeOver(using: try clients.current())
                return
            } catch {
                if Task.isCancelled { return }
                await failed(error, peer: parent, logger: logger, what: "handover")
            }
        }
    }

    /// Renews the node's certificate when two thirds of its life have passed (or when asked),
    /// retrying every minute while the parent cannot be reached.
    private func renew(with clients: ParentClients) async {
        while !Task.isCancelled {
            let generation = local.renewalSignal.generation
            var wait = Duration.seconds(3600)
            if let validity = local.identity.current.validity {
                let lifetime = validity.notAfter.timeIntervalSince(validity.notBefore)
                let due = validity.notAfter.addingTimeInterval(-lifetime / 3).timeIntervalSince(
                    local.certificateClock.now()
                )
                if due <= 0 {
                    do {
                        try await local.renewOwnCertificate(using: try clients.current())
                        continue
                    } catch {
                        if Task.isCancelled { break }
                        local.logger.warning("certificate renewal failed; retrying", metadata: ["error": "\(error)"])
                        wait = .seconds(60)
                    }
                } else {
                    wait = .seconds(min(due, 3600))
                }
            }
            await local.renewalSignal.wait(since: generation, timeout: wait)
            if local.renewalSignal.generation != generation {
                do { try await local.renewOwnCertificate(using: try clients.current()) } catch {
                    local.logger.warning("certificate renewal failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    private func pull(from parent: String, _ clients: ParentClients) async {
        var logger = local.logger
        logger[metadataKey: "peer"] = "\(parent)"
        while !Task.isCancelled {
            do {
                let client = try clients.current()
                // A unit moved below this node: its life first, before the feed says more of it.
                try await local.handovers.takeOver(using: client)
                let (cursor, known) = try await local.epochs.cursorAndEpoch(of: parent)
                let page = try await client.feed(after: cursor, wait: pollWait)
                local.metrics.contact(peer: parent, at: local.clock.now())
                let changed = try await local.epochs.noteParentEpoch(page.epoch, of: parent)
                if changed || (known != nil && page.epoch != nil && page.epoch != known) {
                    // This page counts from a cursor of the parent's former life: read again from 0.
                    link.succeeded()
                    continue
                }
                // A unit that arrives: the page ends there, its life is taken over before the rest.
                var entries = page.entries
                var through = page.cursor
                if let arriving = entries.firstIndex(where: { $0.envelope.kind == .unitArriving }) {
                    entries = Array(entries[...arriving])
                    through = entries[arriving].seq
                }
                if entries.isEmpty {
                    await local.syncLinks.touch(parent)
                } else {
                    try await local.evidenceTransfer.fetch(for: entries.map(\.envelope), using: client)
                    let results = try await local.inbox.receive(
                        entries.map(\.envelope),
                        direction: .fromParent,
                        cursor: (parent, through)
                    )
                    try await local.epochs.dropCursorUnless(epoch: page.epoch, of: parent)
                    for (entry, result) in zip(entries, results) {
                        logger.info(
                            "feed entry",
                            metadata: [
                                "message": "\(entry.envelope.id)", "kind": "\(entry.envelope.kind)",
                                "seq": "\(entry.seq)",
                                "status": "\(result.status.rawValue)", "detail": "\(result.detail)",
                            ]
                        )
                    }
                }
                link.succeeded()
            } catch {
                if Task.isCancelled { break }
                await failed(error, peer: parent, logger: logger, what: "feed pull")
            }
        }
    }

    private func push(to parent: String, _ clients: ParentClients) async {
        var logger = local.logger
        logger[metadataKey: "peer"] = "\(parent)"
        while !Task.isCancelled {
            let generation = local.outboxSignal.generation
            do {
                let client = try clients.current()
                let pending = try await local.outbox.pending(limit: batchSize)
                if pending.isEmpty {
                    // A unit moved elsewhere: with everything sent, its life goes up (before a
                    // retirement's package, which leaves it out).
                    if try await local.handovers.handUpMoved(using: client) { continue }
                    // Retired by the parent: with everything sent, the units' life goes back.
                    if try await local.handovers.handBack(using: client) { return }
                    await local.outboxSignal.wait(since: generation, timeout: .seconds(30))
                    continue
                }
                let batch = try await local.evidenceTransfer.send(for: pending, using: client)
                if batch.isEmpty { continue }
                let response: PushResponse
                do {
                    response = try await client.push(PushRequest(messages: batch))
                } catch let error as FederationCallError where error.status == 413 && batch.count == 1 {
                    // Alone and still too large: it will never pass; it must not block the rest.
                    try await local.outbox.park(batch[0], reason: "larger than the parent accepts (\(error.message))")
                    continue
                } catch {
                    try? await local.outbox.recordAttempt(batch)
                    throw error
                }
                guard response.results.map(\.id) == batch.map(\.id) else {
                    throw ConfigurationError("parent answered for other messages than those pushed")
                }
                // An answer is a contact: written when it is the first since the start (the
                // parent's receipts no longer come down the feed, whose page used to write it).
                await local.syncLinks.touch(parent)
                // The parent's receipts and the batch leaving the outbox commit together: should
                // they fail, the batch is pushed again and its replay brings them again.
                if let receipts = response.receipts, !receipts.isEmpty {
                    guard receipts.allSatisfy({ $0.kind == .receipt && $0.origin == parent }) else {
                        throw ConfigurationError("parent answered with other messages than its receipts")
                    }
                    let outbox = local.outbox
                    _ = try await local.inbox.receive(receipts, direction: .fromParent) { db in
                        try outbox.settle(response.results, db)
                    }
                    outbox.logParked(response.results)
                } else {
                    try await local.outbox.acknowledge(response.results)
                }
                _ = try await local.epochs.noteParentEpoch(response.epoch, of: parent)
                for result in response.results {
                    logger.info(
                        "pushed",
                        metadata: [
                            "message": "\(result.id)", "status": "\(result.status.rawValue)",
                            "replayed": "\(result.replayed)",
                        ]
                    )
                }
                link.succeeded()
            } catch {
                if Task.isCancelled { break }
                await failed(error, peer: parent, logger: logger, what: "push")
            }
        }
    }

    /// Sends the parent this node's status at start, then every `statusEvery`, and soon after
    /// statuses from below change (at most every `statusEvery`, or every 10 s, whichever is
    /// shorter). Latest only: a failed report is not queued, the next one, `spacing` later, says
    /// it all again (a parent restarting or a timeout does not leave it a minute without news).
    private func reportStatus(to parent: String, _ clients: ParentClients) async {
        let spacing = min(statusEvery, .seconds(10))
        var logger = local.logger
        logger[metadataKey: "peer"] = "\(parent)"
        while !Task.isCancelled {
            let generation = local.statusSignal.generation
            var failed = false
            do {
                let report = try await local.statusReports.report()
                try await clients.current().reportStatus(report)
                try await local.statusReports.reportSent(report)
                await local.syncLinks.touch(parent)
                logger.debug("status reported", metadata: ["statuses": "\(report.statuses.count)"])
            } catch let error as FederationCallError where error.status == 404 {
                logger.debug("the parent does not take status reports (older version)")
            } catch {
                if Task.isCancelled { break }
                logger.debug("status report failed", metadata: ["error": "\(error)"])
                failed = true
            }
            try? await Task.sleep(for: spacing)
            if failed { continue }
            await local.statusSignal.wait(since: generation, timeout: statusEvery - spacing)
        }
    }

    private func failed(_ error: any Error, peer: String, logger: Logger, what: String) async {
        let (delay, generation) = link.failed()
        logger.warning("\(what) failed; retrying", metadata: ["error": "\(error)", "retry_in": "\(delay)"])
        await local.syncLinks.touch(peer, error: "\(what): \(error)")
        await link.pause(delay, since: generation)
    }
}

/// The client toward the parent, rebuilt when the node's certificate is renewed or a revocation
/// arrives: new calls then open new connections, which present the new certificate and check the
/// parent's against the new list. A call already running finishes on the old client; old clients
/// are shut down a while later (after the longest call) or when the loop stops.
final class ParentClients: Sendable {
    private struct State {
        var client: FederationClient?
        var identityGeneration: UInt64 = 0
        var revocationGeneration: UInt64 = 0
        var retired: [(client: FederationClient, at: ContinuousClock.Instant)] = []
    }

    private let local: LocalNode
    private let address: String
    private let parent: NodeIdentity
    private let state = Mutex(State())
    static let retirement = Duration.seconds(120)

    init(local: LocalNode, address: String, parent: NodeIdentity) {
        self.local = local
        self.address = address
        self.parent = parent
    }

    func current() throws -> FederationClient {
        let identity = local.identity.current
        let revocations = local.revocations.generation
        let (client, expired) = try state.withLock { state -> (FederationClient, [FederationClient]) in
            if let client = state.client, state.identityGeneration == identity.generation,
                state.revocationGeneration == revocations
            {
                return (client, [])
            }
            let new = try FederationClient(
                address: address,
                peer: parent,
                credentials: identity.credentials,
                trust: local.trust
            )
            let now = ContinuousClock.now
            if let old = state.client { state.retired.append((old, now)) }
            let expired = state.retired.filter { now - $0.at > Self.retirement }.map(\.client)
            state.retired.removeAll { now - $0.at > Self.retirement }
            state.client = new
            state.identityGeneration = identity.generation
            state.revocationGeneration = revocations
            return (new, expired)
        }
        for old in expired { Task { try? await old.shutdown() } }
        return client
    }

    func shutdown() async {
        let all = state.withLock { state -> [FederationClient] in
            defer {
                state.client = nil
                state.retired = []
            }
            return (state.client.map { [$0] } ?? []) + state.retired.map(\.client)
        }
        for client in all { try? await client.shutdown() }
    }
}

/// The state of one link to a peer, shared by the pull and push loops: one backoff, reset by any
/// successful contact, which also wakes a loop that is waiting to retry.
final class PeerLink: Sendable {
    private let backoff = Mutex(Backoff())
    private let contact = ChangeSignal()

    func succeeded() {
        let wasFailing = backoff.withLock { backoff in
            defer { backoff.succeed() }
            return backoff.failures > 0
        }
        if wasFailing { contact.notify() }
    }

    /// Records a failure: how long to wait, and the contact generation to wait from (taken now,
    /// so that a success of the other loop while this one logs still wakes it).
    func failed() -> (delay: Duration, generation: UInt64) {
        let generation = contact.generation
        return (backoff.withLock { $0.fail() }, generation)
    }

    func pause(_ delay: Duration, since generation: UInt64) async {
        await contact.wait(since: generation, timeout: delay)
    }
}
