import Auth
@preconcurrency import Crypto
import Foundation
import SwiftASN1
import X509

/// Who signed an approval, as its signer certificate says.
public struct ProofSigner: Sendable, Hashable {
    /// The unit of the signing node (its certificate's `reportnet://unit/<code>` URI).
    public let unitCode: String
    /// The signing node's name (its certificate's common name).
    public let nodeName: String
    /// SHA-256 of the certificate's DER, lower-case hex (how revocations name it).
    public let fingerprint: String
    public let notValidBefore: Date
    public let notValidAfter: Date

    public init(certificate: Certificate) throws {
        unitCode = try NodeIdentity.from(certificate: certificate).unitCode
        nodeName = ApprovalProof.commonName(of: certificate.subject) ?? "\(certificate.subject)"
        fingerprint = certificate.fingerprint
        notValidBefore = certificate.notValidBefore
        notValidAfter = certificate.notValidAfter
    }
}

/// A report's signed approval as plain files that anyone can check with standard tools
/// (OpenSSL 1.1.1 or 3.x), without ReportNet (Regulation 02 Art. 7.7): exactly the bytes that
/// were signed, the signature in DER, the signer's certificate, its intermediates and the
/// federation's root, with a README giving the commands. Pure: it only arranges what it is given.
public struct ApprovalProof: Sendable {
    /// What a node found when it checked the proof itself (chain and signature, just now).
    public struct Check: Sendable {
        /// The node that checked.
        public let node: String
        public let at: Date
        /// Why the proof does not verify there, or nil when it does.
        public let problem: String?

        public init(node: String, at: Date, problem: String?) {
            self.node = node
            self.at = at
            self.problem = problem
        }
    }

    public static let signedFile = "signed.json"
    public static let signatureFile = "signature.der"
    public static let signerFile = "signer.pem"
    public static let intermediatesFile = "intermediates.pem"
    public static let rootFile = "root.pem"
    public static let readmeFile = "README.txt"
    public static let checksumsFile = "SHA256SUMS"

    public let signed: SignedPayload
    public let report: ApprovedReport
    public let signer: ProofSigner
    public let intermediates: [Certificate]
    public let root: Certificate

    /// - Throws: `PKIError` when the payload carries no readable certificate or report.
    public init(signed: SignedPayload, root: Certificate) throws {
        self.signed = signed
        self.root = root
        let leaf = try PayloadVerifier.signerCertificate(of: signed)
        signer = try ProofSigner(certificate: leaf)
        intermediates = try (signed.intermediates ?? []).map { der in
            do { return try Certificate(derEncoded: [UInt8](der)) } catch {
                throw PKIError.untrustedSigner("an intermediate certificate is not valid DER-encoded X.509")
            }
        }
        do {
            report = try JSONDecoder.federation.decode(ApprovedReport.self, from: signed.payload)
        } catch {
            throw PKIError.invalidCertificate("the signed payload is not an approved report: \(error)")
        }
    }

    /// The folder (and ZIP name without extension) the files go in: `bang-chung-<form>-<unit>-<period>`.
    public var folderName: String {
        "bang-chung-\(report.formCode)-\(report.unit)-\(report.period)"
    }

    /// The files, each under `folderName/`: README first, then what it verifies.
    public func files(check: Check) throws -> [(path: String, data: Data)] {
        var files: [(String, Data)] = [
            (Self.signedFile, signed.payload),
            (Self.signatureFile, signed.signature),
            (Self.signerFile, Data(try Self.pem(PayloadVerifier.signerCertificate(of: signed)).utf8)),
        ]
        if !intermediates.isEmpty {
            files.append((Self.intermediatesFile, Data(try intermediates.map(Self.pem).joined().utf8)))
        }
        files.append((Self.rootFile, Data(try Self.pem(root).utf8)))
        let sums = files.map { "\(Hex.encode(SHA256.hash(data: $0.1)))  \($0.0)\n" }.joined()
        files.append((Self.checksumsFile, Data(sums.utf8)))
        files.insert((Self.readmeFile, Data(readme(check: check).utf8)), at: 0)
        return files.map { ("\(folderName)/\($0.0)", $0.1) }
    }

    /// The commands, in order, that check the proof (run in the unpacked folder).
    public var commands: [String] {
        let untrusted = intermediates.isEmpty ? "" : " -untrusted \(Self.intermediatesFile)"
        return [
            "openssl verify -CAfile \(Self.rootFile)\(untrusted) \(Self.signerFile)",
            "openssl x509 -in \(Self.signerFile) -pubkey -noout > signer.pub",
            "openssl dgst -sha256 -verify signer.pub -signature \(Self.signatureFile) \(Self.signedFile)",
        ]
    }

    /// Step-by-step instructions, Vietnamese first, English second.
    public func readme(check: Check) -> String {
        let time = Self.time
        let verdict =
            if let problem = check.problem {
                "KHÔNG HỢP LỆ / NOT VALID — \(problem)"
            } else {
                "HỢP LỆ (chuỗi chứng thư và chữ ký) / VALID (certificate chain and signature)"
            }
        func file(_ name: String, _ text: String) -> String {
            "  " + name + String(repeating: " ", count: max(1, 19 - name.count)) + text
        }
        var listed = [
            file(
                Self.signedFile,
                "đúng các byte đã được ký: báo cáo đã duyệt (JSON, UTF-8) / exactly the bytes that were signed: the approved report (JSON, UTF-8)"
            ),
            file(
                Self.signatureFile,
                "chữ ký ECDSA P-256 / SHA-256, mã hoá DER / the ECDSA P-256 / SHA-256 signature, DER-encoded"
            ),
            file(Self.signerFile, "chứng thư của nút ký / the signing node's certificate"),
        ]
        if !intermediates.isEmpty {
            listed.append(
                file(
                    Self.intermediatesFile,
                    "chứng thư CA trung gian (cấp tỉnh) / the intermediate (province) CA certificate(s)"
                )
            )
        }
        listed.append(
            file(Self.rootFile, "chứng thư gốc của liên mạng ReportNet / the ReportNet federation's root certificate")
        )
        listed.append(
            file(
                Self.checksumsFile,
                "SHA-256 của các tệp trên (kiểm tra tải về đủ) / SHA-256 of the files above (download integrity)"
            )
        )
        let files = listed.joined(separator: "\n")
        let message = report.message.map { "Ý kiến phê duyệt / Approval note: \($0)\n" } ?? ""
        return """
            BẰNG CHỨNG PHÊ DUYỆT BÁO CÁO — ReportNet
            PROOF OF A REPORT'S APPROVAL — ReportNet
            (Quy định 02, Điều 7.7: toàn vẹn và chống chối bỏ / Regulation 02 Art. 7.7: integrity and non-repudiation)

            Báo cáo / Report:              \(report.reportId)
            Biểu mẫu / Form:               \(report.formCode) v\(report.formVersion) (đơn vị giao / assigned by \(report.formOwner))
            Kỳ báo cáo / Period:           \(report.period)
            Đơn vị báo cáo / Unit:         \(report.unit)
            Người duyệt / Approved by:     \(report.approvedBy)
            Thời điểm duyệt / Approved at: \(time(report.approvedAt)) (lần duyệt thứ / approval no. \(report.approvalCount))
            \(message)
            Nút ký / Signing node:         \(signer.nodeName) (đơn vị / unit \(signer.unitCode), \(NodeIdentity(unitCode: signer.unitCode).uri))
            Vân tay SHA-256 chứng thư ký / Signer certificate SHA-256 fingerprint:
              \(signer.fingerprint)
              \(Self.colonFingerprint(signer.fingerprint))
            Vân tay SHA-256 chứng thư gốc / Root certificate SHA-256 fingerprint:
              \(root.fingerprint)
              \(Self.colonFingerprint(root.fingerprint))
            Kiểm tra tại nút / Checked at node \(check.node), \(time(check.at)):
              \(verdict)

            TỆP / FILES
            \(files)

            KIỂM TRA BẰNG OPENSSL, KHÔNG CẦN REPORTNET / VERIFY WITH OPENSSL, WITHOUT REPORTNET
            Giải nén, mở cửa sổ lệnh trong thư mục này rồi chạy lần lượt (OpenSSL 1.1.1 hoặc 3.x).
            Unpack, open a terminal in this folder and run, in order (OpenSSL 1.1.1 or 3.x).

            0. Chứng thư gốc: so vân tay với vân tay gốc được công bố chính thức — đừng chỉ tin tệp
               root.pem đi kèm gói này. / The root: compare its fingerprint with the officially
               published root fingerprint — do not trust the root.pem in this bundle alone.
                 openssl x509 -in \(Self.rootFile) -noout -fingerprint -sha256

            1. Chuỗi chứng thư: chứng thư của nút ký do gốc cấp (trực tiếp hoặc qua CA trung gian của tỉnh).
               The chain: the root issued the signer's certificate (directly or through a province's CA).
                 \(commands[0])
               Kết quả đúng / expected: "\(Self.signerFile): OK"
               (Chứng thư đã hết hạn từ sau khi ký: thêm "-attime \(Int(report.approvedAt.timeIntervalSince1970))",
               thời điểm duyệt. / A certificate expired since the signing: add that option, the approval time.)

            2. Nút ký: URI reportnet://unit/<mã đơn vị> và vân tay phải khớp các dòng ở trên.
               The signer: its reportnet://unit/<unit code> URI and fingerprint must match the lines above.
                 openssl x509 -in \(Self.signerFile) -noout -subject -ext subjectAltName -fingerprint -sha256

            3. Khoá công khai của nút ký / The signer's public key:
                 \(commands[1])

            4. Chữ ký: signed.json đúng là nội dung nút đó đã ký, không sai một byte.
               The signature: signed.json is exactly what that node signed, not one byte changed.
                 \(commands[2])
               Kết quả đúng / expected: "Verified OK"; nội dung bị sửa / altered content: "Verification failure"

            5. (Không bắt buộc / optional) Tệp tải về đủ / the download is complete:
                 sha256sum -c \(Self.checksumsFile)

            Đọc báo cáo đã ký: mở signed.json (các trường reportId, unit, period, answers, approvedBy,
            approvedAt, history, evidence; tệp minh chứng được nêu bằng SHA-256). Nút ký là nút lưu
            trữ đơn vị báo cáo (một xã chưa có nút báo cáo qua nút của tỉnh).
            Reading the signed report: open signed.json (fields reportId, unit, period, answers,
            approvedBy, approvedAt, history, evidence; evidence files are named by their SHA-256). The
            signing node is the node hosting the reporting unit (a commune without a node reports
            through its province's node).

            """
    }

    /// `AA:BB:…` as `openssl x509 -fingerprint -sha256` prints it.
    public static func colonFingerprint(_ hex: String) -> String {
        stride(from: 0, to: hex.count, by: 2).map { offset -> String in
            let start = hex.index(hex.startIndex, offsetBy: offset)
            return hex[start..<hex.index(start, offsetBy: min(2, hex.count - offset))].uppercased()
        }.joined(separator: ":")
    }

    static func commonName(of name: DistinguishedName) -> String? {
        for rdn in name {
            for attribute in rdn where attribute.type == .RDNAttributeType.commonName {
                return String(describing: attribute.value)
            }
        }
        return nil
    }

    static func pem(_ certificate: Certificate) throws -> String {
        try certificate.serializeAsPEM().pemString + "\n"
    }

    /// ISO 8601 in UTC, as in signed.json.
    static func time(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
