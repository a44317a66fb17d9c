import BitCore
import CBitSystem

/// bitlab-selftest: checks every kernel this CPU runs (every packing, odd shapes, extreme values,
/// the thread pool) and the integer runtime against the golden outputs the host produced.
///
/// Standard output is the golden file's text: `bitlab-selftest | diff Targets/selftest/golden.txt -`
/// on the board checks everything, and on the host, where the reference kernel runs the same code,
/// `bitlab-selftest > Targets/selftest/golden.txt` writes it (Targets/boards/build.sh builds it).
/// Inside one run every kernel must equal the reference kernel; the exit status is 1 when one does
/// not.
@main
enum SelfTest {
    static func main() {
        let kernels = TernaryKernel.supported
        var names = ""
        for kernel in kernels { names += (names.isEmpty ? "" : ", ") + kernel.name }
        Report.note("kernels on this CPU: \(names)")
        var report = Report()
        report.line("# bitlab-selftest: reference-kernel digests of every case; regenerate on the host with")
        report.line("# Targets/boards/build.sh --arch x86_64 && .build-boards/x86_64/bitlab-selftest > Targets/selftest/golden.txt")
        guard let threads = KernelThreadPool(threads: 2, minimumParallelMACs: 1 << 20) else {
            report.fail("thread pool", "2 threads could not start")
            bitsys_exit(1)
            return
        }
        let kernelCheck = KernelCheck(kernels: kernels, threads: threads)
        let kernelCases = KernelCase.all
        for (index, test) in kernelCases.enumerated() {
            kernelCheck.run(test, seed: UInt64(index + 1), report: &report)
        }
        let runtimeCheck = RuntimeCheck(kernels: kernels)
        let runtimeCases = RuntimeCase.all
        for (index, test) in runtimeCases.enumerated() {
            runtimeCheck.run(test, seed: UInt64(index + 1) << 32, report: &report)
        }
        Report.note(
            "\(kernelCases.count) kernel cases and \(runtimeCases.count) runtime models on \(kernels.count) kernels: "
                + (report.failures == 0 ? "all equal to the reference" : "\(report.failures) failures"))
        bitsys_exit(report.failures == 0 ? 0 : 1)
    }
}
