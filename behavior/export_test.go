package behavior

// DecodeSlow decodes without the fast path, so tests can compare the two.
func DecodeSlow(data []byte) (*Telemetry, error) { return Limits{}.decode(data, true) }
