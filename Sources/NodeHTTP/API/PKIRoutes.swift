import Federation
import Foundation
import Hummingbird
import Node

/// Node identity on the web listener: enrolment tokens (parent's admin), enrolment itself (a new
/// node with its token; it has no certificate yet, so it cannot reach the federation listener),
/// the certificates this node issued, and revocation.
struct PKIRoutes {
    let local: LocalNode

    func addRoutes(to api: RouterGroup<NodeRequestContext>) {
        api.post("/enrolment-tokens") { request, context -> EditedResponse<EnrolmentToken> in
            let actor = try context.actor()
            let body = try await request.decodeJSON(as: TokenRequest.self, context: context)
            return EditedResponse(
                status: .created,
                response: try await local.pki.createEnrolmentToken(for: body.unit, by: actor)
            )
        }
        // Public: a joining node fetches the root here over unverified TLS and trusts it only if
        // its digest is the one its token pins.
        api.get("/trust-root") { _, _ -> TrustRoot in
            TrustRoot(trustRoot: local.trustRoot.pem, sha256: local.trustRoot.sha256)
        }
        api.post("/enrol") { request, context -> EditedResponse<EnrolmentAnswer> in
            let body = try await request.decodeJSON(as: EnrolmentRequest.self, context: context)
            return EditedResponse(
                status: .created,
                response: try await local.pki.enrol(body, from: context.clientAddress)
            )
        }
        api.get("/handovers") { _, context -> [UnitHandovers.View] in
            try await local.handovers.list(for: try context.actor())
        }
        api.get("/node-certificates") { _, context -> NodeCertificatesView in
            try await local.pki.certificates(visibleTo: try context.actor())
        }
        api.post("/node-certificates/{fingerprint}/revoke") { request, context -> Revocation in
            let actor = try context.actor()
            let body = try await request.decodeJSON(as: RevocationRequest.self, context: context)
            return try await local.pki.revoke(
                try context.parameters.require("fingerprint"),
                reason: body.reason,
                certificatePEM: body.certificate,
                by: actor
            )
        }
    }

    /// The federation's root certificate and its SHA-256 (what an enrolment token pins).
    struct TrustRoot: ResponseEncodable {
        let trustRoot: String
        let sha256: String
    }

    /// The child unit whose node will enrol.
    struct TokenRequest: Decodable {
        let unit: String
    }

    /// Why the certificate is revoked (kept in the signed revocation and the audit trail).
    struct RevocationRequest: Decodable {
        let reason: String
        /// The certificate (PEM), when this node has not seen it.
        let certificate: String?
    }
}

extension EnrolmentToken: ResponseEncodable {}
extension NodeCertificatesView: ResponseEncodable {}
extension Revocation: ResponseEncodable {}
