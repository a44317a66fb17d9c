import ArgumentParser
import Foundation

/// Runs a command body and turns any error about the user's input into a message on stderr and
/// exit status 2; usage errors keep swift-argument-parser's own status.
func reportingInputErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        throw ExitCode(2)
    }
}
