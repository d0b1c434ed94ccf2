package captcha

import "context"

// NewContext returns a copy of ctx carrying the verification claims, for
// ResultFromContext: Require stores them so, and so does a host (or the
// root tollgate package) that runs Check itself.
func NewContext(ctx context.Context, c TokenClaims) context.Context {
	return context.WithValue(ctx, resultKey{}, c)
}
