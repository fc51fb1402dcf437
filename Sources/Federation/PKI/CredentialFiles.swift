import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes certificates and private keys to disk with safe permissions (keys are never readable by others, even briefly).
public enum CredentialFiles {
    /// Writes the key (mode 0600) and the certificate (mode 0644), creating parent folders and replacing old files.
    public static func write(
        certificatePEM: String,
        privateKeyPEM: String,
        certificatePath: String,
        keyPath: String
    ) throws {
        try writeFile(Data(endingWithNewline(privateKeyPEM).utf8), to: keyPath, mode: 0o600)
        try writeCertificate(pem: certificatePEM, path: certificatePath)
    }

    /// Writes a certificate (mode 0644), e.g. the CA certificate a node trusts.
    public static func writeCertificate(pem: String, path: String) throws {
        try writeFile(Data(endingWithNewline(pem).utf8), to: path, mode: 0o644)
    }

    /// PEM text as tools expect it on disk: ending with a newline, so `cat a.pem b.pem > chain.pem`
    /// gives a bundle OpenSSL reads.
    static func endingWithNewline(_ pem: String) -> String { pem.hasSuffix("\n") ? pem : pem + "\n" }

    /// Writes to a temporary file created 0600 in the same folder, sets `mode`, then renames it over `path`.
    private static func writeFile(_ data: Data, to path: String, mode: mode_t) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw PKIError.fileWrite(
                path: path,
                reason: "cannot create folder \(folder.path): \(error.localizedDescription)"
            )
        }
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp").path
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(0o600))
        guard fd >= 0 else { throw PKIError.fileWrite(path: path, reason: lastErrorMessage()) }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        do {
            guard fchmod(fd, mode) == 0 else { throw PKIError.fileWrite(path: path, reason: lastErrorMessage()) }
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            guard rename(temporary, path) == 0 else { throw PKIError.fileWrite(path: path, reason: lastErrorMessage()) }
        } catch {
            unlink(temporary)
            throw error as? PKIError ?? PKIError.fileWrite(path: path, reason: error.localizedDescription)
        }
    }

    private static func lastErrorMessage() -> String {
        String(cString: strerror(errno))
    }
}
