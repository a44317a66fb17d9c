import Testing
import BitCore

@Suite struct ArenaTests {
    @Test func allocatesAlignedAndInBounds() throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1000, alignment: 64)
        defer { buffer.deallocate() }
        var arena = Arena(buffer)
        let a = try arena.allocate(byteCount: 3)
        let b = try arena.allocate(Int32.self, count: 10)
        let c = try arena.allocate(byteCount: 1, alignment: 1)
        #expect(UInt(bitPattern: a.baseAddress) % 64 == 0)
        #expect(UInt(bitPattern: b.baseAddress) % 64 == 0)
        #expect(b.count == 10)
        #expect(c.baseAddress == UnsafeMutableRawPointer(b.baseAddress!) + 40)
        #expect(arena.used == 64 + 40 + 1)
        #expect(arena.remaining == 1000 - 105)
        for region in [a, UnsafeMutableRawBufferPointer(b), c] {
            #expect(region.baseAddress! >= buffer.baseAddress! && region.baseAddress! + region.count <= buffer.baseAddress! + 1000)
        }
    }

    @Test func refusesWhatDoesNotFitAndChangesNothing() throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 128, alignment: 64)
        defer { buffer.deallocate() }
        var arena = Arena(buffer)
        _ = try arena.allocate(byteCount: 65)
        #expect(throws: ArenaError.outOfMemory(requested: 64, alignment: 64, remaining: 63)) {
            try arena.allocate(byteCount: 64)
        }
        #expect(arena.used == 65)
        _ = try arena.allocate(byteCount: 63, alignment: 1)  // exactly what is left
        #expect(arena.remaining == 0)
        #expect(throws: ArenaError.self) { try arena.allocate(byteCount: 1, alignment: 1) }
        #expect(throws: ArenaError.invalidRequest(byteCount: -1, alignment: 64)) { try arena.allocate(byteCount: -1) }
        #expect(throws: ArenaError.invalidRequest(byteCount: 1, alignment: 3)) {
            try arena.allocate(byteCount: 1, alignment: 3)
        }
        #expect(throws: ArenaError.self) { try arena.allocate(Int64.self, count: Int.max / 4) }
        #expect(throws: ArenaError.self) { try arena.allocate(byteCount: Int.max) }
    }

    @Test func resetReusesTheBufferAndKeepsTheHighWaterMark() throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256, alignment: 64)
        defer { buffer.deallocate() }
        var arena = Arena(buffer)
        let first = try arena.allocate(byteCount: 200)
        arena.reset()
        #expect(arena.used == 0)
        let second = try arena.allocate(byteCount: 10)
        #expect(first.baseAddress == second.baseAddress)
        #expect(arena.highWaterMark == 200)
    }

    @Test func anEmptyArenaHandsOutOnlyNothing() throws {
        var arena = Arena(UnsafeMutableRawBufferPointer(start: nil, count: 0))
        #expect(try arena.allocate(byteCount: 0).count == 0)
        #expect(throws: ArenaError.outOfMemory(requested: 1, alignment: 64, remaining: 0)) {
            try arena.allocate(byteCount: 1)
        }
    }

    @Test func misalignedBuffersArePadded() throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256, alignment: 64)
        defer { buffer.deallocate() }
        var arena = Arena(UnsafeMutableRawBufferPointer(rebasing: buffer[3...]))
        let region = try arena.allocate(byteCount: 8)
        #expect(UInt(bitPattern: region.baseAddress) % 64 == 0)
        #expect(arena.used == 61 + 8)
    }
}
