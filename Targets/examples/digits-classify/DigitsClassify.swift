#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import BitBlob
import BitRuntime

/// `digits-classify`: recognizes handwritten digits (8x8 images, pixels 0 ... 1) with the digits
/// model baked into this binary by BitBakePlugin: no model file to ship or load.
///
/// ```sh
/// digits-classify 0 0 0.3125 0.8125 ...        # 64 pixels as arguments: prints the digit
/// digits-classify --logits < images.txt        # one image a line: the digit and its 10 logits
/// ```
@main
struct DigitsClassify {
    static let usage = """
        usage: digits-classify [--logits] [PIXEL x \(Digits.inputCount)]
               digits-classify --about

        Prints the digit (0-9) an 8x8 image shows. The \(Digits.inputCount) pixels (row by row, 0 = \
        background, 1 = ink) come as arguments, or one image a line on standard input (numbers \
        separated by spaces or commas), one answer a line. --logits adds the \(Digits.outputCount) \
        logits after the digit. --about describes the baked model.
        Exit status: 0 on success, 2 for input that is not an image, 64 for usage errors.
        """

    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        if arguments == ["--help"] || arguments == ["-h"] {
            print(usage)
            return
        }
        if arguments == ["--about"] {
            about()
            return
        }
        let showLogits = arguments.first == "--logits"
        if showLogits { arguments.removeFirst() }
        if let option = arguments.first(where: { $0.hasPrefix("--") }) {
            fail("unknown option '\(option)'\n\(usage)", status: 64)
        }
        if !arguments.isEmpty {
            classify(arguments, line: nil, showLogits: showLogits)
            return
        }
        var line = 0
        while let text = readLine() {
            line += 1
            let fields = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }).map(String.init)
            if fields.isEmpty { continue }
            classify(fields, line: line, showLogits: showLogits)
        }
    }

    /// Prints the class (and logits) of one image given as text fields.
    static func classify(_ fields: [String], line: Int?, showLogits: Bool) {
        let place = line.map { "line \($0): " } ?? ""
        guard fields.count == Digits.inputCount else {
            fail("\(place)\(fields.count) values, expected \(Digits.inputCount)", status: 2)
        }
        var pixels: [Float] = []
        pixels.reserveCapacity(Digits.inputCount)
        for field in fields {
            guard let value = Float(field), value.isFinite else { fail("\(place)'\(field)' is not a number", status: 2) }
            pixels.append(value)
        }
        do {
            let result = try Digits.infer(pixels)
            var text = "\(result.predictedClass(0))"
            if showLogits {
                var logits = [Float](repeating: 0, count: Digits.outputCount)
                logits.withUnsafeMutableBufferPointer { result.floatLogits(0, into: $0) }
                for logit in logits { text += " \(logit)" }
            }
            print(text)
        } catch {
            fail("\(place)\(error)", status: 2)
        }
    }

    /// Describes the baked model.
    static func about() {
        do {
            let model = try Digits.model()
            print("model: \(Digits.inputCount) inputs, \(Digits.outputCount) classes, \(model.layerCount) layers")
            print("blob: \(Digits.blobBytes) bytes, sha256 \(Digits.blobSHA256)")
            print("arena: \(Digits.arenaBytes) bytes")
            if let provenance = model.provenance {
                print("baked from: \(provenance.sourceName) by \(provenance.toolVersion)")
                print("options: \(provenance.bakeOptions.split(separator: "\n").joined(separator: ", "))")
            }
        } catch {
            fail("\(error)", status: 2)
        }
    }

    static func fail(_ message: String, status: Int32) -> Never {
        let text = "digits-classify: \(message)\n"
        _ = text.withCString { write(2, $0, strlen($0)) }
        exit(status)
    }
}
