import Foundation
import Hummingbird
import Node
import Scoring

/// The public ranking page (no login): the ranking and component points this node's unit
/// published for a month — the stored publication as is, never the raw inputs, the working or
/// who entered them. Rate-limited per address like the public API.
struct PublicRankingPage {
    let kit: PageKit
    let limiter = PublicRateLimit(perMinute: 120)
    var local: LocalNode { kit.local }

    static let path = "\(WebPages.prefix)/public/ranking"

    /// The components in the order of Decision 4587, with the words the public reads.
    static let components: [(code: String, vietnamese: String, english: String)] = [
        ("A1", "Nhiệm vụ hoàn thành đúng hạn", "Tasks done on time"),
        ("A2", "Nhiệm vụ quá hạn đã hoàn thành", "Overdue tasks done"),
        ("A3", "Số nhiệm vụ được giao", "Tasks assigned"), ("B", "Phục vụ người dân, doanh nghiệp", "Public services"),
        ("C1", "Số hoá hồ sơ", "Records digitised"), ("C2", "Chia sẻ dữ liệu", "Data sharing"),
        ("D1", "Nhiệm vụ KH&CN nghiệm thu", "S&T tasks accepted"), ("D2", "Giải ngân kinh phí", "Funding disbursed"),
        ("E1", "Tham dự họp", "Meetings attended"), ("E2", "Tham luận, báo cáo chuyên đề", "Contributions"),
        ("E3", "Báo cáo đúng hạn", "Reports on time"), ("bonus", "Điểm khuyến khích", "Bonus"),
    ]

    func addRoutes(to pages: RouterGroup<NodeRequestContext>) {
        pages.get("/public/ranking") { request, context in
            let language = Language(request)
            guard await limiter.admit(context.clientAddress) else {
                return kit.errorPage(
                    EdgeRefusal(.rateLimited),
                    request: request,
                    context: context
                )
            }
            let text = request.uri.queryParameters["month"].map(String.init)
            var page = PublicRankingValues(unitName: kit.unitName(local.unit), month: text ?? "")
            var status = HTTPResponse.Status.ok
            let months = try await local.scores.publishedMonths()
            if let text, ScoreMonth(text) == nil {
                page.monthError = language.pick(
                    "Tháng “\(text)” không hợp lệ (ví dụ 2026-11)",
                    "Invalid month (e.g. 2026-11)"
                )
                status = .badRequest
            } else {
                do {
                    let body = try await local.scores.publishedRanking(month: text.flatMap(ScoreMonth.init))
                    let decoder = JSONDecoder()
                    decoder.dateDecodingStrategy = .iso8601
                    let ranking = try decoder.decode(PublicRanking.self, from: body)
                    page.show(ranking, language)
                } catch let error as Refused where error.status == .notFound {
                    page.none = language.pick(error.message, error.messageEN)
                    status = .notFound
                }
            }
            page.months = months.map {
                PublicRankingValues.Month(value: $0, label: Self.monthLabel($0), selected: $0 == page.month)
            }
            page.hasMonths = !months.isEmpty
            return kit.page(
                page,
                title: language.pick("Bảng xếp hạng chuyển đổi số", "Digital transformation ranking"),
                visitor: nil,
                language: language,
                current: Self.path,
                status: status
            )
        }
    }

    /// "2026-11" as "11/2026".
    static func monthLabel(_ month: String) -> String {
        guard let parsed = ScoreMonth(month) else { return month }
        return "\(parsed.month)/\(parsed.year)"
    }
}

/// The public ranking page (no login): the published month's ranks, totals, classes and
/// component points, and the published months to choose from.
struct PublicRankingValues: PageModel {
    static let template = "public_ranking"

    /// A component column.
    struct Column: Sendable {
        let code: String
        let name: String
    }

    /// One unit's rank.
    struct Row: Sendable {
        let rank: Int
        let change: String
        let name: String
        let total: Int
        let grade: String
        let gradeName: String
        let points: [String]
    }

    /// A published month to choose.
    struct Month: Sendable {
        let value: String
        let label: String
        let selected: Bool
    }

    let unitName: String
    var month: String
    var monthError: String?
    var none: String?
    var ranking: Bool?
    var monthLabel: String?
    var scorer: String?
    var publishedAt: String?
    var columns: [Column]?
    var rows: [Row]?
    var months: [Month] = []
    var hasMonths = false

    /// Shows a published ranking, with only the components some unit has.
    mutating func show(_ ranking: PublicRanking, _ language: Language) {
        let present = PublicRankingPage.components.filter { component in
            ranking.rows.contains { $0.components[component.code] != nil }
        }
        let numbers = NumberFormat(language)
        self.ranking = true
        month = ranking.month
        monthLabel = PublicRankingPage.monthLabel(ranking.month)
        scorer = ranking.scorerName
        publishedAt = PageDate.minute(ranking.publishedAt)
        columns = present.map {
            Column(
                code: $0.code == "bonus" ? language.pick("Thưởng", "Bonus") : $0.code,
                name: language.pick($0.vietnamese, $0.english)
            )
        }
        rows = ranking.rows.sorted { $0.rank < $1.rank }.map { row in
            Row(
                rank: row.rank,
                change: ScoringPage.change(row.change, language),
                name: row.name,
                total: row.total,
                grade: row.grade.rawValue,
                gradeName: language.pick(row.grade.vietnameseName, "Class \(row.grade.rawValue)"),
                points: present.map { numbers.text(row.components[$0.code] ?? 0) }
            )
        }
    }
}
