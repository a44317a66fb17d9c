import Foundation
import PackagePlugin

/// Bakes the model file in a target into Swift sources at `swift build` (docs/baking.md).
///
/// A target with one model file (`.safetensors`, `.npz`, `.npy` or `.bitblob`) and optionally a
/// `bitbake.json` gets `NAME.swift` and `NAME+Blob.swift` from `bitbake-model emit-swift`, where
/// NAME is the model file's name in UpperCamelCase. The command's inputs are the model and the
/// spec, so it runs again only when one of them (or the tool) changes.
@main
struct BitBakePlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget,
            let model = try ModelTarget(target: target.name, files: target.sourceFiles.map(\.url))
        else { return [] }
        let directory = context.pluginWorkDirectoryURL
        return [
            .buildCommand(
                displayName: "Baking \(model.model.lastPathComponent) into \(model.typeName)",
                executable: try context.tool(named: "bitbake-model").url,
                arguments: model.emitArguments(directory: directory),
                inputFiles: [model.model] + (model.spec.map { [$0] } ?? []),
                outputFiles: model.generatedFileNames.map { directory.appendingPathComponent($0) })
        ]
    }
}
