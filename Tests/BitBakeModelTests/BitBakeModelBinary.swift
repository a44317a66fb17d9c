import CTestSupport
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
/// Each run reports the tool's own peak memory. `wait4`'s `ru_maxrss` of a child that this large
/// test process spawns directly would not: `posix_spawn` runs the child on the parent's memory
/// until `exec`, and Linux counts that memory's high-water mark into the child's (as it does for a
/// plain fork). So the tool is started by a small `/bin/sh` as a background job, which leaves it
/// orphaned; this process, a child subreaper, adopts it and reaps it with `wait4`. Foundation's
/// `Process` cannot give a child's rusage, and `getrusage(RUSAGE_CHILDREN)` would mix in every
/// other child of the test process. stdout and stderr go to files, so a chatty child cannot block
/// on a full pipe.
enum BitBakeModel {
    static let executable: URL = {
        let folder = Bundle.main.executableURL?.deletingLastPathComponent()
            ?? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        return folder.appendingPathComponent("bitbake-model")
    }()

    /// Set once, before the first run.
    private static let subreaper: Int32 = bbt_become_child_subreaper() == 0 ? 0 : errno

    /// A fresh folder for one test's outputs, removed by the caller.
    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("BitBakeModelTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Runs `bitbake-model arguments...` to completion.
    static func run(_ arguments: [String]) throws -> CommandResult {
        guard subreaper == 0 else { throw SpawnError(message: "prctl(PR_SET_CHILD_SUBREAPER): \(describe(subreaper))") }
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let stdoutPath = folder.appendingPathComponent("stdout").path
        let stderrPath = folder.appendingPathComponent("stderr").path
        let pidPath = folder.appendingPathComponent("pid").path

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        // sh starts the tool in the background, writes its pid to the file named by $0, and exits.
        let script = #""$@" < /dev/null & echo $! > "$0""#
        let argv = (["/bin/sh", "-c", script, pidPath, executable.path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var shell: pid_t = 0
        let spawned = posix_spawn(&shell, "/bin/sh", &actions, nil, argv, environ)
        guard spawned == 0 else { throw SpawnError(message: "posix_spawn /bin/sh: \(describe(spawned))") }
        let shellStatus = try wait(for: shell).status
        guard shellStatus == 0, let text = try? String(contentsOfFile: pidPath, encoding: .utf8),
            let tool = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            throw SpawnError(message: "/bin/sh did not start \(executable.path) (status \(shellStatus))")
        }
        // The shell has exited, so the tool is now this process's child.
        let (status, usage) = try wait(for: tool)
        return CommandResult(
            status: status,
            stdout: try String(contentsOfFile: stdoutPath, encoding: .utf8),
            stderr: try String(contentsOfFile: stderrPath, encoding: .utf8),
            peakMemory: usage.ru_maxrss * 1024)
    }

    /// Reaps `pid`: its exit status (or minus the signal that ended it) and its resource usage.
    private static func wait(for pid: pid_t) throws -> (status: Int32, usage: rusage) {
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw SpawnError(message: "wait4(\(pid)): \(describe(errno))") }
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import.
        let exited = status & 0x7F == 0
        return (exited ? (status >> 8) & 0xFF : -(status & 0x7F), usage)
    }

    private static func describe(_ code: Int32) -> String { String(cString: strerror(code)) }

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
