import Foundation
import NIOCore
import Testing

@testable import NodeHTTP

/// Reading a multipart post without parsing megabytes of file content: the weight of its files
/// and the fields before them, checked against the full parse (MultipartKit) of the same body.
@Suite struct PageFormTests {
    static let boundary = "rn-page-form-test"

    static func body(fieldsBefore: [(String, String)], files: [Data], fieldsAfter: [(String, String)]) -> ByteBuffer {
        var text = ByteBuffer()
        func field(_ name: String, _ value: String) {
            text.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        for (name, value) in fieldsBefore { field(name, value) }
        for (index, content) in files.enumerated() {
            text.writeString(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"f\(index).pdf\"\r\n"
                    + "Content-Type: application/pdf\r\n\r\n"
            )
            text.writeBytes(content)
            text.writeString("\r\n")
        }
        for (name, value) in fieldsAfter { field(name, value) }
        text.writeString("--\(boundary)--\r\n")
        return text
    }

    @Test func filesAreWeighedAsTheFullParseWeighsThem() throws {
        // File content that looks like headers and almost like the delimiter must not confuse it.
        let tricky = Data("filename=\"x\"\r\n\r\n--rn-page-form-tes\r\n-".utf8) + Data(repeating: 0x2D, count: 3000)
        let body = Self.body(
            fieldsBefore: [("_csrf", "abc"), ("message", "Kính trình")],
            files: [tricky, Data(count: 70_000), Data()],
            fieldsAfter: [("note", "sau tệp")]
        )
        let parsed = try PageForm.multipart(body, boundary: Self.boundary)
        #expect(parsed.files.count == 3)
        let weight = parsed.files.reduce(0) { $0 + Int64($1.data.readableBytes) }
        #expect(weight == Int64(tricky.count + 70_000))
        #expect(PageForm.fileBytes(body, boundary: Self.boundary) == weight)
        #expect(
            PageForm.fileBytes(
                Self.body(fieldsBefore: [("a", "b")], files: [], fieldsAfter: []),
                boundary: Self.boundary
            ) == 0
        )
    }

    @Test func theFieldsBeforeTheFirstFileAreReadAlone() throws {
        let body = Self.body(
            fieldsBefore: [("_csrf", "abc"), ("message", "Kính trình <b>gấp</b>"), ("note", "filename=\"a.pdf\"")],
            files: [Data(count: 100_000)],
            fieldsAfter: [("after", "sau tệp")]
        )
        let prefix = PageForm.fieldsBeforeFiles(body, boundary: Self.boundary)
        #expect(prefix.readableBytes < 400)
        let fields = try PageForm.multipart(prefix, boundary: Self.boundary)
        #expect(fields["message"] == "Kính trình <b>gấp</b>" && fields["_csrf"] == "abc")
        #expect(fields["note"] == "filename=\"a.pdf\"", "text typed in a field is not a file's header")
        #expect(fields["after"] == nil && fields.files.isEmpty)
        // A body cut in the middle of its file (as an over-limit post is) reads the same.
        let cut = body.getSlice(at: 0, length: 50_000)!
        let fromCut = try PageForm.multipart(
            PageForm.fieldsBeforeFiles(cut, boundary: Self.boundary),
            boundary: Self.boundary
        )
        #expect(fromCut["message"] == "Kính trình <b>gấp</b>")
    }

    /// The fields complete so far of a body still being read (what the CSRF check sees early).
    @Test func theFieldsSoFarAreTheCompleteOnes() throws {
        let body = Self.body(fieldsBefore: [("_csrf", "abc"), ("message", "Kính trình")], files: [], fieldsAfter: [])
        let whole = try #require(PageForm.fieldsSoFar(body, boundary: Self.boundary))
        #expect(whole["_csrf"] == "abc" && whole["message"] == "Kính trình")
        // Cut inside the second field's text: the first alone.
        let bytes = Array(String(buffer: body).utf8)
        let inMessage = try #require(bytes.firstRange(of: Array("Kính".utf8))).lowerBound
        let cut = try #require(
            PageForm.fieldsSoFar(body.getSlice(at: 0, length: inMessage + 2)!, boundary: Self.boundary)
        )
        #expect(cut["_csrf"] == "abc" && cut["message"] == nil)
        // Cut inside the first part's headers: nothing complete yet.
        #expect(PageForm.fieldsSoFar(body.getSlice(at: 0, length: 20)!, boundary: Self.boundary)?["_csrf"] == nil)
    }
}
