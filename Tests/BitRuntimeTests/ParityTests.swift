import BitBake
import BitCore
import BitLayers
import BitRuntime
import BitRuntimeTestSupport
import Testing

/// The runtime against the bake tool's integer simulation (reference kernel, one vector at a
/// time): logits, exponents and classes bit-identical for every config, shape, kernel and batch.
@Suite struct ParityTests {
    /// K = 1 and N = 1, column counts that are multiples of neither 4, 5 nor 64, up to four layers.
    static let shapes: [[Int]] = [[1, 1], [1, 6, 1], [37, 1, 5], [333, 67, 130, 3], [64, 129, 10]]
    static let rows = 67

    @Test(arguments: RuntimeConfiguration.all)
    func randomModels(_ configuration: RuntimeConfiguration) throws {
        let configurationIndex = UInt64(RuntimeConfiguration.all.firstIndex(of: configuration)!)
        for (shapeIndex, features) in Self.shapes.enumerated() {
            let seed = configurationIndex * 100 + UInt64(shapeIndex)
            let baked = try BakedTestModel(randomFeatures: features, configuration: configuration, seed: seed)
            let inputs = TestInputs.matrix(rows: Self.rows, features: features[0], seed: seed)
            try expectParity(baked, inputs: inputs, name: "\(configuration) \(features)")
        }
    }

    /// Activations the bake pipeline's calibration cannot take (it needs one hidden activation and
    /// none after the last layer), per_token only: ReLU after the last layer makes ties at zero,
    /// where the class must be the first index.
    @Test(arguments: TernaryPacking.allCases)
    func reluAfterTheLastLayer(_ packing: TernaryPacking) throws {
        let configuration = RuntimeConfiguration(weights: .perChannel, packing: packing)
        let float = RandomModel.float(features: [45, 23, 11, 7], activations: [.none, .relu, .relu], seed: 5)
        let baked = try BakedTestModel(
            float, configuration: configuration, calibration: TestInputs.calibration(rows: 4, features: 45, seed: 6))
        let inputs = TestInputs.matrix(rows: Self.rows, features: 45, seed: 7)
        try expectParity(baked, inputs: inputs, name: "relu last \(packing.name)")
        let expected = try baked.simulate(inputs)
        let tiedAtZero = (0..<inputs.rows).filter { row in
            expected.logits[row * 7 ..< (row + 1) * 7].filter { $0 == 0 }.count > 1
        }
        #expect(!tiedAtZero.isEmpty, "no row has tied zero logits, so first-index ties are not exercised")
    }

    static let digitsConfigurations = BitQuantConfig.WeightGranularity.allCases.flatMap { weights in
        BitQuantConfig.ActivationGranularity.allCases.flatMap { activations in
            TernaryPacking.allCases.map { RuntimeConfiguration(weights: weights, activations: activations, packing: $0) }
        }
    }

    /// The real example model on its 360 test images, calibrated on the training split.
    @Test(arguments: digitsConfigurations)
    func digitsExample(_ configuration: RuntimeConfiguration) throws {
        let baked = try DigitsExample.baked(configuration)
        let inputs = try DigitsExample.testInputs()
        try expectParity(baked, inputs: inputs, name: "digits \(configuration)")
        #expect(Set(try baked.simulate(inputs).classes).count == 10)
    }

    /// Batch sizes per `infer` call and the largest batch the runtime is made for: arenas for exactly
    /// the batch and larger ones. The rows leave a shorter last batch for each.
    static let batches = [(batch: 1, maximum: 1), (batch: 3, maximum: 3), (batch: 8, maximum: 64), (batch: 64, maximum: 64)]
    /// Rows the kernels written in Swift (reference and portable) run: unoptimized, as `swift test`
    /// builds them, they take most of the suite's time on all rows. Nine rows still end every
    /// batch size with a short batch; BitCoreTests cover these kernels' batching.
    static let swiftKernelRows = 9

    /// Every kernel and batch size against the simulation.
    func expectParity(_ baked: BakedTestModel, inputs: Matrix, name: String) throws {
        let expected = try baked.simulate(inputs)
        #expect(expected.classes.count == inputs.rows)
        for kernel in TernaryKernel.supported {
            let subset = kernel == .reference || kernel == .portable ? inputs.firstRows(Self.swiftKernelRows) : inputs
            for (batch, maximum) in Self.batches {
                let actual = try baked.withRuntime(maximumBatch: maximum, kernel: kernel) { runtime in
                    try runtime.run(subset, batch: batch)
                }
                #expect(actual == expected.prefix(subset.rows), "\(name): kernel \(kernel.name), batch \(batch) of \(maximum)")
            }
        }
    }
}
