/// Why a message was parked, said so that a person understands it and knows what would fix it.
/// The technical detail (as recorded and sent back in receipts) is kept at the end.
struct ParkedReason: Sendable {
    let vietnamese: String
    let english: String

    init(detail: String) {
        let (vi, en) = Self.explain(detail)
        vietnamese = "\(vi) (\(detail))"
        english = "\(en) (\(detail))"
    }

    private static func explain(_ detail: String) -> (String, String) {
        let rules: [(String, String, String)] = [
            (
                "does not host that unit",
                "Nút ký báo cáo không phải là nút quản lý đơn vị này theo cấu hình của nút nhận. Cần sửa cấu hình (topology) hoặc đăng ký nút/đơn vị; tin sẽ được thử lại tự động.",
                "The node that signed it does not host this unit in the receiving node's configuration. Correct the topology or register the node or unit; it is retried automatically."
            ),
            (
                "is unknown here",
                "Nút nhận chưa có dữ liệu mà tin này cần (biểu mẫu, giao biểu mẫu hoặc đơn vị). Tin sẽ được thử lại tự động khi dữ liệu đó đến.",
                "The receiving node does not yet hold what this message needs (a form, assignment or unit). It is retried automatically when that arrives."
            ),
            (
                "is not assigned",
                "Đơn vị chưa được giao biểu mẫu này tại nút nhận. Cần giao (hoặc bổ sung) đơn vị vào đợt báo cáo; tin sẽ được thử lại tự động.",
                "The unit is not assigned this form at the receiving node. Add the unit to the assignment; it is retried automatically."
            ),
            (
                "may not speak for",
                "Nút gửi không có quyền thay mặt đơn vị này. Cần kiểm tra cấu hình cây đơn vị giữa hai nút.",
                "The sending node may not speak for this unit. Check the unit tree configured on both nodes."
            ),
            (
                "signature",
                "Chữ ký số không kiểm tra được. Cần kiểm tra chứng thư của nút gửi (hết hạn, bị thu hồi, chưa được cấp lại); tin sẽ được thử lại khi nút nhận biết chứng thư mới.",
                "The signature does not verify. Check the sending node's certificate (expired, revoked, not yet renewed); it is retried when a new certificate is known."
            ),
            (
                "evidence",
                "Tệp minh chứng kèm theo không nhận được. Cần gửi lại tệp hoặc kiểm tra giới hạn dung lượng của nút nhận.",
                "An evidence file could not be received. Send the file again or check the receiving node's size limit."
            ),
            (
                "malformed body",
                "Nội dung tin không đọc được (có thể do hai nút khác phiên bản). Cần nâng cấp nút nhận; sau đó quản trị viên thử lại.",
                "The message could not be read (perhaps the nodes run different versions). Upgrade the receiving node, then an admin retries it."
            ),
            (
                "is not accepted",
                "Nút nhận không nhận loại tin này (có thể do khác phiên bản). Cần nâng cấp nút nhận; sau đó quản trị viên thử lại.",
                "The receiving node does not accept this kind of message (perhaps an older version). Upgrade it, then an admin retries it."
            ),
        ]
        for (needle, vi, en) in rules where detail.localizedCaseInsensitiveContains(needle) {
            return (vi, en)
        }
        return (
            "Nút nhận chưa áp dụng được tin này. Tin sẽ được thử lại tự động khi dữ liệu còn thiếu đến; quản trị viên có thể thử lại hoặc gác lại kèm lý do.",
            "The receiving node could not apply this message yet. It is retried automatically when what it lacks arrives; an admin may retry it or set it aside with a reason."
        )
    }
}
