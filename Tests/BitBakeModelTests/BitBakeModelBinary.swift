import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What one run of the `bitbake-model` binary did.
struct CommandResult: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
    /// The child's peak resident set size in bytes, from `wait4`.
    var peakMemory: Int
}

/// Runs the real `bitbake-model` executable that SwiftPM built next to the test bundle (the test
/// target depends on it, so it is always built first, in whatever --scratch-path is in use).
///
/// The child is started with `posix_spawn` and reaped with `wait4`, which gives its own peak
/// memory; Foundation's `Process` reaps children itself, and `getrusage(RUSAGE_CHILDREN)` would
/// mix in every other child of the test process. stdout and stderr go to files, so a chatty child
/// cannot block on a full pipe.
enum BitBakeModel {
    static let executable: URL = {
        let folder = Bundle.main.executableURL?.deletingLastPathComponent()
            ?? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        return folder.appendingPathComponent("bitbake-model")
    }()

    /// A fresh folder for one test's outputs, removed by the caller.
    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("BitBakeModelTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Runs `bitbake-model arguments...` to completion.
    static func run(_ arguments: [String]) throws -> CommandResult {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let stdoutPath = folder.appendingPathComponent("stdout").path
        let stderrPath = folder.appendingPathComponent("stderr").path

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable.path, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw SpawnError(message: "posix_spawn \(executable.path): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw SpawnError(message: "wait4: \(String(cString: strerror(errno)))") }
        }
        // WIFEXITED / WEXITSTATUS, which Swift does not import as functions.
        let exited = status & 0x7F == 0
        return CommandResult(
            status: exited ? (status >> 8) & 0xFF : -(status & 0x7F),
            stdout: try String(contentsOfFile: stdoutPath, encoding: .utf8),
            stderr: try String(contentsOfFile: stderrPath, encoding: .utf8),
            peakMemory: usage.ru_maxrss * 1024)
    }

    struct SpawnError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}

/// Files in the source tree the tests run the tool on, found relative to this file.
enum Repository {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    static let digitsModel = path("Targets/examples/digits/digits-mlp.safetensors")
    static let digitsTest = path("Targets/examples/digits/digits-test.safetensors")
    static let digitsTestNpz = path("Targets/examples/digits/digits-test.npz")
    static let digitsTrain = path("Targets/examples/digits/digits-train.safetensors")
    static let corruptFolder = path("Tests/BitBakeTests/Fixtures/corrupt")
    /// The 24-32-16-5 model of this target's format fixtures (Fixtures/README.md).
    static let smallModel = path("Tests/BitBakeModelTests/Fixtures/model_f32.safetensors")
}
