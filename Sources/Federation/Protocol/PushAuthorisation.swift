/// Decides whether a pushed batch may be processed at all, before any message is applied.
///
/// The caller is known only from its certificate. It must be a direct child of this node, every
/// message must name it as origin and concern a unit it speaks for. A breach refuses the whole
/// batch: an impostor's batch is not "a bad message" to park, it is an attack to refuse.
public struct PushAuthorisation: Sendable {
    public let deployment: Deployment
    public let receiver: NodeDescription

    public init(deployment: Deployment, receiver: NodeDescription) {
        self.deployment = deployment
        self.receiver = receiver
    }

    public enum Refusal: Error, Equatable, Sendable {
        case notAChild(String)
        case wrongOrigin(String)
        case foreignUnit(String)
        case unsupportedVersion(Int)
        case badBatch(String)

        /// HTTP status for the refusal.
        public var status: Int {
            switch self {
            case .notAChild, .wrongOrigin, .foreignUnit: 403
            case .unsupportedVersion, .badBatch: 400
            }
        }

        public var error: ProtocolError {
            switch self {
            case .notAChild(let caller):
                ProtocolError(
                    error: "forbidden",
                    message: "node '\(caller)' is not a direct child of this node and may not push here"
                )
            case .wrongOrigin(let id):
                ProtocolError(
                    error: "forbidden",
                    message: "message \(id) names another origin than the calling node's certificate"
                )
            case .foreignUnit(let unit):
                ProtocolError(error: "forbidden", message: "the calling node may not send data of unit '\(unit)'")
            case .unsupportedVersion(let version):
                ProtocolError(
                    error: "unsupported_version",
                    message:
                        "protocol version \(version) is not accepted (accepted: \(ProtocolVersion.accepted.lowerBound)–\(ProtocolVersion.accepted.upperBound))"
                )
            case .badBatch(let reason): ProtocolError(error: "bad_request", message: reason)
            }
        }
    }

    public func check(_ request: PushRequest, from caller: String) -> Refusal? {
        guard deployment.relation(of: caller, to: receiver) == .child, let callerNode = deployment.node(forUnit: caller)
        else {
            return .notAChild(caller)
        }
        guard ProtocolVersion.accepted.contains(request.protocolVersion) else {
            return .unsupportedVersion(request.protocolVersion)
        }
        guard request.messages.count <= PushRequest.maximumBatch else {
            return .badBatch("at most \(PushRequest.maximumBatch) messages per batch")
        }
        var ids = Set<String>()
        for message in request.messages {
            guard ProtocolVersion.messages.contains(message.protocolVersion) else {
                return .unsupportedVersion(message.protocolVersion)
            }
            guard ids.insert(message.id).inserted else {
                return .badBatch("message \(message.id) appears twice in the batch")
            }
            guard message.origin == caller else { return .wrongOrigin(message.id) }
            guard deployment.node(callerNode, speaksFor: message.unit) else { return .foreignUnit(message.unit) }
        }
        return nil
    }

    /// Only a direct child reads a feed, and only its own.
    public func mayReadFeed(caller: String) -> Bool {
        deployment.relation(of: caller, to: receiver) == .child
    }
}
