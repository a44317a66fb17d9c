import Testing

/// The footprint tests, one at a time: malloc-interposer's switch and counters are process-wide.
/// Each suite is nested in this one and inherits `.serialized`.
@Suite(.serialized) struct FootprintTests {}
