package tollgate

import (
	"net/http"
	"strings"
	"time"

	"github.com/tollgate/tollgate/ratelimit"
)

// Request classes of the default limiter. Each has its own lane of seats;
// under load the limiter sheds classes in order of criticality.
const (
	// ClassLogin: a person signing in (Protect). Never shed.
	ClassLogin = "login"
	// ClassBackground: an automatic, deferrable login such as a session
	// renewal, marked by the header "X-Login-Kind: background". Shed first.
	ClassBackground = "login_background"
	// ClassChallenge: creating, refreshing and verifying challenges
	// (Handler). Shed only when the load is critical.
	ClassChallenge = "challenge"
	// ClassMedia: challenge images and audio (Handler). Shed only when the
	// load is critical.
	ClassMedia = "media"
)

// LoginKindHeader is the request header ClassifyLogin reads.
const LoginKindHeader = "X-Login-Kind"

// Default per-key limits.
var (
	// DefaultIPLimit bounds protected requests per client address: 30 a
	// minute with bursts of 10.
	DefaultIPLimit = ratelimit.Limit{Count: 30, Period: time.Minute, Burst: 10}
	// DefaultAccountLimit bounds protected requests per account: 10 every
	// 10 minutes with bursts of 5.
	DefaultAccountLimit = ratelimit.Limit{Count: 10, Period: 10 * time.Minute, Burst: 5}
	// DefaultChallengeLimit bounds new challenges per client address: 60 a
	// minute with bursts of 20.
	DefaultChallengeLimit = ratelimit.Limit{Count: 60, Period: time.Minute, Burst: 20}
)

// ClassifyLogin returns ClassBackground for a request with the header
// "X-Login-Kind: background" (any case) and ClassLogin otherwise. A client
// gains nothing by lying: background requests are only ever treated worse.
func ClassifyLogin(r *http.Request) string {
	if strings.EqualFold(strings.TrimSpace(r.Header.Get(LoginKindHeader)), "background") {
		return ClassBackground
	}
	return ClassLogin
}

// DefaultClasses returns the classes of the default limiter: ClassLogin
// (never shed, the largest share), ClassBackground (shed first),
// ClassChallenge and ClassMedia (important: shed only at the critical
// level).
func DefaultClasses() []ratelimit.Class {
	return []ratelimit.Class{
		{Name: ClassLogin, Criticality: ratelimit.NeverShed, Share: 4, Lendable: 0.5, Borrow: 0.5, QueueLen: 64, MaxWait: 2 * time.Second},
		{Name: ClassBackground, Criticality: ratelimit.Sheddable, Share: 1, Lendable: 0.5, QueueLen: 8, MaxWait: 500 * time.Millisecond},
		{Name: ClassChallenge, Criticality: ratelimit.Important, Share: 2, Lendable: 0.5, Borrow: 0.5, QueueLen: 32, MaxWait: time.Second},
		{Name: ClassMedia, Criticality: ratelimit.Important, Share: 3, Lendable: 0.5, Borrow: 0.5, QueueLen: 64, MaxWait: time.Second},
	}
}

// NewDefaultLimiter returns the limiter a Gate uses by default: the
// DefaultClasses over 64 seats, plus any options (for example
// ratelimit.WithTotal, or ratelimit.WithEventHook, which New replaces with
// its own for the limiter it builds). The caller closes it.
func NewDefaultLimiter(opts ...ratelimit.Option) (*ratelimit.Limiter, error) {
	all := append([]ratelimit.Option{ratelimit.WithClasses(DefaultClasses()...), ratelimit.WithTotal(64)}, opts...)
	return ratelimit.NewLimiter(all...)
}
