package behavior

// DecodeSlow decodes without the fast path, so tests can compare the two.
func DecodeSlow(data []byte) (*Telemetry, error) { return Limits{}.decode(data, true) }

// Exported returns a copy of t without the memory DecodeTo keeps, so that
// tests can compare a DecodeTo result with Decode's.
func Exported(t *Telemetry) *Telemetry {
	if t == nil {
		return nil
	}
	c := *t
	c.fieldBuf, c.pool, c.ptrBuf = nil, nil, nil
	return &c
}

// MarshalV1 encodes t in wire version 1 (whose events the fast path
// parses), whatever MarshalJSON would choose.
func MarshalV1(t *Telemetry) []byte { return t.appendJSON(nil, false) }
