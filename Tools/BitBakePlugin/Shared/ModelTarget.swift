import Foundation
import PackagePlugin

// This file is shared by BitBakePlugin and BitBakeCommandPlugin (Build/ and Command/ link to it):
// plugins cannot depend on a library, and both must find models the same way.

/// The model a target bakes: its one model file, its optional `bitbake.json` and the generated
/// type's name.
struct ModelTarget {
    /// Model files the plugins bake: what `bitbake-model emit-swift` reads.
    static let modelExtensions: Set<String> = ["safetensors", "npz", "npy", "bitblob"]
    /// The bake options file: a BakeSpec (docs/cli.md).
    static let specFileName = "bitbake.json"

    let model: URL
    let spec: URL?
    /// The generated type: the model file's name in UpperCamelCase (`digits-mlp.safetensors` ->
    /// `DigitsMlp`).
    let typeName: String

    /// The model among a target's `files`, or nil when there is none.
    ///
    /// - Throws: `PluginFailure` when there is more than one model file.
    init?(target: String, files: [URL]) throws {
        let models = files.filter { Self.modelExtensions.contains($0.pathExtension) }
        guard let model = models.first else { return nil }
        guard models.count == 1 else {
            let names = models.map(\.lastPathComponent).sorted().joined(separator: ", ")
            throw PluginFailure("target '\(target)' has \(models.count) model files (\(names)); BitBake bakes one per target")
        }
        self.model = model
        spec = files.first { $0.lastPathComponent == Self.specFileName }
        typeName = model.deletingPathExtension().lastPathComponent
            .split(whereSeparator: { !$0.isLetter && !$0.isNumber })
            .map { $0.prefix(1).uppercased() + $0.dropFirst() }
            .joined()
    }

    /// The files `emit-swift` writes.
    var generatedFileNames: [String] { ["\(typeName).swift", "\(typeName)+Blob.swift"] }

    /// `bitbake-model` arguments that write the sources into `directory`.
    func emitArguments(directory: URL, extra: [String] = []) -> [String] {
        var arguments = ["emit-swift", model.path, "--module", typeName, "--output", directory.path]
        if let spec { arguments += ["--spec", spec.path] }
        return arguments + extra
    }
}

/// A plugin error, shown to the user as its message.
struct PluginFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
