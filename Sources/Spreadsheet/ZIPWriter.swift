import Foundation
import ZIPFoundation

/// Writes plain files into a ZIP archive (deflated), as downloads that bundle several files.
public enum ZIPWriter {
    /// The archive's bytes: `files` in order, each stamped with `modified` (a caller's clock, so
    /// the same files at the same time give the same archive).
    public static func data(_ files: [(path: String, data: Data)], modified: Date) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        for (path, bytes) in files {
            try archive.addEntry(
                with: path,
                type: .file,
                uncompressedSize: Int64(bytes.count),
                modificationDate: modified,
                compressionMethod: .deflate
            ) { position, size in
                bytes.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let data = archive.data else { throw Archive.ArchiveError.unwritableArchive }
        return data
    }
}
