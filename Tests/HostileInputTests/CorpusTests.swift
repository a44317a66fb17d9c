import BitFuzz
import BitmlpdClient
import Foundation
import Testing

/// The committed fuzz seeds (Tools/fuzz/corpus) and every input a fuzzer ever crashed on
/// (Tools/fuzz/regressions), each through every fuzz entry point: a file made for one parser is
/// hostile input to all the others.
@Suite struct CorpusTests {
    static let fuzzFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tools/fuzz")

    /// Every file under corpus/ and regressions/, with the target folder it is filed under.
    static let files: [(target: String, url: URL)] = {
        var files: [(String, URL)] = []
        for collection in ["corpus", "regressions"] {
            let root = fuzzFolder.appendingPathComponent(collection)
            let targets = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
            for target in targets.sorted() {
                let folder = root.appendingPathComponent(target)
                let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
                for name in names.sorted() where !name.hasPrefix(".") && name != "README.md" {
                    files.append((target, folder.appendingPathComponent(name)))
                }
            }
        }
        return files
    }()

    @Test func theCorpusIsThere() throws {
        // Each fuzz target (and daemon-serve) has seeds; a renamed folder must not silently empty the test.
        let targets = Set(Self.files.map(\.target))
        for target in FuzzTarget.allCases.map(\.rawValue) + ["daemon-serve"] {
            #expect(targets.contains(target), "Tools/fuzz/corpus/\(target) is missing or empty")
        }
        #expect(Self.files.count >= 100)
    }

    @Test(arguments: FuzzTarget.allCases)
    func everyFileThroughTarget(_ target: FuzzTarget) throws {
        var accepted = 0
        for (folder, url) in Self.files {
            let bytes = try [UInt8](Data(contentsOf: url))
            do {
                if try target.run(bytes) == .accepted { accepted += 1 }
            } catch {
                Issue.record("\(folder)/\(url.lastPathComponent): \(error)")
            }
        }
        // The seeds filed under a target include inputs it accepts: the entry point is not
        // refusing everything.
        let own = Self.files.filter { $0.target == target.rawValue }
        var ownAccepted = 0
        for (_, url) in own where (try? target.run([UInt8](Data(contentsOf: url)))) == .accepted { ownAccepted += 1 }
        #expect(ownAccepted > 0, "\(target.rawValue) accepts none of its own seeds")
        #expect(accepted >= ownAccepted)
    }

    /// The expected outcomes of a few seeds, so that a target that refused (or accepted)
    /// everything would fail here.
    @Test func knownSeedsHaveKnownOutcomes() throws {
        let expectations: [(FuzzTarget, String, FuzzOutcome)] = [
            (.safetensors, "corpus/safetensors/valid-mlp_f32.safetensors", .accepted),
            (.safetensors, "corpus/safetensors/corrupt-overlapping_offsets.safetensors", .refused),
            (.npy, "corpus/npy/valid-fortran_f4.npy", .accepted),
            (.npy, "corpus/npy/corrupt-pickled_object.npy", .refused),
            (.npz, "corpus/npz/valid-arrays_compressed.npz", .accepted),
            (.npz, "corpus/npz/corrupt-broken_deflate.npz", .refused),
            (.bitblob, "corpus/bitblob/mlp-t3-static-scales.bitblob", .accepted),
            (.bitblob, "corpus/bitblob/mlp-i2-compressed.bitblob", .accepted),
            (.bitblob, "corpus/bitblob/digits-static.bitblob", .accepted),
            (.bakeSpec, "corpus/bake-spec/full.json", .accepted),
            (.bakeSpec, "corpus/bake-spec/duplicate.json", .refused),
            (.daemonText, "corpus/daemon-text/three.txt", .accepted),
            (.daemonFrame, "corpus/daemon-frame/bad-magic.bin", .refused),
            (.daemonFrame, "corpus/daemon-frame/info-stats.bin", .accepted),
        ]
        for (target, path, outcome) in expectations {
            let bytes = try [UInt8](Data(contentsOf: Self.fuzzFolder.appendingPathComponent(path)))
            #expect(try target.run(bytes) == outcome, "\(target.rawValue) \(path)")
        }
    }

    /// The daemon-serve inputs (and every other file) piped into the real `bitmlpd --stdio`: it
    /// answers and exits 0 at the end of its input, whatever the bytes were.
    @Test func everyFileThroughTheDaemon() throws {
        let blob = Self.fuzzFolder.appendingPathComponent("corpus/bitblob/digits-static.bitblob").path
        for (folder, url) in Self.files {
            let input = try Data(contentsOf: url)
            // The daemon-serve fuzzer takes byte 0 as its read size; a pipe delivers what it can.
            let request = folder == "daemon-serve" ? input.dropFirst() : input
            let (status, output, errors) = try Self.runDaemon(blob: blob, input: Data(request))
            #expect(status == 0, "\(folder)/\(url.lastPathComponent): bitmlpd exited \(status): \(errors.suffix(500))")
            // A partial frame at the end of input is dropped unanswered (docs/protocol.md); any
            // other non-empty input gets at least one answer.
            if !request.isEmpty && !url.lastPathComponent.hasPrefix("partial-frame") {
                #expect(!output.isEmpty, "\(folder)/\(url.lastPathComponent): no answer")
            }
        }
    }

    /// Runs `bitmlpd BLOB --stdio --max-batch 4` with `input` on standard input; returns its exit
    /// status (128 + signal for a crash), standard output and standard error.
    static func runDaemon(blob: String, input: Data) throws -> (Int32, Data, String) {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(getpid())-\(UUID().uuidString)")
        try input.write(to: scratch)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let process = Process()
        process.executableURL = DaemonProcess.executable
        process.arguments = [blob, "--stdio", "--max-batch", "4"]
        process.standardInput = try FileHandle(forReadingFrom: scratch)
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read both pipes to the end before waiting, so a full pipe cannot block the daemon.
        let errorData = Locked<Data>()
        let reader = Thread { errorData.set(errors.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let answer = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorData.isSet { usleep(1000) }
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return (status, answer, String(decoding: errorData.value ?? Data(), as: UTF8.self))
    }
}

/// A value set once from another thread.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value?
    init() {}
    func set(_ value: Value) { lock.withLock { stored = value } }
    var isSet: Bool { lock.withLock { stored != nil } }
    var value: Value? { lock.withLock { stored } }
}
