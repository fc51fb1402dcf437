import Foundation
import Testing
import Hierarchy
@testable import Auth

let tree = try! UnitTree(units: [
    Unit(code: "TW", name: "Trung ương", level: .central, parent: nil),
    Unit(code: "P1", name: "Tỉnh 1", level: .province, parent: "TW"),
    Unit(code: "P2", name: "Tỉnh 2", level: .province, parent: "TW"),
    Unit(code: "C11", name: "Xã 11", level: .commune, parent: "P1"),
    Unit(code: "C21", name: "Xã 21", level: .commune, parent: "P2"),
])

@Suite struct DelegationTests {
    let centralAdmin = Actor(username: "tw.admin", unit: "TW", role: .admin)
    let provinceAdmin = Actor(username: "p1.admin", unit: "P1", role: .admin)

    @Test func adminCreatesAnyRoleInOwnUnit() {
        for role in Role.allCases {
            #expect((Delegation.refusalToCreate(by: provinceAdmin, unit: "P1", role: role, in: tree)) == nil)
        }
    }

    @Test func adminCreatesOnlyAdminsDirectlyBelow() {
        #expect((Delegation.refusalToCreate(by: centralAdmin, unit: "P1", role: .admin, in: tree)) == nil)
        #expect(Delegation.refusalToCreate(by: centralAdmin, unit: "P1", role: .dataEntry, in: tree) == .onlyAdminsBelow)
        #expect(Delegation.refusalToCreate(by: centralAdmin, unit: "C11", role: .admin, in: tree) == .outsideScope)
        #expect(Delegation.refusalToCreate(by: provinceAdmin, unit: "C21", role: .admin, in: tree) == .outsideScope)
        #expect(Delegation.refusalToCreate(by: provinceAdmin, unit: "TW", role: .admin, in: tree) == .outsideScope)
        #expect(Delegation.refusalToCreate(by: provinceAdmin, unit: "P2", role: .admin, in: tree) == .outsideScope)
        #expect(Delegation.refusalToCreate(by: provinceAdmin, unit: "ZZ", role: .admin, in: tree) == .unknownUnit("ZZ"))
    }

    @Test func nobodyGrantsWhatTheyDoNotHold() {
        let limited = Actor(username: "x", unit: "P1", role: .admin, permissions: [.manageUsers, .viewReports])
        #expect(Delegation.refusalToCreate(by: limited, unit: "P1", role: .approver, in: tree) == .notHeld([.approveReports]))
        #expect((Delegation.refusalToCreate(by: limited, unit: "P1", role: .viewer, in: tree)) == nil)
        #expect(Delegation.refusalToCreate(by: provinceAdmin, unit: "P1", role: .viewer, permissions: [.approveReports], in: tree) == .beyondRole)
    }

    @Test func nonAdminsCreateNothing() {
        let approver = Actor(username: "a", unit: "P1", role: .approver)
        #expect(Delegation.refusalToCreate(by: approver, unit: "P1", role: .viewer, in: tree) == .notAnAdmin)
    }

    @Test func managingStopsAtOwnUnitAndAppointedAdmins() {
        #expect((Delegation.refusalToManage(by: provinceAdmin, unit: "C11", role: .admin, in: tree)) == nil)
        #expect(Delegation.refusalToManage(by: provinceAdmin, unit: "C11", role: .dataEntry, in: tree) == .outsideScope)
        #expect(Delegation.refusalToManage(by: provinceAdmin, unit: "TW", role: .admin, in: tree) == .outsideScope)
    }
}

@Suite struct CredentialTests {
    @Test func passwordPolicy() {
        #expect(PasswordPolicy.problem(password: "short", username: "u") != nil)
        #expect(PasswordPolicy.problem(password: "nguyenvana-2026", username: "nguyenvana") != nil)
        #expect(PasswordPolicy.problem(password: "1234567890", username: "abc") != nil)
        #expect(PasswordPolicy.problem(password: "Sông Hồng chảy 2026", username: "abc") == nil)
    }

    @Test func bcryptRoundTrip() {
        let hasher = PasswordHasher(cost: 4)
        let hash = hasher.hash("correct horse battery")
        #expect(hasher.verify("correct horse battery", hash: hash))
        #expect(!hasher.verify("wrong horse battery", hash: hash))
    }

    @Test func secretsAreRandomAndShaped() {
        #expect(Secret.token() != Secret.token())
        #expect(Secret.token().count >= 43)
        let code = Secret.activationCode()
        #expect(code.count == 14 && code.split(separator: "-").count == 3)
        #expect(Secret.normalisedActivationCode(code.lowercased().replacingOccurrences(of: "-", with: " ")) == code)
        #expect(Secret.digest("a") == "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb")
    }

    @Test func identifiers() {
        #expect(CitizenID.isValid("001203012345"))
        #expect(!CitizenID.isValid("000203012345"))
        #expect(!CitizenID.isValid("00120301234"))
        #expect(!CitizenID.isValid("00120301234a"))
        #expect(Username.isValid("p1.admin"))
        #expect(!Username.isValid("P1 Admin"))
    }
}
