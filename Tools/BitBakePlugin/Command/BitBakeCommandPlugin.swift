import Foundation
import PackagePlugin

/// `swift package --allow-writing-to-package-directory bake --target NAME ... [--encoding E]`:
/// writes the sources BitBakePlugin would generate into each named target's own directory, to
/// check in.
///
/// Targets are named explicitly, since this writes into source folders. The model file and
/// `bitbake.json` may be excluded from the target (`exclude:` in Package.swift), as they should be
/// once the sources are checked in; a target that checks its sources in must not also apply
/// BitBakePlugin, or the type is defined twice.
@main
struct BitBakeCommandPlugin: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        var extractor = ArgumentExtractor(arguments)
        let names = extractor.extractOption(named: "target")
        let extra = extractor.extractOption(named: "encoding").flatMap { ["--encoding", $0] }
        guard extractor.remainingArguments.isEmpty else {
            throw PluginFailure("unexpected arguments \(extractor.remainingArguments); usage: \(Self.usage)")
        }
        guard !names.isEmpty else { throw PluginFailure("name the targets to bake: \(Self.usage)") }
        let tool = try context.tool(named: "bitbake-model").url
        for target in try context.package.targets(named: names) {
            guard let target = target as? SourceModuleTarget,
                let model = try ModelTarget(target: target.name, files: try Self.files(under: target.directoryURL))
            else {
                throw PluginFailure(
                    "target '\(target.name)' has no model file (\(ModelTarget.modelExtensions.sorted().joined(separator: ", ")))")
            }
            let process = Process()
            process.executableURL = tool
            process.arguments = model.emitArguments(directory: target.directoryURL, extra: extra)
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw PluginFailure("bitbake-model emit-swift failed for target '\(target.name)' (exit \(process.terminationStatus))")
            }
        }
    }

    static let usage = "bake --target NAME [--target NAME ...] [--encoding auto|words|base64]"

    /// Every file under `directory`, which SwiftPM's source list leaves out when excluded.
    static func files(under directory: URL) throws -> [URL] {
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else {
            throw PluginFailure("cannot list \(directory.path)")
        }
        return enumerator.compactMap { $0 as? URL }
    }
}
