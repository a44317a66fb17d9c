import BitModels

extension TrainingSummary {
    /// The summary as `finetune` and `train` print it: one line per split, accuracies to 0.01%.
    ///
    /// ```
    /// accuracy of the baked models (integer simulation):
    ///   validation  144 rows  float 100.00%  bake 97.92%  finetune + bake 100.00%  (held out 10% of train.safetensors)
    /// ```
    public var text: String {
        let trainedName = splits.contains { $0.float != nil } ? "finetune + bake" : "train + bake"
        let engineName = switch engine {
        case .simulation: "integer simulation"
        case .runtime: "on-device runtime"
        }
        var lines = ["accuracy of the baked models (\(engineName)):"]
        for split in splits {
            var fields = [split.name.padding(toLength: 10, withPad: " ", startingAt: 0), "\(split.rows) rows"]
            if let float = split.float { fields.append("float \(Formatting.accuracy(float))") }
            if let bake = split.postTrainingQuantized { fields.append("bake \(Formatting.accuracy(bake))") }
            fields.append("\(trainedName) \(Formatting.accuracy(split.trained))")
            lines.append("  " + fields.joined(separator: "  ") + "  (\(split.source))")
        }
        if splits.isEmpty { lines.append("  no validation or test rows to measure on (pass --val or --test)") }
        return lines.joined(separator: "\n")
    }
}
