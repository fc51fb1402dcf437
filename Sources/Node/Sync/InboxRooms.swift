import Federation
import Foundation
import GRDB
import Reporting

/// The rooms the inbox hands messages to that remain `LocalNode` extensions: one narrow closure
/// per kind of message (its body decoded by the inbox), each applying it in the caller's
/// transaction, so that converting a room changes only the closure's body in `LocalNode.inbox`.
struct InboxRooms: Sendable {
    /// Reports: a return decision from either side (`LocalNode.apply(_:arrivedFrom:_:)`).
    let reportReturned: @Sendable (ReviewDecision, Inbox.Direction, Database) throws -> Inbox.Effect
    /// Forms: an assignment from above, stored and passed down (`LocalNode.distribute(_:_:)`).
    let assignmentCreated: @Sendable (AssignmentNotice, Database) throws -> Inbox.Effect
    /// Forms: a form as held here, which a received report's answers must fit
    /// (`LocalNode.form(owner:code:version:_:)`).
    let form: @Sendable (_ owner: String, _ code: String, _ version: Int, Database) throws -> Form?
    /// Figures: an assignment's expected units amended from above (`LocalNode.receive(_:_:)`).
    let assignmentAmended: @Sendable (AssignmentAmendment, Database) throws -> Inbox.Effect
    /// Figures: a unit's self-reported figures from below (`LocalNode.receive(_:from:_:)`).
    let indicatorsReported: @Sendable (IndicatorReport, Envelope, Database) throws -> Inbox.Effect
    /// Figures: a unit closed, from either side (`LocalNode.receive(_:from:direction:_:)`).
    let unitClosed: @Sendable (UnitClosureNotice, Envelope, Inbox.Direction, Database) throws -> Inbox.Effect
    /// Indicators: an indicator defined above (`LocalNode.receive(_:from:_:)`).
    let indicatorDefined: @Sendable (DefinedIndicator, Envelope, Database) throws -> Inbox.Effect
    /// Indicators: a value supplied below (`LocalNode.receive(_:from:_:)`).
    let indicatorValue: @Sendable (SuppliedIndicatorValue, Envelope, Database) throws -> Inbox.Effect
}
