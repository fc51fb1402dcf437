import Reporting
import Synchronization

/// Forms by owner, code and version, decoded once. A version never changes once stored (the
/// owner makes a new version instead), so what is kept stays true; without it a parent decoded
/// the form's JSON again for every report it received.
final class FormCache: Sendable {
    private struct Key: Hashable {
        let owner: String
        let code: String
        let version: Int
    }

    private let forms = Mutex<[Key: Form]>([:])

    func form(owner: String, code: String, version: Int) -> Form? {
        forms.withLock { $0[Key(owner: owner, code: code, version: version)] }
    }

    func keep(_ form: Form, owner: String) {
        forms.withLock { $0[Key(owner: owner, code: form.code, version: form.version)] = form }
    }
}
