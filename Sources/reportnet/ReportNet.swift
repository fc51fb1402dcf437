import Node

/// The executable stays thin: everything lives in the Node module.
@main
struct ReportNet {
    static func main() async {
        await ReportNetCommand.main()
    }
}
