//go:build tollgate_testhook

package captcha

import "context"

// TestHookPuzzle renders a live challenge again, answers included, so that
// end-to-end tests can solve it. It exists only in builds with the
// tollgate_testhook build tag; never build a server for users with that tag.
func (s *Service) TestHookPuzzle(ctx context.Context, id string) (*Puzzle, error) {
	return s.puzzleFor(ctx, id)
}
