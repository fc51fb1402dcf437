/// The release of ReportNet this binary is: shown by `reportnet --version` and to operators, so
/// a federation in the middle of an upgrade can tell which node runs what. Bump it with each
/// release; `docs/upgrade.md` says what may change between versions.
public enum SoftwareVersion {
    public static let current = "0.4.0"
}
