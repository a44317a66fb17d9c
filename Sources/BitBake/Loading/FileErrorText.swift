import Foundation

/// Short, stable text for a file-system error: the POSIX reason (`No such file or directory`)
/// rather than Foundation's wrapped description, so messages read `model.bin: cannot read: No such
/// file or directory`.
public enum FileErrorText {
    /// The reason `error` (thrown by `Data(contentsOf:)`, `Data.write(to:)` or `FileManager`) gives.
    public static func describe(_ error: any Error) -> String {
        let nsError = error as NSError
        if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? any Error {
            let posix = underlying as NSError
            if posix.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(posix.code))) }
        }
        return nsError.localizedDescription
    }
}
