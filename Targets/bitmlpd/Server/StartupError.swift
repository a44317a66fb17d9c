import BitBlob
import BitRuntime

/// Why the daemon could not start or could not load a model. Each case names the path and cause.
enum StartupError: Error, CustomStringConvertible {
    /// A command-line mistake; the message says which option.
    case usage(String)
    /// A system call failed.
    case system(SystemError)
    /// Another daemon is listening on the socket path.
    case socketInUse(path: String)
    /// The socket path holds something that is not a socket, which is never removed.
    case notASocket(path: String)
    /// The blob is invalid (the model file's own error).
    case invalidBlob(path: String, BitBlobError)
    /// The engine refused the model.
    case runtime(path: String, RuntimeError)
    /// A reloaded model does not fit the buffers sized at start-up.
    case exceedsBuffers(path: String, inputs: Int, outputs: Int, startInputs: Int, startOutputs: Int)

    var description: String {
        switch self {
        case .usage(let message):
            return message
        case .system(let error):
            return error.description
        case .socketInUse(let path):
            return "\(path) is in use by a running daemon; stop it or choose another --socket"
        case .notASocket(let path):
            return "\(path) exists and is not a socket; it is left alone"
        case .invalidBlob(let path, let error):
            return "\(path): \(error)"
        case .runtime(let path, let error):
            return "\(path): \(error)"
        case .exceedsBuffers(let path, let inputs, let outputs, let startInputs, let startOutputs):
            return "\(path): \(inputs) inputs and \(outputs) outputs exceed the \(startInputs) and \(startOutputs) the buffers were sized for at start-up; restart the daemon to serve this model"
        }
    }

    /// The process exit status: 64 for usage errors, 2 for a bad model file, 1 otherwise.
    var exitStatus: Int32 {
        switch self {
        case .usage: return 64
        case .invalidBlob, .runtime, .exceedsBuffers: return 2
        case .system(let error): return error.operation.spells("open") || error.operation.spells("mmap") ? 2 : 1
        case .socketInUse, .notASocket: return 1
        }
    }
}
