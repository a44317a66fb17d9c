// The `daemon-serve` fuzzer: the daemon's whole request path (text lines, binary frames, overlong
// lines, partial reads, inference on a real model), without sockets. Tools/fuzz/build.sh compiles
// this file together with Targets/bitmlpd (without main.swift), so it sees the daemon's internals.
//
// The model: $BITFUZZ_BLOB, else Tools/fuzz/corpus/bitblob/digits-static.bitblob relative to the
// working directory (Tools/fuzz/run.sh runs from the package root).

import CBitSystem
import Glibc

extension Daemon {
    /// Serves `input` as the whole input of the client on slot 0, as `run` serves a socket whose
    /// reads return at most `chunk` bytes, then the end of input; answers go to `answer`.
    ///
    /// Traps when a turn of the loop makes no progress (no byte read, answered or closed): the
    /// real daemon would then leave the client waiting forever.
    mutating func replay(_ input: UnsafeRawBufferPointer, chunk: Int, answer: (UnsafeRawBufferPointer) -> Void) {
        let slot = 0
        connections[slot].open(input: .standardInput, output: .standardOutput, now: Process.monotonicNanoseconds(), serial: 0)
        var offset = 0
        while true {
            var progress = false
            // readInput: only while an answer fits and the input queue has room.
            if wantsInput(connections[slot]) {
                let space = connections[slot].inbound.freeSpace(minimum: connections[slot].inbound.capacity / 2)
                if offset == input.count {
                    connections[slot].inputClosed = true
                    progress = true
                } else if space.count > 0 {
                    let count = min(space.count, chunk, input.count - offset)
                    space.baseAddress!.copyMemory(from: input.baseAddress! + offset, byteCount: count)
                    connections[slot].inbound.commit(count)
                    offset += count
                    progress = true
                }
            }
            // process: answer what is complete, then "send" every answer.
            let queuedBefore = connections[slot].inbound.count
            serve(slot)
            if connections[slot].inbound.count != queuedBefore { progress = true }
            if !connections[slot].outbound.isEmpty {
                answer(connections[slot].outbound.bytes)
                connections[slot].outbound.removeAll()
                progress = true
            }
            if connections[slot].inputClosed || connections[slot].closeAfterFlush { break }
            precondition(progress, "the daemon made no progress with \(connections[slot].inbound.count) bytes queued")
        }
        connections[slot].inbound.removeAll()
        connections[slot].outbound.removeAll()
    }
}

/// The daemon, started once per fuzzing process on the --stdio endpoint (no socket).
nonisolated(unsafe) private var daemon: Daemon? = nil

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    let path = "BITFUZZ_BLOB".withCString { getenv($0) }.map { String(cString: $0) }
        ?? "Tools/fuzz/corpus/bitblob/digits-static.bitblob"
    do throws(StartupError) {
        // A small batch limit so that batch-limit errors are reachable from short inputs.
        daemon = try Daemon(options: Options(parsing: [path, "--stdio", "--max-batch", "4"]))
    } catch {
        fatalError("daemon-serve: cannot start the daemon on \(path): \(error)")
    }
    return 0
}

/// Byte 0 picks the read size (1 ... 255 bytes, or 0: everything at once); the rest is the client's input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let chunk = bytes[0] == 0 ? Int.max : Int(bytes[0])
    var answered = 0
    daemon!.replay(UnsafeRawBufferPointer(rebasing: bytes[1...]), chunk: chunk) { answered &+= $0.count }
    return 0
}
