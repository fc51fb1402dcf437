import Federation
import Synchronization

/// The deployment a node works with now: the topology file's, with the unit changes it keeps
/// (table `unit_changes`) applied in order. Swapped whole under a lock when a change is kept, so
/// that every reader sees one consistent tree and hosting map.
final class LiveDeployment: Sendable {
    /// The deployment as the topology file describes it.
    let topology: Deployment
    let nodeName: String
    private let state: Mutex<State>

    struct State: Sendable {
        var deployment: Deployment
        var node: NodeDescription
    }

    init(topology: Deployment, node: NodeDescription) {
        self.topology = topology
        self.nodeName = node.name
        self.state = Mutex(State(deployment: topology, node: node))
    }

    var deployment: Deployment { state.withLock { $0.deployment } }
    var node: NodeDescription { state.withLock { $0.node } }

    /// Makes `deployment` current (it always holds this node: changes only add units and names).
    func set(_ deployment: Deployment) {
        guard let node = deployment.node(named: nodeName) else { return }
        state.withLock { $0 = State(deployment: deployment, node: node) }
    }

    /// Rebuilds from the topology and `changes`, in order. A change that no longer fits (the
    /// topology file has since taken the unit in, say) is left out and returned with its reason.
    @discardableResult
    func replay(_ changes: [UnitChange]) -> [(change: UnitChange, problem: UnitChangeProblem)] {
        var deployment = topology
        var skipped: [(change: UnitChange, problem: UnitChangeProblem)] = []
        for change in changes {
            do { deployment = try deployment.applying(change) } catch { skipped.append((change, error)) }
        }
        set(deployment)
        return skipped
    }
}
