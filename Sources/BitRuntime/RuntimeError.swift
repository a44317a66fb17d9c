import BitBlob
import BitCore

/// Why the runtime refused a model, a buffer or an input. Every case names the values involved.
public enum RuntimeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The blob failed validation.
    case invalidBlob(BitBlobError)
    /// The caller's arena is smaller than the model needs for the batch.
    case arenaTooSmall(required: Int, provided: Int, batch: Int)
    /// A batch outside `1 ... maximumBatch`.
    case batchOutOfRange(batch: Int, maximum: Int)
    /// An input buffer whose length is not `batch * inputCount`.
    case inputLength(expected: Int, actual: Int)
    /// A NaN or infinite input value.
    case nonFiniteInput(index: Int)
    /// A BitCore kernel or requantization refused its buffers (a runtime bug, reported not trapped).
    case kernel(BitCoreError)
    /// An input step (int8 input) that is not a usable fixed-point scale.
    case invalidInputStep
    /// A model embedded as base64 text (`StaticModel`) with a character that cannot be at this
    /// offset of the text.
    case invalidBase64(offset: Int)
    /// A model embedded in the program whose bytes are not as many as the blob it claims to be.
    case embeddedBlobLength(expected: Int, actual: Int)

    public var description: String {
        switch self {
        case .invalidBlob(let error):
            return "invalid model: \(error)"
        case .arenaTooSmall(let required, let provided, let batch):
            return "arena of \(provided) bytes is too small: batch \(batch) needs \(required) bytes"
        case .batchOutOfRange(let batch, let maximum):
            return "batch \(batch) is outside 1 ... \(maximum)"
        case .inputLength(let expected, let actual):
            return "input has \(actual) values, expected \(expected)"
        case .nonFiniteInput(let index):
            return "input value \(index) is NaN or infinite"
        case .kernel(let error):
            return "kernel error: \(error)"
        case .invalidInputStep:
            return "the input step is not a positive fixed-point scale"
        case .invalidBase64(let offset):
            return "embedded model: the base64 text is invalid at offset \(offset)"
        case .embeddedBlobLength(let expected, let actual):
            return "embedded model: \(actual) bytes where the blob has \(expected)"
        }
    }
}
