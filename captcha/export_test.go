package captcha

import "context"

// DebugPuzzle exposes puzzleFor to this package's tests.
func DebugPuzzle(ctx context.Context, s *Service, id string) (*Puzzle, error) {
	return s.puzzleFor(ctx, id)
}
