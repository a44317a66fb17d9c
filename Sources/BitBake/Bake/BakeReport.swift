import BitCore

/// What a bake did: per layer the shape, the share of -1 / 0 / +1 codes, the scales and the
/// bytes; in total the float32 size, the blob size and the true bits per weight (everything in
/// the file counted: scales, biases, headers, padding).
public struct BakeReport: Hashable, Sendable {
    public struct Layer: Hashable, Sendable {
        public var name: String
        public var outputs: Int
        public var inputs: Int
        /// Fractions of codes -1, 0 and +1.
        public var shares: (negative: Double, zero: Double, positive: Double) {
            (Double(counts.negative) / Double(weightCount), Double(counts.zero) / Double(weightCount),
             Double(counts.positive) / Double(weightCount))
        }
        public var counts: Counts
        /// The absmean scale(s): one value, or the smallest and largest per-channel scale.
        public var scaleRange: ClosedRange<Float>
        public var hasBias: Bool
        /// Packed weight bytes.
        public var packedBytes: Int
        /// Bytes of the layer's scales and biases as stored (int32 multipliers + float32 scales,
        /// int32 bias mantissas).
        public var scaleAndBiasBytes: Int
        public var staticInputScale: Float?

        public struct Counts: Hashable, Sendable {
            public var negative = 0
            public var zero = 0
            public var positive = 0
        }

        public var weightCount: Int { outputs * inputs }

        init(
            name: String, outputs: Int, inputs: Int, codes: [Int8], scales: [Float], hasBias: Bool, packedBytes: Int,
            staticInputScale: Float?
        ) {
            var counts = Counts()
            for code in codes {
                switch code {
                case -1: counts.negative += 1
                case 0: counts.zero += 1
                default: counts.positive += 1
                }
            }
            self.name = name
            self.outputs = outputs
            self.inputs = inputs
            self.counts = counts
            self.scaleRange = (scales.min() ?? 0)...(scales.max() ?? 0)
            self.hasBias = hasBias
            self.packedBytes = packedBytes
            self.scaleAndBiasBytes = 8 * scales.count + (hasBias ? 4 * outputs : 0)
            self.staticInputScale = staticInputScale
        }
    }

    public var layers: [Layer]
    public var config: BitQuantConfig
    public var packing: TernaryPacking
    /// The model's weights and biases as float32.
    public var floatBytes: Int
    /// The whole `.bitblob` file.
    public var blobBytes: Int
    /// The arena the runtime needs for the model (docs/bitblob.md, `ArenaPlan`).
    public var arena: ArenaPlan

    /// Weights in the model (without padding).
    public var weightCount: Int { layers.reduce(0) { $0 + $1.weightCount } }
    /// Blob bits per weight, everything in the file counted.
    public var bitsPerWeight: Double { Double(blobBytes * 8) / Double(weightCount) }
    /// How many times smaller the blob is than the float32 weights and biases.
    public var compressionRatio: Double { Double(floatBytes) / Double(blobBytes) }
}
