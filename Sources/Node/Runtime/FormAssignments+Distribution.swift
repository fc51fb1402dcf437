import Federation
import Foundation
import GRDB
import Hierarchy
import Reporting

/// Assignments of forms, made here or arriving from above, stored and passed down.
extension FormAssignments {
    /// Stores an assignment (and its form) and passes each child node the part that concerns it.
    /// Used both where an assignment is made and where it arrives from above.
    func distribute(_ notice: AssignmentNotice, _ db: Database) throws -> Inbox.Effect {
        let now = clock.now()
        if let existing = try forms.form(
            owner: notice.assignedBy,
            code: notice.form.code,
            version: notice.form.version,
            db
        ) {
            guard existing == notice.form else {
                throw Refusal(
                    "form \(notice.assignedBy)/\(notice.form.code) v\(notice.form.version) differs from the one held"
                )
            }
        } else {
            try FormRecord(
                ownerUnit: notice.assignedBy,
                code: notice.form.code,
                version: notice.form.version,
                definition: notice.form,
                createdAt: now
            ).insert(db)
        }
        try AssignmentRecord(
            id: notice.id,
            formCode: notice.form.code,
            formVersion: notice.form.version,
            period: notice.period.description,
            assignedBy: notice.assignedBy,
            deadline: notice.deadline.description,
            createdAt: now
        ).insert(db, onConflict: .ignore)
        let mine = notice.units.filter { deployment.node(node, speaksFor: $0) }
        for target in mine {
            try AssignmentStore.addUnit(
                target,
                to: notice.id,
                level: tree[target]?.level.rawValue,
                ancestors: ExpectedUnit(code: target, in: tree).map(\.ancestorsJSON),
                db
            )
        }
        if let assignment = try KeptFiguresStore.assignment(notice.id, db) {
            try forms.keptFigures.refresh(assignment, units: mine, db)
        }
        var forwarded = 0
        for child in deployment.children(of: node) {
            let theirs = mine.filter { deployment.node(child, speaksFor: $0) }
            guard !theirs.isEmpty else { continue }
            let part = AssignmentNotice(
                id: notice.id,
                form: notice.form,
                period: notice.period,
                assignedBy: notice.assignedBy,
                deadline: notice.deadline,
                units: theirs
            )
            try appendToFeed(db, audience: child.unit, kind: .assignmentCreated, unit: notice.assignedBy, body: part)
            forwarded += 1
        }
        return Inbox.Effect(
            detail: "assignment \(notice.id) for \(mine.count) units, passed to \(forwarded) child nodes",
            feed: forwarded > 0
        )
    }
}
