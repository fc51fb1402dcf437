import Foundation
import Hierarchy

/// Vietnam's national registry of administrative units — the 34 provinces and 3,321 communes of
/// the General Statistics Office's list since 1 July 2025, with their official codes and names —
/// so that the country-sized demo and the national benchmark run on the real country instead of
/// invented names. The data is this module's one resource (`vietnam.json`, written by
/// `scripts/import-registry.py`); reading it is the module's only I/O.
///
/// Unit codes are derived from the official codes (docs/units.md): the centre is `TW`, a
/// province `P` and its two-digit code (`P24`, Bắc Ninh), a commune its province's code, `-` and
/// its five-digit code (`P24-09187`, Phường Kinh Bắc).
package struct NationalRegistry: Sendable {
    /// A province or centrally-run city (tỉnh / thành phố trung ương) and its communes.
    package struct Province: Sendable, Hashable {
        /// The GSO code, two digits ("24").
        package let officialCode: String
        /// The official name, kind included ("Tỉnh Bắc Ninh", "Thành phố Hà Nội").
        package let name: String
        /// "tỉnh" or "thành phố trung ương".
        package let kind: String
        package let communes: [Commune]

        package var unitCode: String { NationalRegistry.provinceCode(official: officialCode) }
    }

    /// A commune-level unit: xã, phường or đặc khu.
    package struct Commune: Sendable, Hashable {
        /// The GSO code, five digits ("09187").
        package let officialCode: String
        /// The official name, kind included ("Phường Kinh Bắc").
        package let name: String
        package let kind: CommuneKind
        /// Our unit code (`P24-09187`).
        package let unitCode: String
    }

    /// The three kinds of commune-level unit, as the registry spells them.
    package enum CommuneKind: String, Sendable, Hashable, Decodable, CaseIterable {
        case commune = "xã"
        case ward = "phường"
        case specialZone = "đặc khu"
    }

    /// Where the data came from (package and version).
    package let source: String
    /// Sorted by official code, each province's communes too.
    package let provinces: [Province]

    /// The centre's unit code, as in the demo topology.
    package static let centreCode = "TW"
    package static let centreName = "Văn phòng Trung ương"

    /// `P` and the province's two-digit official code.
    package static func provinceCode(official: String) -> String { "P\(official)" }

    /// The province's unit code, `-` and the commune's five-digit official code.
    package static func communeCode(province: String, official: String) -> String { "\(province)-\(official)" }

    package var communeCount: Int { provinces.reduce(0) { $0 + $1.communes.count } }

    /// The whole country as units: the centre, every province under it, every commune under its
    /// province.
    package var units: [Hierarchy.Unit] {
        var units = [Hierarchy.Unit(code: Self.centreCode, name: Self.centreName, level: .central, parent: nil)]
        for province in provinces {
            units.append(
                Hierarchy.Unit(code: province.unitCode, name: province.name, level: .province, parent: Self.centreCode)
            )
            for commune in province.communes {
                units.append(
                    Hierarchy.Unit(
                        code: commune.unitCode,
                        name: commune.name,
                        level: .commune,
                        parent: province.unitCode
                    )
                )
            }
        }
        return units
    }

    /// The province with this unit code.
    package func province(unitCode: String) -> Province? {
        provinces.first { $0.unitCode == unitCode }
    }

    /// The registry shipped with ReportNet, read once.
    package static var vietnam: NationalRegistry {
        get throws { try loaded.get() }
    }

    private static let loaded = Result { try load(Data(contentsOf: resource)) }

    private static var resource: URL {
        get throws {
            guard let url = Bundle.module.url(forResource: "vietnam", withExtension: "json") else {
                throw RegistryError("the national registry (vietnam.json) is missing from the Registry resources")
            }
            return url
        }
    }

    /// Reads a registry in `vietnam.json`'s format.
    package static func load(_ data: Data) throws -> NationalRegistry {
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw RegistryError("the national registry does not decode: \(error)")
        }
        return NationalRegistry(
            source: file.source,
            provinces: file.provinces.map { province in
                let code = provinceCode(official: province.code)
                return Province(
                    officialCode: province.code,
                    name: province.name,
                    kind: province.kind,
                    communes: province.communes.map {
                        Commune(
                            officialCode: $0.code,
                            name: $0.name,
                            kind: $0.kind,
                            unitCode: communeCode(province: code, official: $0.code)
                        )
                    }
                )
            }
        )
    }

    private struct File: Decodable {
        struct Province: Decodable {
            let code: String
            let name: String
            let kind: String
            let communes: [Commune]
        }
        struct Commune: Decodable {
            let code: String
            let name: String
            let kind: CommuneKind
        }
        let source: String
        let provinces: [Province]
    }
}

/// The registry's resource is missing or does not decode.
package struct RegistryError: Error, CustomStringConvertible {
    package let description: String
    init(_ description: String) { self.description = description }
}
