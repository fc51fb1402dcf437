/// A node as logs and service names show it: its name and unit only. Without this, Swift's
/// default description reflects every stored property, the whole deployment included, and
/// swift-service-lifecycle computes `"\(service)"` for every service it runs: a service holding a
/// `LocalNode` of the national topology (3,356 units) turned into a string of megabytes, once per
/// service, which kept a process with a thousand nodes busy for minutes before any listener bound.
extension LocalNode: CustomStringConvertible {
    public var description: String { "LocalNode(\(node.name), unit \(node.unit))" }
}
