package captcha

// IssuedJSON returns the JSON that the create API answers for iss (with
// its media URLs), for hosts and the root package that hand a challenge to
// the widget in an answer of their own.
func (s *Service) IssuedJSON(iss *Issued) ChallengeJSON { return s.challengeJSON(iss) }
