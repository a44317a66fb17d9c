import BitRuntime
import CBitSystem

/// The signals the daemon acts on, delivered through a signalfd so the poll loop sees them as
/// ordinary readable events (no handler runs at an arbitrary point of the loop).
struct SignalDescriptor {
    enum Signal {
        /// SIGHUP: reload the model.
        case hangup
        /// SIGINT or SIGTERM: finish what is in flight and exit.
        case stop(name: StaticString)
        /// SIGIO: the kernel broke the read lease on the served file, which someone is about to
        /// write or truncate.
        case leaseBroken
    }

    let descriptor: Descriptor

    /// Ignores SIGPIPE (a vanished client becomes EPIPE on write), blocks SIGHUP, SIGINT, SIGTERM
    /// and SIGIO and opens the signalfd that reports them. The C calls are `sigaction`,
    /// `sigprocmask` and `signalfd`.
    static func open() throws(StartupError) -> SignalDescriptor {
        let fd = bitsys_open_signal_descriptor()
        guard fd >= 0 else { throw .system(SystemError(operation: "signalfd", path: "signals", code: bitsys_errno())) }
        return SignalDescriptor(descriptor: Descriptor(rawValue: fd))
    }

    /// The next pending signal, or nil when none is.
    func next() -> Signal? {
        while true {
            let number = bitsys_read_signal(descriptor.rawValue)
            if number <= 0 { return nil }
            if number == bitsys_sighup { return .hangup }
            if number == bitsys_sigterm { return .stop(name: "SIGTERM") }
            if number == bitsys_sigint { return .stop(name: "SIGINT") }
            if number == bitsys_sigio { return .leaseBroken }
        }
    }
}
