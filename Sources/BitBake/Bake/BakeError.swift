/// Why a model could not be baked or evaluated: a layer chain that cannot be worked out, values
/// that cannot be quantized, options that do not fit the model. Messages name the tensor, file or
/// option and say how to fix it.
public struct BakeError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
