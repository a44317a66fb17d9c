import ArgumentParser

/// Benchmarks for BitLab, run in release: `swift run -c release bitbench <suite>`.
///
/// Every figure is printed next to a baseline measured in the same run, because the machines we
/// run on are shared and noisy: ratios from one run hold up where absolute numbers drift.
@main
struct BitBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bitbench",
        abstract: "Measure BitLab's kernels against baselines run in the same process.",
        discussion: "Build in release: swift run -c release bitbench kernels",
        subcommands: [KernelsBenchmark.self, RuntimeBenchmark.self, DaemonBenchmark.self])
}
