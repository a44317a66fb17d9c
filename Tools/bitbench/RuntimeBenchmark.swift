import ArgumentParser
import BitBake
import BitBlob
import BitCore
import BitLayers
import BitRuntime
import Foundation

/// `bitbench runtime`: per-inference latency and throughput of `BitMLPRuntime` against a float32
/// forward pass of the same model in the same run, one thread.
struct RuntimeBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runtime",
        abstract: "BitMLPRuntime latency and throughput against a float32 forward pass of the same model.",
        discussion: """
            Models: the digits example (Targets/examples/digits/digits-mlp.safetensors, baked with the \
            defaults) and a random 1024-1024-1024-10 MLP. Latency is the best time of one float \
            vector in, class out; throughput runs batches of --batch vectors. The float32 forward pass \
            multiplies the same float weights with the 16-lane SIMD baseline of `bitbench kernels`.
            """)

    @Option(help: "The example model to bake and run.")
    var example = "Targets/examples/digits/digits-mlp.safetensors"

    @Option(help: "Batch size for the throughput figure.")
    var batch = 64

    @Option(help: "Milliseconds spent timing each figure (after at least 3 runs).")
    var milliseconds = 300

    @Option(help: "Packing of the baked models: t3 or i2.")
    var packing = "t3"

    mutating func run() throws {
        let timing = Timing(budget: .milliseconds(milliseconds))
        let packing = try TernaryPacking(parsing: packing)
        print("bitbench runtime: one thread; kernel \(TernaryKernel.best.name); packing \(packing.name); best of runs over \(milliseconds) ms")
        print("")
        print(
            Format.padRight("model", to: 26) + Format.padRight("engine", to: 22) + Format.pad("us/inference", to: 14)
                + Format.pad("inferences/s", to: 14) + Format.pad("x float32", to: 11))
        let source = try FloatModelFile(url: URL(fileURLWithPath: example), spec: nil)
        try benchmark(name: "digits 64-256-256-10", model: source.model, packing: packing, timing: timing)
        try benchmark(name: "random 1024-1024-1024-10", model: Self.randomModel([1024, 1024, 1024, 10]),
                      packing: packing, timing: timing)
    }

    private func benchmark(name: String, model: FloatMLP, packing: TernaryPacking, timing: Timing) throws {
        let baked = try Baker.bake(model, options: BakeOptions(packing: packing), sourceName: name, sourceSHA256: [UInt8](repeating: 0, count: 32))
        let blob = try BlobBuffer(fileBytes: baked.blob, name: name)
        let inputs = model.description.inputFeatures
        var generator = SystemRandomNumberGenerator()
        let vectors = (0..<batch * inputs).map { _ in Float.random(in: 0...1, using: &generator) }

        // float32 forward pass, one vector and one batch.
        let float = FloatForward(model)
        let floatSingle = timing.best { _ = float.run(Array(vectors[0..<inputs]), batch: 1) }.seconds
        let floatBatch = timing.best { _ = float.run(vectors, batch: batch) }.seconds / Double(batch)

        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: blob.model.arenaBytes(batch: batch)!, alignment: 64)
        defer { arena.deallocate() }
        var runtime = try BitMLPRuntime(model: blob.model, arena: arena, maximumBatch: batch)
        var sink = 0
        let (single, batched) = vectors.withUnsafeBufferPointer { all in
            let one = UnsafeBufferPointer(rebasing: all[0..<inputs])
            let single = timing.best { sink &+= try! runtime.infer(one, batch: 1).predictedClass(0) }.seconds
            let batched = timing.best { sink &+= try! runtime.infer(all, batch: batch).predictedClass(0) }.seconds / Double(batch)
            return (single, batched)
        }
        func row(_ engine: String, _ seconds: Double, _ baseline: Double) -> String {
            Format.padRight(name, to: 26) + Format.padRight(engine, to: 22)
                + Format.number(seconds * 1e6, digits: 2, width: 14) + Format.number(1 / seconds, digits: 0, width: 14)
                + Format.number(baseline / seconds, digits: 2, width: 11)
        }
        print(row("float32, batch 1", floatSingle, floatSingle))
        print(row("runtime, batch 1", single, floatSingle))
        print(row("float32, batch \(batch)", floatBatch, floatBatch))
        print(row("runtime, batch \(batch)", batched, floatBatch))
        print("  arena \(blob.model.arenaBytes(batch: 1)!) B (batch 1), blob \(baked.blob.count) B; checksum \(sink & 1)")
        print("")
    }

    /// A random float MLP with PyTorch's default initialization range.
    static func randomModel(_ sizes: [Int]) throws -> FloatMLP {
        var generator = SystemRandomNumberGenerator()
        var tensors: [ModelFile.Tensor] = []
        for (index, (inputs, outputs)) in zip(sizes, sizes.dropFirst()).enumerated() {
            let bound = 1 / Float(inputs).squareRoot()
            tensors.append(ModelFile.Tensor(
                name: "\(2 * index).weight", shape: [outputs, inputs],
                values: .float((0..<outputs * inputs).map { _ in Float.random(in: -bound...bound, using: &generator) })))
            tensors.append(ModelFile.Tensor(
                name: "\(2 * index).bias", shape: [outputs],
                values: .float((0..<outputs).map { _ in Float.random(in: -bound...bound, using: &generator) })))
        }
        let file = ModelFile(tensors: tensors)
        return try FloatMLP(file: file, description: MLPDescription.infer(from: tensors.map { ($0.name, $0.shape) }))
    }
}

/// The float32 forward pass the runtime is compared with: the SIMD baseline per layer, bias, ReLU.
struct FloatForward {
    let layers: [(matrix: FloatMatrix, bias: [Float], relu: Bool)]

    init(_ model: FloatMLP) {
        layers = model.description.layers.indices.map { index in
            let weight = model.weights[index]
            return (FloatMatrix(rows: weight.rows, columns: weight.columns, values: weight.values),
                    model.biases[index] ?? [Float](repeating: 0, count: weight.rows),
                    model.description.layers[index].activation == .relu)
        }
    }

    func run(_ input: [Float], batch: Int) -> [Float] {
        var x = input
        for layer in layers {
            var y = [Float](repeating: 0, count: batch * layer.matrix.rows)
            layer.matrix.multiply(x, batch: batch, into: &y)
            for vector in 0..<batch {
                for row in 0..<layer.matrix.rows {
                    let value = y[vector * layer.matrix.rows + row] + layer.bias[row]
                    y[vector * layer.matrix.rows + row] = layer.relu ? max(value, 0) : value
                }
            }
            x = y
        }
        return x
    }
}
