import Testing
import BitCore

@Suite struct BitQuantConfigTests {
    @Test func defaultsAreTheBitNetRecipe() {
        let config = BitQuantConfig()
        #expect(config.weightGranularity == .perTensor)
        #expect(config.activationDType == .int8)
        #expect(config.activationGranularity == .perToken)
        #expect(config.isIntegerOnly)
        #expect(config.description == "weights=per_tensor activations=int8/per_token")
    }

    @Test func parsesEverySnakeCaseName() throws {
        let config = try BitQuantConfig(
            weightGranularity: "per_channel", activationDType: "float32", activationGranularity: "per_tensor")
        #expect(config.weightGranularity == .perChannel)
        #expect(config.activationDType == .float32)
        #expect(config.activationGranularity == .perTensor)
        #expect(!config.isIntegerOnly)
        for granularity in BitQuantConfig.WeightGranularity.allCases {
            #expect(try BitQuantConfig.WeightGranularity(parsing: granularity.name) == granularity)
        }
        for dtype in BitQuantConfig.ActivationDType.allCases {
            #expect(try BitQuantConfig.ActivationDType(parsing: dtype.name) == dtype)
        }
    }

    @Test func perChannelActivationsMeanPerToken() throws {
        #expect(try BitQuantConfig.ActivationGranularity(parsing: "per_channel") == .perToken)
        #expect(try BitQuantConfig.ActivationGranularity(parsing: "per_token") == .perToken)
    }

    @Test func unknownValuesNameTheFieldAndTheValue() {
        #expect(throws: BitQuantConfigError.unknownValue(
            field: "weight granularity", value: "per_row", expected: "per_tensor or per_channel")
        ) {
            try BitQuantConfig.WeightGranularity(parsing: "per_row")
        }
        do {
            _ = try BitQuantConfig(
                weightGranularity: "per_tensor", activationDType: "int4", activationGranularity: "per_token")
            Issue.record("int4 was accepted")
        } catch {
            #expect(error.description == "unknown activation dtype 'int4' (expected float32 or int8)")
        }
        #expect(throws: BitQuantConfigError.self) {
            try BitQuantConfig.ActivationGranularity(parsing: "PER_TOKEN")
        }
    }

    @Test func packingNames() throws {
        #expect(try TernaryPacking(parsing: "t3") == .t3)
        #expect(try TernaryPacking(parsing: "I2") == .i2)
        #expect(throws: BitQuantConfigError.self) { try TernaryPacking(parsing: "tq1_0") }
    }
}
