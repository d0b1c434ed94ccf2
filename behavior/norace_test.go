//go:build !race

package behavior_test

const raceEnabled = false
