// bitruntime-footprint-probe BLOB ROUNDS [BATCH] [--allocate-in-loop]
//
// What a device does, in a process of its own so that nothing else moves its figures: maps BLOB,
// validates it, gives the runtime an arena of exactly the size the blob asks for, runs one warm-up
// round and then ROUNDS more with malloc counting on. A round is what a device's request loop
// calls: `infer` on BATCH float vectors (1 by default), `infer(codes:step:)` on BATCH int8
// vectors, and four refused requests (a short input, a NaN, batch 0, batch BATCH + 1).
//
// It loads the blob twice. The first pass (warm-up and one counted round) pages in the code, as on
// a device that has just started; its growth is printed as `first_pass_growth`. Everything is then
// unmapped and freed, and the second pass is measured: resident memory (/proc/self/statm) before
// loading, after loading, after the warm-up round and at the end, and the allocations
// malloc-interposer counted over the whole process during its ROUNDS rounds. `--allocate-in-loop`
// adds one allocation per round inside the counted loop: the control that proves the count sees
// one.

import BitBlob
import BitCore
import BitRuntime
import Glibc
import MallocInterposerSwift

/// Resident bytes of this process and the file-backed part of them (/proc/self/statm fields 2, 3).
struct ResidentMemory {
    var total: Int
    var fileBacked: Int
    var anonymous: Int { total - fileBacked }

    static func now() -> ResidentMemory {
        let descriptor = open("/proc/self/statm", O_RDONLY)
        guard descriptor >= 0 else { fail("cannot open /proc/self/statm") }
        defer { close(descriptor) }
        var fields = (size: 0, resident: 0, shared: 0)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 256) { buffer in
            let count = read(descriptor, buffer.baseAddress, buffer.count)
            guard count > 0 else { fail("cannot read /proc/self/statm") }
            var field = 0
            for byte in buffer[0..<count] {
                guard byte != UInt8(ascii: " ") else {
                    field += 1
                    continue
                }
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { continue }
                let digit = Int(byte - UInt8(ascii: "0"))
                switch field {
                case 0: fields.size = fields.size * 10 + digit
                case 1: fields.resident = fields.resident * 10 + digit
                case 2: fields.shared = fields.shared * 10 + digit
                default: break
                }
            }
        }
        let page = sysconf(Int32(_SC_PAGESIZE))
        return ResidentMemory(total: fields.resident * page, fileBacked: fields.shared * page)
    }
}

/// Resident memory at each step of one load-and-run pass, and what the counted loop allocated.
struct Pass {
    var before: ResidentMemory
    var loaded: ResidentMemory
    var warm: ResidentMemory
    var after: ResidentMemory
    var allocations: MallocInterposerSwift.Statistics
    var blobBytes: Int
    var arenaBytes: Int
    var weights: Int
    var kernel: String
    var checksum: Int
}

func fail(_ message: String) -> Never {
    print("error=\(message)")
    exit(1)
}

/// The buffers of one round of requests.
struct Requests {
    let inputs: UnsafeBufferPointer<Float>
    /// `inputs` with a NaN as the last value.
    let broken: UnsafeBufferPointer<Float>
    let codes: UnsafeBufferPointer<Int8>
    let step: FixedPointScale
    let batch: Int
    let allocateInLoop: Bool

    /// One round of requests; returns a checksum of the classes and of the refusals' case numbers.
    func round(_ runtime: inout BitMLPRuntime) throws(RuntimeError) -> Int {
        let result = try runtime.infer(inputs, batch: batch)
        var checksum = result.predictedClass(batch - 1)
        if allocateInLoop {
            let scratch = UnsafeMutablePointer<Int32>.allocate(capacity: result.outputCount)
            scratch.deallocate()
        }
        checksum &+= try runtime.infer(codes: codes, step: step, batch: batch).predictedClass(0)
        do { _ = try runtime.infer(UnsafeBufferPointer(rebasing: inputs.dropLast()), batch: batch) } catch .inputLength { checksum &+= 1 }
        do { _ = try runtime.infer(broken, batch: batch) } catch .nonFiniteInput { checksum &+= 2 }
        do { _ = try runtime.infer(inputs, batch: 0) } catch .batchOutOfRange { checksum &+= 3 }
        do { _ = try runtime.infer(codes: codes, step: step, batch: batch + 1) } catch .batchOutOfRange { checksum &+= 4 }
        return checksum
    }
}

/// Maps `path`, runs `rounds` counted rounds after one warm-up round, and unmaps it again.
func run(path: String, rounds: Int, batch: Int, allocateInLoop: Bool) -> Pass {
    let before = ResidentMemory.now()
    let file: MappedFile
    do { file = try MappedFile(path: path) } catch { fail("\(error)") }
    let model: BitBlobModel
    do { model = try BitBlobModel(validating: file.bytes) } catch { fail("\(error)") }
    guard let arenaBytes = model.arenaBytes(batch: batch) else { fail("arena size overflows") }
    let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: arenaBytes, alignment: 64)
    defer { arena.deallocate() }
    var runtime: BitMLPRuntime
    do { runtime = try BitMLPRuntime(model: model, arena: arena, maximumBatch: batch) } catch { fail("\(error)") }

    // Inputs in -1 ... 1 from a fixed linear congruential sequence.
    let inputs = UnsafeMutableBufferPointer<Float>.allocate(capacity: batch * model.inputFeatures)
    defer { inputs.deallocate() }
    var state: UInt32 = 12345
    for index in inputs.indices {
        state = state &* 1_664_525 &+ 1_013_904_223
        inputs[index] = Float(Int32(bitPattern: state)) / Float(Int32.max)
    }
    let codes = UnsafeMutableBufferPointer<Int8>.allocate(capacity: inputs.count)
    defer { codes.deallocate() }
    for index in codes.indices { codes[index] = Int8(truncatingIfNeeded: index &* 37) }
    let broken = UnsafeMutableBufferPointer<Float>.allocate(capacity: inputs.count)
    defer { broken.deallocate() }
    _ = broken.initialize(fromContentsOf: inputs)
    broken[broken.count - 1] = .nan
    let loaded = ResidentMemory.now()

    let requests = Requests(
        inputs: UnsafeBufferPointer(inputs), broken: UnsafeBufferPointer(broken), codes: UnsafeBufferPointer(codes),
        step: FixedPointScale(0.0078125)!, batch: batch, allocateInLoop: allocateInLoop)
    var checksum = 0
    do { checksum &+= try requests.round(&runtime) } catch { fail("\(error)") }
    let warm = ResidentMemory.now()

    MallocInterposerSwift.reset()
    MallocInterposerSwift.hook()
    do {
        for _ in 0..<rounds { checksum &+= try requests.round(&runtime) }
    } catch {
        MallocInterposerSwift.unhook()
        fail("\(error)")
    }
    MallocInterposerSwift.unhook()
    let allocations = MallocInterposerSwift.getStatistics()
    let after = ResidentMemory.now()
    return Pass(
        before: before, loaded: loaded, warm: warm, after: after, allocations: allocations,
        blobBytes: file.bytes.count, arenaBytes: arenaBytes,
        weights: (0..<model.layerCount).reduce(0) { $0 + model.layer($1).layout.weightCount },
        kernel: runtime.kernel.name, checksum: checksum)
}

func probe() {
    let arguments = CommandLine.arguments
    guard arguments.count >= 3, let rounds = Int(arguments[2]), rounds > 0 else {
        fail("usage: bitruntime-footprint-probe BLOB ROUNDS [BATCH] [--allocate-in-loop]")
    }
    let batch = arguments.count > 3 ? Int(arguments[3]) ?? 1 : 1
    let allocateInLoop = arguments.contains("--allocate-in-loop")
    MallocInterposerSwift.initialize()
    let first = run(path: arguments[1], rounds: 1, batch: batch, allocateInLoop: allocateInLoop)
    let pass = run(path: arguments[1], rounds: rounds, batch: batch, allocateInLoop: allocateInLoop)
    print("blob_bytes=\(pass.blobBytes)")
    print("arena_bytes=\(pass.arenaBytes)")
    print("weights=\(pass.weights)")
    print("kernel=\(pass.kernel)")
    print("rounds=\(rounds)")
    print("inferences=\(2 * rounds)")
    print("batch=\(batch)")
    print("first_pass_growth=\(first.after.total - first.before.total)")
    print("resident_before=\(pass.before.total)")
    print("resident_loaded=\(pass.loaded.total)")
    print("resident_warm=\(pass.warm.total)")
    print("resident_after=\(pass.after.total)")
    print("anonymous_before=\(pass.before.anonymous)")
    print("anonymous_after=\(pass.after.anonymous)")
    print("allocations=\(pass.allocations.mallocCount)")
    print("allocated_bytes=\(pass.allocations.mallocBytesCount)")
    print("frees=\(pass.allocations.freeCount)")
    print("checksum=\(pass.checksum)")
}

probe()
