import Foundation
import Hierarchy
import Testing

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
        #expect(
            Delegation.refusalToCreate(by: centralAdmin, unit: "P1", role: .dataEntry, in: tree) == .onlyAdminsBelow
        )
        #expect(Delegation.refusalToCreate(by: centralAdmin, unit: "C11", role: .admin, in: tree) == .outsideScope)
        #expect(Delegation.refusalToCreate(by: provinceAdmin, unit: "C21", role: .admin, in: tree) == .outsideScope)
        #expect(Delegation.refusalToCreate(by: provinceAdmin, unit: "TW", role: .admin, in: tree) == .outsideScope)
        #expect(Delegation.refusalToCreate(by: provinceAdmin, unit: "P2", role: .admin, in: tree) == .outsideScope)
        #expect(Delegation.refusalToCreate(by: provinceAdmin, unit: "ZZ", role: .admin, in: tree) == .unknownUnit("ZZ"))
    }

    @Test func nobodyGrantsWhatTheyDoNotHold() {
        let limited = Actor(username: "x", unit: "P1", role: .admin, permissions: [.manageUsers, .viewReports])
        #expect(
            Delegation.refusalToCreate(by: limited, unit: "P1", role: .approver, in: tree)
                == .notHeld([.approveReports, .assignTasks].sorted())
        )
        #expect((Delegation.refusalToCreate(by: limited, unit: "P1", role: .viewer, in: tree)) == nil)
        #expect(
            Delegation.refusalToCreate(
                by: provinceAdmin,
                unit: "P1",
                role: .viewer,
                permissions: [.approveReports],
                in: tree
            ) == .beyondRole
        )
    }

    @Test func nonAdminsCreateNothing() {
        let approver = Actor(username: "a", unit: "P1", role: .approver)
        #expect(Delegation.refusalToCreate(by: approver, unit: "P1", role: .viewer, in: tree) == .notAnAdmin)
    }

    @Test func managingStopsAtOwnUnitAndAppointedAdmins() {
        #expect((Delegation.refusalToManage(by: provinceAdmin, unit: "C11", role: .admin, in: tree)) == nil)
        #expect(Delegation.refusalToManage(by: provinceAdmin, unit: "C11", role: .dataEntry, in: tree) == .outsideScope)
        #expect(Delegation.refusalToManage(by: provinceAdmin, unit: "TW", role: .admin, in: tree) == .outsideScope)
        let limited = Actor(username: "b", unit: "P1", role: .admin, permissions: [.manageUsers])
        #expect(
            Delegation.refusalToManage(by: limited, unit: "P1", role: .admin, in: tree)
                == .notHeld([.manageForms, .approveReports, .enterData, .viewReports, .assignTasks].sorted()),
            "a lesser admin cannot reset a greater one and inherit its rights"
        )
        #expect(Delegation.refusalToManage(by: limited, unit: "P1", role: .viewer, permissions: [], in: tree) == nil)
    }
}

@Suite struct CredentialTests {
    @Test func hexIsLowerCaseTwoDigitsPerByte() {
        #expect(Hex.encode([0x00, 0x0F, 0xAB, 0xFF] as [UInt8]) == "000fabff")
        #expect(Hex.encode([UInt8]()) == "")
        let bytes = (0...255).map(UInt8.init)
        #expect(Hex.encode(bytes) == bytes.map { String(format: "%02x", $0) }.joined())
        #expect(
            Secret.digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "SHA-256 of abc"
        )
    }

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
        // One in 64 would start with '-' (typed after `--token`, it would read as an option).
        #expect((0..<2_000).allSatisfy { _ in !Secret.token().hasPrefix("-") })
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

@Suite struct SecondFactorTests {
    @Test func matchesRFC6238() throws {
        // RFC 6238 appendix B, SHA-1 key "12345678901234567890" (base32 below), 8-digit codes end in these 6.
        let factor = try #require(SecondFactor(secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"))
        #expect(factor.code(at: Date(timeIntervalSince1970: 59)) == "287082")
        #expect(factor.code(at: Date(timeIntervalSince1970: 1_111_111_109)) == "081804")
        #expect(factor.code(at: Date(timeIntervalSince1970: 1_234_567_890)) == "005924")
    }

    @Test func codesWorkOnceAndWithinDrift() throws {
        let factor = SecondFactor.generate()
        #expect(SecondFactor(secret: factor.secret) == factor)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let step = try #require(factor.acceptedStep(for: factor.code(at: now), at: now, after: nil))
        #expect(factor.acceptedStep(for: factor.code(at: now), at: now, after: step) == nil, "replayed")
        #expect(
            factor.acceptedStep(for: factor.code(at: now.addingTimeInterval(-30)), at: now, after: nil) != nil,
            "one step of drift"
        )
        #expect(factor.acceptedStep(for: factor.code(at: now.addingTimeInterval(-120)), at: now, after: nil) == nil)
        #expect(factor.acceptedStep(for: "12a", at: now, after: nil) == nil)
        #expect(
            factor.uri(account: "bni.admin", issuer: "ReportNet").hasPrefix(
                "otpauth://totp/ReportNet:bni.admin?secret=\(factor.secret)"
            )
        )
        #expect(SecondFactor(secret: "not base32!") == nil)
    }

    @Test func recoveryCodes() {
        let codes = RecoveryCodes.generate()
        #expect(codes.count == 10 && Set(codes).count == 10)
        #expect(codes.allSatisfy { $0.count == 9 && $0.dropFirst(4).first == "-" })
        #expect(RecoveryCodes.normalised(codes[0].lowercased().replacingOccurrences(of: "-", with: "")) == codes[0])
    }
}
