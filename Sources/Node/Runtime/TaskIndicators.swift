import Auth
import Foundation
import GRDB
import Reporting
import Tasks

/// A numeric question a task may advance, as the assigning form offers it.
package struct IndicatorChoice: Sendable {
    let link: IndicatorLink
    package let formTitle: String
    package let questionText: String

    /// How the choice travels in a form field: `owner|code|question`.
    package var value: String { "\(link.formOwner)|\(link.formCode)|\(link.question)" }

    package static func link(from value: String) -> IndicatorLink? {
        let parts = value.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 else { return nil }
        return IndicatorLink(formOwner: parts[0], formCode: parts[1], question: parts[2])
    }
}

extension AssignedTasks {
    /// The numeric questions of the latest version of every form the actor's unit may be
    /// assigned (its own and those from above): the units below report on them too.
    package func indicatorChoices(for actor: Actor) async throws -> [IndicatorChoice] {
        var latest: [String: FormView] = [:]
        for view in try await forms.visible(to: actor) {
            let key = "\(view.owner)|\(view.form.code)"
            if (latest[key]?.form.version ?? 0) < view.form.version { latest[key] = view }
        }
        return latest.keys.sorted().compactMap { latest[$0] }.flatMap { view in
            view.form.questions.filter(\.kind.isNumeric).map {
                IndicatorChoice(
                    link: IndicatorLink(formOwner: view.owner, formCode: view.form.code, question: $0.id),
                    formTitle: view.form.title,
                    questionText: $0.text
                )
            }
        }
    }

    /// Refuses an indicator that is not a numeric question of a form the actor's unit may be assigned.
    func checkIndicator(_ link: IndicatorLink, for actor: Actor) async throws {
        let known = try await indicatorChoices(for: actor).contains { $0.link == link }
        guard known else {
            throw DomainError(
                .linkedIndicatorInvalid(formCode: link.formCode, question: link.question),
                details: ["indicator": "unknown"]
            )
        }
    }

    /// How a task's indicator reads on its page, or nil when the form is not held here.
    package func indicatorLabel(_ link: IndicatorLink) async throws -> String? {
        let form = try await database.pool.read { db in try forms.form(owner: link.formOwner, code: link.formCode, db) }
        guard let form, let question = form.question(link.question) else { return nil }
        return "\(form.title) — \(question.text)"
    }
}
