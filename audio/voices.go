package audio

import (
	"embed"
	"io/fs"
	"sync"
)

//go:embed voices
var builtinFiles embed.FS

// BuiltinVoices returns the embedded voice pack (languages "en" and "ko") in
// the layout described in the package documentation, for hosts that want to
// inspect it or build a pack on top of it. The returned file system is
// read-only and safe for concurrent use.
func BuiltinVoices() fs.FS {
	sub, err := fs.Sub(builtinFiles, "voices")
	if err != nil { // cannot happen: "voices" is a valid embedded directory
		panic(err)
	}
	return sub
}

// builtinPacks decodes the embedded pack once; the result is immutable and
// shared by every Synth.
var builtinPacks = sync.OnceValues(func() (map[string]*langPack, error) {
	return loadPacks(BuiltinVoices())
})
