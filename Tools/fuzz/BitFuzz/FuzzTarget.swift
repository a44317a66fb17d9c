/// The entry points the fuzzers and the hostile-input tests drive: one per parser that reads bytes
/// someone else controls (docs/security.md).
///
/// ```swift
/// let outcome = try FuzzTarget.safetensors.run(bytes)   // .accepted or .refused
/// ```
///
/// Every target feeds the bytes to the project's own parser, the way the tools and the daemon do.
/// A refusal (a thrown parser error) is the expected answer to bad input. A `FuzzFinding` is
/// thrown only for a real bug: input that was accepted but does not hold together (a shape that
/// does not match its values, a blob that validates but cannot run, a round trip that changes
/// the data). Crashes, hangs and runaway allocation are what libFuzzer and the sanitizers catch.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// A `.safetensors` file: the 8-byte length, the JSON header, the data area.
    case safetensors
    /// A NumPy `.npy` file: magic, version, the dict-literal header, the data.
    case npy
    /// A NumPy `.npz` archive: the ZIP directory, stored and deflated members, each a `.npy`.
    case npz
    /// A `.bitblob` or a compressed `BITBLOBZ` container, loaded as `bitmlpd` loads it and run once;
    /// a refused plain blob is tried again with its checksums repaired, so that changes reach the
    /// checks behind the CRCs.
    case bitblob
    /// A bake spec (JSON), as `bitbake-model bake --spec` reads it.
    case bakeSpec = "bake-spec"
    /// Text-mode daemon requests: lines split as the daemon splits them, each parsed by
    /// `TextRequest` into a vector buffer whose size the first byte chooses.
    case daemonText = "daemon-text"
    /// Binary-mode daemon requests: a stream of frames decoded by `FrameHeader`, each header that
    /// decodes re-encoded and compared with its bytes.
    case daemonFrame = "daemon-frame"

    /// Feeds `bytes` to this target's parser.
    ///
    /// - Returns: whether the parser accepted the input.
    /// - Throws: `FuzzFinding` when accepted input is inconsistent.
    public func run(_ bytes: UnsafeRawBufferPointer) throws(FuzzFinding) -> FuzzOutcome {
        switch self {
        case .safetensors: try Importers.safetensors(bytes)
        case .npy: try Importers.npy(bytes)
        case .npz: try Importers.npz(bytes)
        case .bitblob: try Blob.run(bytes)
        case .bakeSpec: Importers.bakeSpec(bytes)
        case .daemonText: try DaemonRequests.text(bytes)
        case .daemonFrame: try DaemonRequests.frames(bytes)
        }
    }

    /// `run(_:)` over an array.
    public func run(_ bytes: [UInt8]) throws(FuzzFinding) -> FuzzOutcome {
        let result = bytes.withUnsafeBytes { buffer in Result { () throws(FuzzFinding) in try run(buffer) } }
        return try result.get()
    }
}

/// What a parser made of an input.
public enum FuzzOutcome: Hashable, Sendable {
    /// The input was read, and everything checked about the result held.
    case accepted
    /// The parser refused the input with an error (the message is not kept: building it is part
    /// of what was exercised).
    case refused
}

/// Accepted input that does not hold together: a bug in a parser, not in the input.
public struct FuzzFinding: Error, CustomStringConvertible, Sendable {
    public let target: FuzzTarget
    public let message: String

    public init(_ target: FuzzTarget, _ message: String) {
        self.target = target
        self.message = message
    }

    public var description: String { "\(target.rawValue): \(message)" }
}
