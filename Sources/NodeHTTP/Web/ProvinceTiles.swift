/// Where each of the 34 provinces (since 1 July 2025) sits on the centre's tile map: one tile per
/// province on a grid laid out like the country, north at the top, the coast to the east. Real
/// outlines are not shipped; a tile grid keeps every province the same size, so small ones
/// (Bắc Ninh, Hưng Yên) are as easy to read and to click as large ones.
enum ProvinceTiles {
    struct Place: Sendable {
        /// The General Statistics Office's two-digit code.
        let code: String
        let name: String
        let row: Int
        let column: Int
    }

    static let places: [Place] = [
        Place(code: "12", name: "Tỉnh Lai Châu", row: 0, column: 1),
        Place(code: "15", name: "Tỉnh Lào Cai", row: 0, column: 2),
        Place(code: "08", name: "Tỉnh Tuyên Quang", row: 0, column: 3),
        Place(code: "04", name: "Tỉnh Cao Bằng", row: 0, column: 4),
        Place(code: "11", name: "Tỉnh Điện Biên", row: 1, column: 0),
        Place(code: "14", name: "Tỉnh Sơn La", row: 1, column: 1),
        Place(code: "25", name: "Tỉnh Phú Thọ", row: 1, column: 2),
        Place(code: "19", name: "Tỉnh Thái Nguyên", row: 1, column: 3),
        Place(code: "20", name: "Tỉnh Lạng Sơn", row: 1, column: 4),
        Place(code: "01", name: "Thành phố Hà Nội", row: 2, column: 2),
        Place(code: "24", name: "Tỉnh Bắc Ninh", row: 2, column: 3),
        Place(code: "22", name: "Tỉnh Quảng Ninh", row: 2, column: 4),
        Place(code: "37", name: "Tỉnh Ninh Bình", row: 3, column: 2),
        Place(code: "33", name: "Tỉnh Hưng Yên", row: 3, column: 3),
        Place(code: "31", name: "Thành phố Hải Phòng", row: 3, column: 4),
        Place(code: "38", name: "Tỉnh Thanh Hóa", row: 4, column: 2),
        Place(code: "40", name: "Tỉnh Nghệ An", row: 5, column: 2),
        Place(code: "42", name: "Tỉnh Hà Tĩnh", row: 6, column: 3),
        Place(code: "44", name: "Tỉnh Quảng Trị", row: 7, column: 3),
        Place(code: "46", name: "Thành phố Huế", row: 8, column: 4),
        Place(code: "48", name: "Thành phố Đà Nẵng", row: 9, column: 4),
        Place(code: "51", name: "Tỉnh Quảng Ngãi", row: 10, column: 4),
        Place(code: "52", name: "Tỉnh Gia Lai", row: 11, column: 4),
        Place(code: "66", name: "Tỉnh Đắk Lắk", row: 12, column: 4),
        Place(code: "56", name: "Tỉnh Khánh Hòa", row: 12, column: 5),
        Place(code: "75", name: "Tỉnh Đồng Nai", row: 13, column: 3),
        Place(code: "68", name: "Tỉnh Lâm Đồng", row: 13, column: 4),
        Place(code: "80", name: "Tỉnh Tây Ninh", row: 14, column: 2),
        Place(code: "79", name: "Thành phố Hồ Chí Minh", row: 14, column: 3),
        Place(code: "91", name: "Tỉnh An Giang", row: 15, column: 0),
        Place(code: "82", name: "Tỉnh Đồng Tháp", row: 15, column: 1),
        Place(code: "86", name: "Tỉnh Vĩnh Long", row: 15, column: 2),
        Place(code: "96", name: "Tỉnh Cà Mau", row: 16, column: 0),
        Place(code: "92", name: "Thành phố Cần Thơ", row: 16, column: 1),
    ]

    /// The place of a unit: by its registry code (`P24`) or, for units named as the registry
    /// names them (a demo's `BNI`), by its name; nil for a unit that is not a province.
    static func place(unit: String, name: String) -> Place? {
        places.first { "P\($0.code)" == unit || $0.name == name }
    }
}
