import Auth
import Federation
import Foundation
import Hierarchy
import Testing

@testable import Node

/// The accounts and sessions room on its own: Bắc Ninh's node over a temporary SQLite file, no
/// listener. Delegated administration (Regulation 02 Art. 10–11), activation, the login lock and
/// session lifetimes, all on the node's clock.
@Suite struct AccountRulesTests {
    let nodes: LocalNodes
    let province: LocalNode

    static let admin = Actor(username: "bni.quantri", unit: "BNI", role: .admin)
    static let password = "Mat-khau-rat-dai-2026"

    init() throws {
        nodes = try LocalNodes()
        province = try nodes.open("bac-ninh", loginDelay: .milliseconds(1))
    }

    /// An admin creates accounts of its own unit and admins of the units directly below, and
    /// nothing else.
    @Test func anAdminGrantsOnlyWithinItsDelegation() async throws {
        defer { nodes.remove() }
        let clerk = try await province.accounts.create(
            NewAccount(username: "bni.nhaplieu", fullName: "Nguyễn Văn An", unit: "BNI", role: .dataEntry),
            by: Self.admin
        )
        #expect(clerk.status == "pending" && clerk.deliveredTo == "bac-ninh" && !clerk.activationCode.isEmpty)

        // Tiên Du is hosted here: its admin waits here. Kinh Bắc has its own node: its admin
        // travels down the feed to it.
        let tienDu = try await province.accounts.create(
            NewAccount(username: "td.quantri", fullName: "Trần Thị Bình", unit: "BNI-TD", role: .admin),
            by: Self.admin
        )
        #expect(tienDu.status == "pending")
        let kinhBac = try await province.accounts.create(
            NewAccount(username: "kb.quantri", fullName: "Lê Văn Cường", unit: "BNI-KB", role: .admin),
            by: Self.admin
        )
        #expect(kinhBac.status == "delegated" && kinhBac.deliveredTo == "kinh-bac")

        // Not a non-admin account below, not above, not a right beyond the role, not as a non-admin.
        let belowClerk = await refusal {
            _ = try await province.accounts.create(
                NewAccount(username: "td.nhaplieu", fullName: "Phạm Văn Dũng", unit: "BNI-TD", role: .dataEntry),
                by: Self.admin
            )
        }
        #expect(belowClerk.map { "\($0)" } == "\(DomainError.Reason.delegationRefusesAccount(.onlyAdminsBelow))")
        let above = await refusal {
            _ = try await province.accounts.create(
                NewAccount(username: "tw.moi", fullName: "Hoàng Văn Em", unit: "TW", role: .admin),
                by: Self.admin
            )
        }
        #expect(above.map { "\($0)" } == "\(DomainError.Reason.delegationRefusesAccount(.outsideScope))")
        let beyondRole = await refusal {
            _ = try await province.accounts.create(
                NewAccount(
                    username: "bni.xem",
                    fullName: "Vũ Thị Giang",
                    unit: "BNI",
                    role: .viewer,
                    permissions: [.viewReports, .manageUsers]
                ),
                by: Self.admin
            )
        }
        #expect(beyondRole.map { "\($0)" } == "\(DomainError.Reason.delegationRefusesAccount(.beyondRole))")
        let approver = Actor(username: "bni.lanhdao", unit: "BNI", role: .approver)
        let notAdmin = await refusal {
            _ = try await province.accounts.create(
                NewAccount(username: "bni.khac", fullName: "Đỗ Văn Hải", unit: "BNI", role: .viewer),
                by: approver
            )
        }
        #expect(notAdmin.map { "\($0)" } == "\(DomainError.Reason.delegationRefusesAccount(.notAnAdmin))")

        // The refused accounts do not exist; the admin sees its unit and the admins below.
        let visible = Set(try await province.accounts.visible(to: Self.admin).map(\.username))
        #expect(visible == ["bni.nhaplieu", "td.quantri", "kb.quantri"])
    }

    /// The owner activates with the one-time code; five wrong passwords in a row lock the account
    /// for fifteen minutes of the node's clock, after which the right password opens a session that
    /// lasts eight hours.
    @Test func activationLockAndSessionLifetimeFollowTheNodesClock() async throws {
        defer { nodes.remove() }
        let created = try await province.accounts.create(
            NewAccount(username: "bni.nhaplieu", fullName: "Nguyễn Văn An", unit: "BNI", role: .dataEntry),
            by: Self.admin
        )
        let wrongCode = await refusal {
            _ = try await province.accounts.activate(
                username: "bni.nhaplieu",
                code: "000-000-000",
                password: Self.password
            )
        }
        #expect(wrongCode.map { "\($0)" } == "\(DomainError.Reason.activationFailed)")
        let weak = await refusal {
            _ = try await province.accounts.activate(
                username: "bni.nhaplieu",
                code: created.activationCode,
                password: "ngan"
            )
        }
        guard case .passwordPolicy = weak else {
            Issue.record("expected passwordPolicy, got \(String(describing: weak))")
            return
        }
        let active = try await province.accounts.activate(
            username: "bni.nhaplieu",
            code: created.activationCode,
            password: Self.password
        )
        #expect(active.status == "active")

        for attempt in 1...5 {
            let refused = await refusal {
                _ = try await province.sessions.login(
                    identifier: "bni.nhaplieu",
                    password: "sai-\(attempt)",
                    browser: false,
                    source: "test"
                )
            }
            #expect(refused != nil)
        }
        let locked = await refusal {
            _ = try await province.sessions.login(
                identifier: "bni.nhaplieu",
                password: Self.password,
                browser: false,
                source: "test"
            )
        }
        guard case .accountLocked = locked else {
            Issue.record("expected accountLocked, got \(String(describing: locked))")
            return
        }

        nodes.clock.advance(by: 15 * 60 + 1)
        let (grant, token) = try await province.sessions.login(
            identifier: "bni.nhaplieu",
            password: Self.password,
            browser: false,
            source: "test"
        )
        #expect(grant.next == nil)
        #expect(try await province.sessions.session(forToken: token) != nil)

        nodes.clock.advance(by: 8 * 3_600 - 60)
        #expect(try await province.sessions.session(forToken: token) != nil)
        nodes.clock.advance(by: 120)
        #expect(try await province.sessions.session(forToken: token) == nil, "a session ends eight hours after login")
    }

    /// Disabling an account ends its sessions at once; a reset makes it wait for a new activation.
    @Test func disablingEndsSessionsAndAResetNeedsANewActivation() async throws {
        defer { nodes.remove() }
        let created = try await province.accounts.create(
            NewAccount(username: "bni.nhaplieu", fullName: "Nguyễn Văn An", unit: "BNI", role: .dataEntry),
            by: Self.admin
        )
        _ = try await province.accounts.activate(
            username: "bni.nhaplieu",
            code: created.activationCode,
            password: Self.password
        )
        let (_, token) = try await province.sessions.login(
            identifier: "bni.nhaplieu",
            password: Self.password,
            browser: false,
            source: "test"
        )
        let disabled = try await province.accounts.disable("bni.nhaplieu", by: Self.admin)
        #expect(disabled.status == "disabled")
        #expect(try await province.sessions.session(forToken: token) == nil)
        let refused = await refusal {
            _ = try await province.sessions.login(
                identifier: "bni.nhaplieu",
                password: Self.password,
                browser: false,
                source: "test"
            )
        }
        #expect(refused.map { "\($0)" } == "\(DomainError.Reason.loginFailed)")

        let reset = try await province.accounts.reset("bni.nhaplieu", by: Self.admin)
        #expect(reset.status == "pending")
        let renewed = try await province.accounts.activate(
            username: "bni.nhaplieu",
            code: reset.activationCode,
            password: "Mot-mat-khau-moi-2026"
        )
        #expect(renewed.status == "active")

        // Another unit's admin cannot touch the account.
        let outsider = Actor(username: "td.quantri", unit: "BNI-TD", role: .admin)
        #expect(await refusal { _ = try await province.accounts.disable("bni.nhaplieu", by: outsider) } != nil)
    }
}
