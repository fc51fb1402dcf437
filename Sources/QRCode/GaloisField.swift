/// Arithmetic in GF(2⁸) with the QR primitive polynomial x⁸ + x⁴ + x³ + x² + 1 (0x11D) and generator α = 2.
enum GF256 {
    /// `exp[i] = αⁱ` for i in 0..<510 (doubled so that `exp[log a + log b]` needs no reduction).
    static let exp: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 510)
        var value = 1
        for i in 0..<255 {
            table[i] = UInt8(value)
            table[i + 255] = UInt8(value)
            value <<= 1
            if value & 0x100 != 0 { value ^= 0x11D }
        }
        return table
    }()

    /// `log[a]` for a ≠ 0, with `exp[log[a]] == a`; `log[0]` is unused.
    static let log: [Int] = {
        var table = [Int](repeating: 0, count: 256)
        for i in 0..<255 { table[Int(exp[i])] = i }
        return table
    }()

    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        if a == 0 || b == 0 { return 0 }
        return exp[log[Int(a)] + log[Int(b)]]
    }

    /// αⁿ for any n ≥ 0.
    static func power(_ n: Int) -> UInt8 { exp[n % 255] }

    /// The multiplicative inverse of a non-zero element.
    static func inverse(_ a: UInt8) -> UInt8 {
        precondition(a != 0, "zero has no inverse in GF(256)")
        return exp[255 - log[Int(a)]]
    }
}

/// Reed–Solomon error-correction codewords as used by QR codes.
enum ReedSolomon {
    /// Coefficients of the generator polynomial ∏ᵢ₌₀ⁿ⁻¹ (x − αⁱ) of degree `n`, highest power first,
    /// including the leading 1 (so the array has `degree + 1` entries).
    static func generator(degree: Int) -> [UInt8] {
        precondition(degree >= 1 && degree <= 254)
        var poly: [UInt8] = [1]
        for i in 0..<degree {
            // poly × (x + αⁱ)   (subtraction is addition in characteristic 2)
            let root = GF256.power(i)
            var next = [UInt8](repeating: 0, count: poly.count + 1)
            for (j, coefficient) in poly.enumerated() {
                next[j] ^= coefficient
                next[j + 1] ^= GF256.multiply(coefficient, root)
            }
            poly = next
        }
        return poly
    }

    /// The remainder of `data(x) · xⁿ` divided by `generator(x)`: the `n` EC codewords for a block.
    static func remainder(of data: [UInt8], generator: [UInt8]) -> [UInt8] {
        let degree = generator.count - 1
        var remainder = [UInt8](repeating: 0, count: degree)
        for byte in data {
            let factor = byte ^ remainder[0]
            remainder.removeFirst()
            remainder.append(0)
            if factor != 0 {
                for i in 0..<degree {
                    remainder[i] ^= GF256.multiply(generator[i + 1], factor)
                }
            }
        }
        return remainder
    }
}
