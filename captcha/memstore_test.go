package captcha_test

import (
	"testing"

	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/captcha/storetest"
)

func TestMemoryStoreSuite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) captcha.Store { return captcha.NewMemoryStore(captcha.WithMaxTokens(64)) },
		storetest.Options{MaxTokens: 64})
}
