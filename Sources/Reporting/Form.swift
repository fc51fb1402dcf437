import Foundation
import Hierarchy

/// A report form (biểu mẫu): criteria groups of questions, versioned so that a report keeps
/// the version it was filled on.
public struct Form: Codable, Sendable, Hashable {
    public let code: String
    public let version: Int
    public let title: String
    public let frequency: Frequency
    /// Day of the period's last month by which reports are due (default 25).
    public let deadlineDay: Int
    public let groups: [CriteriaGroup]
    /// For a quarterly or yearly form: the code of the monthly form (same owner) whose reports
    /// compute it (Regulation 02 Art. 9); questions with the same id are rolled up.
    public let rollupOf: String?
    /// Rules between questions and cells of different tables (a table's own rules are on its layout).
    public let rules: [ValidationRule]

    public init(
        code: String,
        version: Int = 1,
        title: String,
        frequency: Frequency,
        deadlineDay: Int = 25,
        groups: [CriteriaGroup],
        rollupOf: String? = nil,
        rules: [ValidationRule] = []
    ) {
        self.rollupOf = rollupOf
        self.rules = rules
        self.code = code
        self.version = version
        self.title = title
        self.frequency = frequency
        self.deadlineDay = deadlineDay
        self.groups = groups
    }

    enum CodingKeys: String, CodingKey { case code, version, title, frequency, deadlineDay, groups, rollupOf, rules }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decode(String.self, forKey: .code)
        version = try container.decodeIfPresent(Int.self, forKey: .version) ?? 1
        title = try container.decode(String.self, forKey: .title)
        frequency = try container.decode(Frequency.self, forKey: .frequency)
        deadlineDay = try container.decodeIfPresent(Int.self, forKey: .deadlineDay) ?? 25
        groups = try container.decode([CriteriaGroup].self, forKey: .groups)
        rollupOf = try container.decodeIfPresent(String.self, forKey: .rollupOf)
        rules = try container.decodeIfPresent([ValidationRule].self, forKey: .rules) ?? []
    }

    /// A form without rules encodes as it did before rules existed.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code, forKey: .code)
        try container.encode(version, forKey: .version)
        try container.encode(title, forKey: .title)
        try container.encode(frequency, forKey: .frequency)
        try container.encode(deadlineDay, forKey: .deadlineDay)
        try container.encode(groups, forKey: .groups)
        try container.encodeIfPresent(rollupOf, forKey: .rollupOf)
        if !rules.isEmpty { try container.encode(rules, forKey: .rules) }
    }

    public var questions: [Question] { groups.flatMap(\.questions) }

    public func question(_ id: String) -> Question? { questions.first { $0.id == id } }

    /// Structural problems that make the form unusable; empty when the form is sound.
    public func problems() -> [String] {
        var problems: [String] = []
        if !Unit.isValidIdentifier(code) {
            problems.append("form code '\(code)' must be letters, digits, '-', '_' or '.'")
        }
        if version < 1 { problems.append("version must be 1 or more") }
        if title.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("title is empty") }
        if !(1...28).contains(deadlineDay) { problems.append("deadlineDay must be between 1 and 28") }
        if questions.isEmpty { problems.append("the form has no questions") }
        if let rollupOf {
            if frequency != .quarterly && frequency != .yearly {
                problems.append("only quarterly and yearly forms roll up monthly reports")
            }
            if rollupOf == code || !Unit.isValidIdentifier(rollupOf) {
                problems.append("rollupOf must name another form's code")
            }
        }
        var seen = Set<String>()
        for question in questions {
            if !seen.insert(question.id).inserted { problems.append("question id '\(question.id)' appears twice") }
            problems.append(contentsOf: question.problems())
        }
        return problems + ruleProblems()
    }
}

/// A criteria group (nhóm tiêu chí): a titled section of a form.
public struct CriteriaGroup: Codable, Sendable, Hashable {
    public let id: String
    public let title: String
    public let questions: [Question]

    public init(id: String, title: String, questions: [Question]) {
        self.id = id
        self.title = title
        self.questions = questions
    }
}
