import Hierarchy
import Registry
import Testing

@Suite("The national registry of units")
struct NationalRegistryTests {
    @Test("it holds the 34 provinces and 3,321 communes of July 2025")
    func counts() throws {
        let registry = try NationalRegistry.vietnam
        #expect(registry.provinces.count == 34)
        #expect(registry.communeCount == 3_321)
        #expect(registry.units.count == 1 + 34 + 3_321)
        #expect(registry.source.contains("vietnam-provinces 2025.10.1"))
    }

    @Test("every code is a valid unit code, unique ignoring case, below its parent's code")
    func codes() throws {
        let units = try NationalRegistry.vietnam.units
        #expect(units.allSatisfy { Hierarchy.Unit.isValidCode($0.code) })
        #expect(Set(units.map { $0.code.lowercased() }).count == units.count)
        for unit in units where unit.level == .commune {
            #expect(unit.code.hasPrefix("\(unit.parent ?? "")-"))
        }
        let tree = try UnitTree(units: units)
        #expect(tree.root.code == NationalRegistry.centreCode)
        #expect(tree.children(of: NationalRegistry.centreCode).count == 34)
    }

    @Test("every unit has a Vietnamese name that says its kind, and official codes of the right length")
    func names() throws {
        let registry = try NationalRegistry.vietnam
        for province in registry.provinces {
            #expect(province.officialCode.count == 2 && province.officialCode.allSatisfy(\.isNumber))
            #expect(province.name.hasPrefix("Tỉnh ") || province.name.hasPrefix("Thành phố "))
            #expect(!province.communes.isEmpty)
            for commune in province.communes {
                #expect(commune.officialCode.count == 5 && commune.officialCode.allSatisfy(\.isNumber))
                #expect(commune.name.lowercased().hasPrefix(commune.kind.rawValue + " "))
                #expect(commune.name.count > commune.kind.rawValue.count + 1)
            }
        }
        let kinds = Dictionary(grouping: registry.provinces.flatMap(\.communes), by: \.kind).mapValues(\.count)
        #expect(kinds == [.commune: 2_621, .ward: 687, .specialZone: 13])
    }

    @Test("a known commune of Bắc Ninh has its official code and name")
    func knownUnit() throws {
        let registry = try NationalRegistry.vietnam
        let bacNinh = try #require(registry.province(unitCode: "P24"))
        #expect(bacNinh.name == "Tỉnh Bắc Ninh")
        #expect(bacNinh.communes.count == 99)
        let kinhBac = try #require(bacNinh.communes.first { $0.officialCode == "09187" })
        #expect(kinhBac.name == "Phường Kinh Bắc")
        #expect(kinhBac.kind == .ward)
        #expect(kinhBac.unitCode == "P24-09187")
        let tree = try UnitTree(units: registry.units)
        #expect(tree["P24-09187"]?.parent == "P24")
        #expect(tree["P01"]?.name == "Thành phố Hà Nội")
    }
}
