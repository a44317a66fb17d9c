/// A model, state dict, data set or training option that BitModels cannot work with. Every case
/// names the value that was wrong.
public enum BitModelsError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A BitMLP needs at least two sizes (inputs and outputs), all positive.
    case invalidLayerSizes([Int])
    /// Layer `index` takes `inFeatures` inputs but the layer before it has `expected` outputs.
    case layerMismatch(index: Int, inFeatures: Int, expected: Int)
    /// A state dict entry whose name is not `<even index>.weight` or `<even index>.bias`.
    case unexpectedTensor(name: String)
    /// A state dict entry that appears twice.
    case duplicateTensor(name: String)
    /// A state dict without an entry the model needs.
    case missingTensor(name: String)
    /// A state dict entry with the wrong shape; `expected` describes the right one.
    case tensorShape(name: String, shape: [Int], expected: String)
    /// A state dict entry whose value count is not the product of its shape.
    case tensorValueCount(name: String, shape: [Int], count: Int)
    /// A data set with a different number of samples and labels.
    case labelCount(samples: Int, labels: Int)
    /// Inputs with a different number of features than the model takes.
    case featureCount(expected: Int, actual: Int)
    /// A label outside `0..<classCount` (the model's output size).
    case labelOutOfRange(sample: Int, label: Int, classCount: Int)
    /// A training option out of its range.
    case invalidOption(name: String, value: String, expected: String)
    /// Too few samples to train on after setting aside the validation split.
    case tooFewSamples(samples: Int, validationSplit: Double)
    /// A distillation teacher whose inputs or classes differ from the student's.
    case teacherShape(teacher: [Int], student: [Int])

    public var description: String {
        switch self {
        case .invalidLayerSizes(let sizes):
            return "layer sizes \(sizes) need at least an input and an output size, all positive"
        case .layerMismatch(let index, let inFeatures, let expected):
            return "layer \(index) takes \(inFeatures) inputs but the layer before it has \(expected) outputs"
        case .unexpectedTensor(let name):
            return "unexpected tensor '\(name)' (expected '<even index>.weight' or '<even index>.bias',"
                + " the Linear layers of an nn.Sequential with activations between them)"
        case .duplicateTensor(let name):
            return "tensor '\(name)' appears more than once"
        case .missingTensor(let name):
            return "missing tensor '\(name)'"
        case .tensorShape(let name, let shape, let expected):
            return "tensor '\(name)' has shape \(shape), expected \(expected)"
        case .tensorValueCount(let name, let shape, let count):
            return "tensor '\(name)' of shape \(shape) holds \(count) values"
        case .labelCount(let samples, let labels):
            return "\(samples) samples but \(labels) labels"
        case .featureCount(let expected, let actual):
            return "the model takes \(expected) features, the inputs have \(actual)"
        case .labelOutOfRange(let sample, let label, let classCount):
            return "label \(label) of sample \(sample) is outside 0..<\(classCount)"
        case .invalidOption(let name, let value, let expected):
            return "\(name) \(value) is invalid (expected \(expected))"
        case .tooFewSamples(let samples, let validationSplit):
            return "\(samples) samples leave none to train on or none to validate with"
                + " at validation split \(validationSplit)"
        case .teacherShape(let teacher, let student):
            return "the teacher's layer sizes \(teacher) do not take the student's inputs or give its classes \(student)"
        }
    }
}
