import NodeCommands

/// The executable stays thin: the commands live in NodeCommands.
@main
struct ReportNet {
    static func main() async {
        await ReportNetCommand.main()
    }
}
