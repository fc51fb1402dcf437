import Federation
import Foundation
import GRDB
import Hierarchy
import Reporting

/// Which service applies each kind of message, and from which side it may come.
extension Inbox {
    /// Applies one message in the caller's savepoint; a refusal throws (the message is parked).
    func apply(
        _ message: Envelope,
        direction: Direction,
        signer: Result<SignedArrival, any Error>?,
        _ db: Database
    ) throws -> Effect {
        if direction == .fromParent, message.origin != parent?.unit {
            throw Refusal("feed entry names origin \(message.origin), not this node's parent")
        }
        switch (message.kind, direction) {
        case (.reportApproved, .fromChild):
            guard let signer else { throw Refusal("missing signature") }
            return try receiveApprovedReport(message, arrival: try signer.get(), db)
        case (.assignmentCreated, .fromParent):
            let notice = try JSONDecoder.federation.decode(AssignmentNotice.self, from: message.body)
            return try formAssignments.distribute(notice, db)
        case (.reportReturned, _):
            let decision = try JSONDecoder.federation.decode(ReviewDecision.self, from: message.body)
            guard decision.unit == message.unit else {
                throw Refusal("the decision is about unit \(decision.unit), the message says \(message.unit)")
            }
            // A child speaks only for its own subtree; a parent's decisions come from above this node.
            let returner = decision.entry.unit
            switch direction {
            case .fromChild:
                guard let sender = deployment.node(forUnit: message.origin),
                    deployment.node(sender, speaksFor: returner)
                else {
                    throw Refusal("node \(message.origin) may not speak for unit \(returner)")
                }
            case .fromParent:
                guard !deployment.node(node, speaksFor: returner) else {
                    throw Refusal("a parent may not speak for unit \(returner), which is hosted here or below")
                }
            }
            return try reports.apply(decision, arrivedFrom: direction, db)
        case (.pkiRevoked, _):
            guard let signer else { throw Refusal("missing signature") }
            return try pki.receiveRevocation(
                message,
                signer: try signer.get().signer(judgedBy: trust()),
                direction: direction,
                db
            )
        case (.accountChanged, .fromParent):
            return try accounts.receive(try JSONDecoder.federation.decode(AccountChange.self, from: message.body), db)
        case (.accountRegistered, .fromChild):
            return try accounts.receive(
                try JSONDecoder.federation.decode(RegisteredAdmin.self, from: message.body),
                unit: message.unit,
                db
            )
        case (.nodeRetiring, .fromParent):
            return try handovers.receiveRetirement(
                try JSONDecoder.federation.decode(NodeRetirement.self, from: message.body),
                db
            )
        case (.unitLeaving, .fromParent):
            return try handovers.receiveLeaving(
                try JSONDecoder.federation.decode(UnitMoveHandover.self, from: message.body),
                db
            )
        case (.unitArriving, .fromParent):
            return try handovers.receiveArriving(
                try JSONDecoder.federation.decode(UnitMoveHandover.self, from: message.body),
                db
            )
        case (.taskAssigned, .fromParent):
            return try receiveTask(message, db)
        case (.taskProgress, .fromChild):
            return try receiveTaskUpdate(message, db)
        case (.taskReviewed, .fromParent):
            return try receiveTaskReview(message, db)
        case (.accountProvisioned, .fromParent):
            let account = try JSONDecoder.federation.decode(ProvisionedAccount.self, from: message.body)
            let detail = try accounts.receive(account, db)
            return Effect(detail: detail, feed: !hosts(account.unit))
        case (.assignmentAmended, .fromParent):
            return try expectations.receive(
                try JSONDecoder.federation.decode(AssignmentAmendment.self, from: message.body),
                db
            )
        case (.indicatorsReported, .fromChild):
            return try selfReportedFigures.receive(
                try JSONDecoder.federation.decode(IndicatorReport.self, from: message.body),
                from: message,
                db
            )
        case (.indicatorDefined, .fromParent):
            return try indicatorDefinitions.receive(
                try JSONDecoder.federation.decode(DefinedIndicator.self, from: message.body),
                from: message,
                db
            )
        case (.indicatorAssigned, .fromParent):
            return try indicatorAssignments.receive(
                try JSONDecoder.federation.decode(AssignedIndicator.self, from: message.body),
                from: message,
                db
            )
        case (.indicatorValue, .fromChild):
            return try suppliedValues.receive(
                try JSONDecoder.federation.decode(SuppliedIndicatorValue.self, from: message.body),
                from: message,
                db
            )
        case (.congressScheduled, .fromChild):
            return try congresses.receive(
                try JSONDecoder.federation.decode(CongressNotice.self, from: message.body),
                from: message,
                db
            )
        case (.unitChanged, _):
            return try unitChanges.receive(
                try JSONDecoder.federation.decode(UnitChange.self, from: message.body),
                from: message,
                direction: direction,
                db
            )
        case (.receipt, _):
            return try receipts.receive(message, direction: direction, db)
        case (.unitClosed, _):
            return try unitClosures.receive(
                try JSONDecoder.federation.decode(UnitClosureNotice.self, from: message.body),
                from: message,
                direction: direction,
                db
            )
        default:
            throw Refusal(
                "message kind '\(message.kind)' is not accepted \(direction == .fromChild ? "from a child" : "from a parent") (protocol \(ProtocolVersion.current))"
            )
        }
    }
}
