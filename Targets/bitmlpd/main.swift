// bitmlpd: serves a .bitblob over a Unix domain socket or standard input and output.
// Usage: `bitmlpd --help`; protocol: docs/protocol.md; build and deployment: docs/daemon.md.

import CBitSystem

do throws(StartupError) {
    let options = try Options(parsing: Process.arguments())
    if options.showHelp {
        Options.usage.utf8CString.withUnsafeBytes { _ = bitsys_write(1, $0.baseAddress, $0.count - 1) }
        bitsys_exit(0)
    }
    var daemon = try Daemon(options: options)
    bitsys_exit(daemon.run())
} catch {
    Log.event(error.description)
    if case .usage = error { Log.event("see bitmlpd --help") }
    bitsys_exit(error.exitStatus)
}
