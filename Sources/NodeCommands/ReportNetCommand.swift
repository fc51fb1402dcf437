import ArgumentParser
import Federation
import Logging
import Node

/// The `reportnet` command: run a node, run the demo federation, make certificates.
public struct ReportNetCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "reportnet",
        abstract: "Mạng báo cáo Nghị quyết 57 — reporting network node (mutual-TLS HTTP/2 federation, SQLite).",
        version: "reportnet \(SoftwareVersion.current) (protocol \(ProtocolVersion.current), "
            + "database schema \(NodeDatabase.schemaVersion))",
        subcommands: [
            DemoCommand.self, ServeCommand.self, CertsCommand.self, EnrolCommand.self, BootstrapAdminCommand.self,
            FormsCommand.self, IndicatorsCommand.self, AuditCommand.self, FiguresCommand.self,
            BackupCommand.self, RestoreCommand.self,
        ]
    )

    public init() {}
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
