package captcha

import (
	"embed"
	"io/fs"
	"net/http"
	"strings"
)

//go:embed static/widget.js static/widget.css
var staticFiles embed.FS

// Static returns the widget's static files (widget.js, widget.css), as
// Handler serves them under {prefix}/static/.
func Static() fs.FS {
	sub, _ := fs.Sub(staticFiles, "static")
	return sub
}

// serveStatic serves the widget files with a short public cache lifetime:
// they hold no secret and change only with the library version.
func (s *Service) serveStatic(prefix string) http.Handler {
	files := http.FileServerFS(Static())
	return http.StripPrefix(prefix+"/static", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, ".js") && !strings.HasSuffix(r.URL.Path, ".css") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=300")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	}))
}
