import ArgumentParser
import BitBake
import BitLayers
import BitmlpdClient
import BitmlpdProtocol
import Foundation
import Glibc

/// `bitbench daemon`: requests per second and round-trip latency of bitmlpd over its Unix socket,
/// and its resident memory after many requests.
struct DaemonBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "bitmlpd throughput and p50/p99 latency over its socket, text and binary, 1 and 16 clients.",
        discussion: """
            Build the daemon first: swift build -c release --product bitmlpd (or pass --daemon with \
            the static build). The digits example is baked with the defaults; the daemon runs pinned \
            to one core (--daemon-core) and the clients on the others. Each client is a connection \
            with one request in flight (a vector of 64 float32 values: a frame, or a comma-separated \
            line); one thread drives all of them with poll (--thread-per-client: a blocking thread \
            each) and checks every answer's class against BitBake's integer simulation. Latency is \
            the client's round trip. The daemon's CPU time per request (user + system, from /proc) \
            gives the requests one core serves when the daemon has it to itself, a figure that holds \
            on a busy machine where the clients' own share of the CPU limits the measured rate. The \
            memory step sends --memory-requests requests (3 in 8 of them malformed, with clients \
            vanishing mid-request and reconnecting) and compares the daemon's VmRSS after the first \
            1,000 and after all of them.
            """)

    @Option(help: "The float model to bake and serve.")
    var example = "Targets/examples/digits/digits-mlp.safetensors"

    @Option(help: "Test rows the requests are drawn from.")
    var rows = "Targets/examples/digits/digits-test.safetensors"

    @Option(help: "The bitmlpd executable (default: next to bitbench).")
    var daemon: String?

    @Option(help: "The core the daemon is pinned to; clients run on the other cores.")
    var daemonCore = 0

    @Option(help: "Seconds per configuration.")
    var seconds = 3.0

    @Option(help: "Requests of the memory step (0 skips it).")
    var memoryRequests = 1_000_000

    @Flag(help: "Run each client on its own thread with blocking calls instead of one thread polling all.")
    var threadPerClient = false

    mutating func run() throws {
        let workspace = URL(fileURLWithPath: "/tmp").appendingPathComponent("bitbench-daemon-\(getpid())")
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: workspace) }
        let source = try FloatModelFile(url: URL(fileURLWithPath: example), spec: nil)
        let baked = try Baker.bake(source.model, options: BakeOptions(), sourceName: example, sourceSHA256: source.sha256)
        let blobPath = workspace.appendingPathComponent("model.bitblob").path
        try Data(baked.blob).write(to: URL(fileURLWithPath: blobPath))
        let data = try DataFile(contentsOf: URL(fileURLWithPath: rows), requireLabels: false)
        let blob = try BlobBuffer(fileBytes: baked.blob, name: example)
        let expected = try withExtendedLifetime(blob) { try IntegerSimulation(model: blob.model).run(data.inputs) }
        let workload = Workload(inputs: data.inputs, classes: expected.classes)

        let executable = daemon.map { URL(fileURLWithPath: $0) } ?? DaemonProcess.executable
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw ValidationError("no bitmlpd at \(executable.path); build it with: swift build -c release --product bitmlpd")
        }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let socket = workspace.appendingPathComponent("bitmlpd.sock").path
        let server = try DaemonProcess.start(
            blob: blobPath, socket: socket, arguments: ["--max-clients", "64"],
            prefix: ["taskset", "-c", "\(daemonCore)"], executable: executable)
        defer {
            server.signal(SIGTERM)
            _ = server.waitForExit()
        }
        pinToCores((0..<cores).filter { $0 != daemonCore || cores == 1 })
        print("bitbench daemon: \(executable.path)")
        print("model \(example) baked with the defaults (\(baked.blob.count) B blob); daemon on core \(daemonCore), clients on the other \(max(cores - 1, 1)) of \(cores) cores; \(seconds) s per row")
        print("")
        print(Format.padRight("mode", to: 8) + Format.pad("clients", to: 8) + Format.pad("requests", to: 11)
              + Format.pad("requests/s", to: 12) + Format.pad("p50 us", to: 9) + Format.pad("p99 us", to: 9)
              + Format.pad("daemon CPU us/req", to: 19) + Format.pad("req/s per core", to: 16))
        for binary in [true, false] {
            for clients in [1, 16] {
                let cpuBefore = server.cpuSeconds() ?? 0
                let result = threadPerClient
                    ? try workload.runThreadPerClient(socket: socket, clients: clients, binary: binary, seconds: seconds)
                    : try workload.run(socket: socket, clients: clients, binary: binary, seconds: seconds)
                let cpu = ((server.cpuSeconds() ?? 0) - cpuBefore) / Double(result.requests)
                print(Format.padRight(binary ? "binary" : "text", to: 8) + Format.pad("\(clients)", to: 8)
                      + Format.pad("\(result.requests)", to: 11)
                      + Format.number(Double(result.requests) / result.seconds, digits: 0, width: 12)
                      + Format.number(result.percentile(50), digits: 1, width: 9)
                      + Format.number(result.percentile(99), digits: 1, width: 9)
                      + Format.number(cpu * 1e6, digits: 2, width: 19) + Format.number(1 / cpu, digits: 0, width: 16))
            }
        }
        if memoryRequests > 0 {
            print("")
            let (early, late) = try workload.memory(socket: socket, daemon: server, requests: memoryRequests)
            print("memory: VmRSS \(early) B after 1,000 requests, \(late) B after \(memoryRequests) (\(late - early >= 0 ? "+" : "")\(late - early) B; limit 65536)")
        }
        print("")
        let stats = try DaemonConnection(path: socket).request(line: "stats")
        print("daemon: \(stats)")
    }

    /// Restricts this process's threads (and the client threads it starts later) to `cores`, with
    /// `taskset` (Glibc's module does not export sched_setaffinity).
    private func pinToCores(_ cores: [Int]) {
        let taskset = Process()
        taskset.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        taskset.arguments = ["taskset", "-a", "-p", "-c", cores.map(String.init).joined(separator: ","), "\(getpid())"]
        taskset.standardOutput = FileHandle.nullDevice
        try? taskset.run()
        taskset.waitUntilExit()
    }
}

/// Requests built once from the test rows, and the classes their answers must carry.
private struct Workload: Sendable {
    let frames: [[UInt8]]
    let lines: [[UInt8]]
    let classes: [Int]

    init(inputs: Matrix, classes: [Int]) {
        frames = (0..<inputs.rows).map { Frame.inferFloat32(Array(inputs.row($0)), count: 1) }
        lines = (0..<inputs.rows).map { Array((inputs.row($0).map { "\($0)" }.joined(separator: ",") + "\n").utf8) }
        self.classes = classes
    }

    struct Result {
        var requests = 0
        var seconds = 0.0
        var latencies: [Double] = []

        /// The `percent`-th percentile round trip in microseconds (nearest rank).
        func percentile(_ percent: Double) -> Double {
            guard !latencies.isEmpty else { return .nan }
            let sorted = latencies.sorted()
            let rank = min(sorted.count - 1, max(0, Int((percent / 100 * Double(sorted.count)).rounded(.up)) - 1))
            return sorted[rank]
        }
    }

    /// `clients` connections, each with one request in flight, for `seconds`, driven by one thread
    /// with `poll` (a thread per connection spends the clients' core on context switches).
    func run(socket: String, clients: Int, binary: Bool, seconds: Double) throws -> Result {
        let connections = try (0..<clients).map { _ in try DaemonConnection(path: socket) }
        var descriptors = connections.map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
        let answers = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096 * clients, alignment: 8)
        defer { answers.deallocate() }
        var received = [Int](repeating: 0, count: clients)
        var rows = (0..<clients).map { $0 * 17 % classes.count }
        var sentAt = [UInt64](repeating: 0, count: clients)
        var latencies: [Double] = []
        latencies.reserveCapacity(4_000_000)
        func send(_ client: Int) throws {
            let request = binary ? frames[rows[client]] : lines[rows[client]]
            sentAt[client] = DispatchTime.now().uptimeNanoseconds
            try connections[client].send(request)
        }
        let start = Date()
        let deadline = start.addingTimeInterval(seconds)
        for client in 0..<clients { try send(client) }
        while latencies.count % 256 != 0 || Date() < deadline {
            guard poll(&descriptors, nfds_t(clients), 10_000) > 0 else { throw ValidationError("no answer for 10 s") }
            for client in 0..<clients where descriptors[client].revents != 0 {
                let buffer = UnsafeMutableRawBufferPointer(rebasing: answers[4096 * client..<4096 * (client + 1)])
                let count = recv(descriptors[client].fd, buffer.baseAddress! + received[client], 4096 - received[client], 0)
                guard count > 0 else { throw ValidationError("the daemon closed client \(client)") }
                received[client] += count
                let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<received[client]])
                guard let length = DaemonConnection.answerLength(bytes) else { continue }
                latencies.append(Double(DispatchTime.now().uptimeNanoseconds - sentAt[client]) / 1000)
                guard Self.answeredClass(UnsafeRawBufferPointer(rebasing: bytes[0..<length]), binary: binary) == classes[rows[client]] else {
                    throw ValidationError("client \(client): wrong answer for row \(rows[client])")
                }
                received[client] = 0
                rows[client] = (rows[client] + 1) % classes.count
                try send(client)
            }
        }
        return Result(requests: latencies.count, seconds: Date().timeIntervalSince(start), latencies: latencies)
    }

    /// `clients` threads, each on its own connection with one request in flight, for `seconds`.
    func runThreadPerClient(socket: String, clients: Int, binary: Bool, seconds: Double) throws -> Result {
        let collector = Collector()
        let start = Date()
        let deadline = start.addingTimeInterval(seconds)
        let group = DispatchGroup()
        for client in 0..<clients {
            group.enter()
            Thread {
                defer { group.leave() }
                var latencies: [Double] = []
                latencies.reserveCapacity(2_000_000)
                do {
                    let connection = try DaemonConnection(path: socket)
                    let answer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 8)
                    defer { answer.deallocate() }
                    var row = client * 17 % classes.count
                    var wrong = 0
                    while true {
                        let begin = DispatchTime.now().uptimeNanoseconds
                        let request = binary ? frames[row] : lines[row]
                        let length = try request.withUnsafeBytes { try connection.roundTrip($0, answer: answer) }
                        latencies.append(Double(DispatchTime.now().uptimeNanoseconds - begin) / 1000)
                        if Self.answeredClass(UnsafeRawBufferPointer(rebasing: answer[0..<length]), binary: binary) != classes[row] { wrong += 1 }
                        row = (row + 1) % classes.count
                        if latencies.count % 64 == 0 && Date() >= deadline { break }
                    }
                    collector.add(latencies, wrong: wrong)
                } catch {
                    collector.fail("\(error)")
                }
            }.start()
        }
        group.wait()
        if let failure = collector.failure { throw ValidationError("a client failed: \(failure)") }
        guard collector.wrong == 0 else { throw ValidationError("\(collector.wrong) answers had the wrong class") }
        return Result(requests: collector.latencies.count, seconds: Date().timeIntervalSince(start), latencies: collector.latencies)
    }

    /// The class in an answer: the uint32 after a result frame's header, or the number after `ok `.
    static func answeredClass(_ answer: UnsafeRawBufferPointer, binary: Bool) -> Int? {
        if binary {
            guard answer.count >= 20, answer[5] == FrameType.result.rawValue else { return nil }
            return Int(UInt32(littleEndian: answer.loadUnaligned(fromByteOffset: 16, as: UInt32.self)))
        }
        guard answer.count > 3, answer[0] == UInt8(ascii: "o") else { return nil }
        var value = 0
        for byte in answer[3...] {
            guard byte != UInt8(ascii: " ") else { break }
            value = value * 10 + Int(byte) - 48
        }
        return value
    }

    /// Resident memory after the first 1,000 requests and after `requests`, over 16 clients that
    /// mix valid and malformed requests in both modes, reconnect, and vanish mid-request.
    func memory(socket: String, daemon: DaemonProcess, requests: Int) throws -> (Int, Int) {
        let bad: [[UInt8]] = [
            Array("1,2,3\n".utf8), Array("nan,1\n".utf8), Array("hello\n".utf8), Array("\n".utf8), Array("1,,2\n".utf8),
            Array((String(repeating: "7", count: 5000) + "\n").utf8),
            Frame.inferFloat32([Float.nan] + Array(repeating: 0, count: 63), count: 1),
            Frame.inferFloat32(Array(repeating: 0, count: 60), count: 1),
            Frame.inferFloat32([], count: 0),
            Frame.inferInt8(Array(repeating: 1, count: 64), step: -1, count: 1),
        ]
        func phase(_ total: Int) throws {
            let perClient = total / 16
            let collector = Collector()
            let group = DispatchGroup()
            for client in 0..<16 {
                group.enter()
                Thread {
                    defer { group.leave() }
                    do {
                        let answer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 8)
                        defer { answer.deallocate() }
                        var connection = try DaemonConnection(path: socket)
                        for request in 0..<perClient {
                            let row = (client * 31 + request) % classes.count
                            let bytes: [UInt8]
                            switch request % 8 {
                            case 0, 1, 2: bytes = frames[row]
                            case 3, 4: bytes = lines[row]
                            default: bytes = bad[(request / 8 + client) % bad.count]
                            }
                            _ = try bytes.withUnsafeBytes { try connection.roundTrip($0, answer: answer) }
                            if request % 5000 == 4999 {
                                // Vanish with half a frame sent, then come back.
                                try connection.send(Array(frames[row].prefix(40)))
                                connection = try DaemonConnection(path: socket)
                            }
                        }
                    } catch {
                        collector.fail("\(error)")
                    }
                }.start()
            }
            group.wait()
            if let failure = collector.failure { throw ValidationError("a client failed: \(failure)") }
        }
        try phase(1_000)
        Thread.sleep(forTimeInterval: 0.2)
        let early = daemon.residentBytes() ?? 0
        try phase(requests - 1_000)
        Thread.sleep(forTimeInterval: 0.2)
        let late = daemon.residentBytes() ?? 0
        return (early, late)
    }
}

/// Thread-safe gathering of client results.
private final class Collector: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var latencies: [Double] = []
    private(set) var wrong = 0
    private(set) var failure: String?

    func add(_ values: [Double], wrong: Int) {
        lock.withLock {
            latencies += values
            self.wrong += wrong
        }
    }

    func fail(_ message: String) { lock.withLock { failure = failure ?? message } }
}
