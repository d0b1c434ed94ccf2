package redisstore

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tollgate/tollgate/captcha"
)

// decodeChallenge builds the challenge id from the HGETALL field/value
// pairs of its hash. Data the store did not write yields ErrCorrupt.
func decodeChallenge(id string, fields []any) (*captcha.Challenge, error) {
	if len(fields)%2 != 0 {
		return nil, fmt.Errorf("%w: odd field list", ErrCorrupt)
	}
	c := &captcha.Challenge{ID: id}
	var cs, cn, es, en int64
	seen := 0
	for i := 0; i < len(fields); i += 2 {
		name, ok1 := fields[i].(string)
		val, ok2 := fields[i+1].(string)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("%w: non-string field", ErrCorrupt)
		}
		var err error
		switch name {
		case "k":
			c.Kind = captcha.Kind(val)
		case "l":
			c.Lang = val
		case "s":
			c.Screen = val
		case "r":
			c.Refreshes, err = atoi(val)
		case "a":
			c.Answers, err = splitDigests(val)
		case "d":
			c.Decoys, err = splitDigests(val)
		case "cs":
			cs, err = strconv.ParseInt(val, 10, 64)
		case "cn":
			cn, err = parseNanos(val)
		case "es":
			es, err = strconv.ParseInt(val, 10, 64)
			seen |= 1
		case "en":
			en, err = parseNanos(val)
			seen |= 2
		case "n":
			c.Attempts, err = atoi(val)
		case "m":
			c.MaxAttempts, err = atoi(val)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: field %q: %v", ErrCorrupt, name, err)
		}
	}
	if seen != 3 {
		return nil, fmt.Errorf("%w: no expiry", ErrCorrupt)
	}
	c.Created = time.Unix(cs, cn)
	c.Expires = time.Unix(es, en)
	return c, nil
}

func atoi(s string) (int, error) {
	n, err := strconv.ParseInt(s, 10, 32)
	return int(n), err
}

func parseNanos(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err == nil && (n < 0 || n >= int64(time.Second)) {
		err = fmt.Errorf("nanoseconds %d out of range", n)
	}
	return n, err
}

func splitDigests(s string) ([]captcha.Digest, error) {
	const size = len(captcha.Digest{})
	if len(s)%size != 0 {
		return nil, fmt.Errorf("digest list of %d bytes", len(s))
	}
	ds := make([]captcha.Digest, len(s)/size)
	for i := range ds {
		copy(ds[i][:], s[i*size:])
	}
	return ds, nil
}

// decodeAttempt reads the reply {status, match, left, kind, lang, screen}
// of the attempt script.
func decodeAttempt(reply []any) (captcha.AttemptResult, error) {
	if len(reply) != 6 {
		return captcha.AttemptResult{}, fmt.Errorf("%w: attempt reply of %d elements", ErrCorrupt, len(reply))
	}
	match, ok1 := reply[1].(int64)
	left, ok2 := reply[2].(int64)
	kind, ok3 := reply[3].(string)
	lang, ok4 := reply[4].(string)
	screen, ok5 := reply[5].(string)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || match < 0 || match > 2 || left < 0 {
		return captcha.AttemptResult{}, fmt.Errorf("%w: attempt reply %v", ErrCorrupt, reply)
	}
	return captcha.AttemptResult{
		Match: captcha.Match(match), AttemptsLeft: int(left),
		Kind: captcha.Kind(kind), Lang: lang, Screen: screen,
	}, nil
}

// decodeRefresh reads the reply {status, screen, refreshes} of the refresh
// script.
func decodeRefresh(reply []any) (string, int, error) {
	if len(reply) != 3 {
		return "", 0, fmt.Errorf("%w: refresh reply of %d elements", ErrCorrupt, len(reply))
	}
	screen, ok1 := reply[1].(string)
	refreshes, ok2 := reply[2].(int64)
	if !ok1 || !ok2 {
		return "", 0, fmt.Errorf("%w: refresh reply %v", ErrCorrupt, reply)
	}
	return screen, int(refreshes), nil
}

// encodeExpiry writes a token's expiry as the value of its key: Unix
// seconds, a dot and nine digits of nanoseconds ("1767225600.000000000"),
// exact for any time and readable in redis-cli.
func encodeExpiry(t time.Time) string {
	var buf [32]byte
	b := strconv.AppendInt(buf[:0], t.Unix(), 10)
	b = append(b, '.')
	ns := t.Nanosecond()
	for d := int(time.Second / 10); d > 0; d /= 10 {
		b = append(b, byte('0'+ns/d%10))
	}
	return string(b)
}

// decodeExpiry reads what encodeExpiry wrote. Any other value, also
// another spelling of the same time, yields ErrCorrupt.
func decodeExpiry(v string) (time.Time, error) {
	s, ns, _ := strings.Cut(v, ".")
	sec, err1 := strconv.ParseInt(s, 10, 64)
	nsec, err2 := parseNanos(ns)
	t := time.Unix(sec, nsec)
	if err1 != nil || err2 != nil || encodeExpiry(t) != v {
		return time.Time{}, fmt.Errorf("%w: token value %q", ErrCorrupt, v)
	}
	return t, nil
}
