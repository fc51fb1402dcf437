import Hummingbird
import NIOCore
import Node

/// The one stylesheet and the one small script of the pages (`Assets/`, see `PageResources`). The script only adds
/// comfort (show/hide explanations, full screen, collapsing table sub-rows, a warning before
/// leaving unsaved changes); every page reads and posts without it.
enum PageAssets {
    static func response(_ text: String, type: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: type, .cacheControl: "max-age=3600", .xContentTypeOptions: "nosniff"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }

    static var css: String { PageResources.current.css }
    static var javascript: String { PageResources.current.javascript }
}
