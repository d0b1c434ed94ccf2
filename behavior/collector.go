package behavior

import (
	"crypto/sha256"
	"crypto/sha512"
	_ "embed" // for the collector script
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
)

//go:embed collector.js
var collectorJS string

// CollectorSource returns the browser collector script (ES2017, no
// dependencies). It defines window.Tollgate.behavior.attach and attaches
// itself to every form with a data-tollgate attribute.
func CollectorSource() string { return collectorJS }

// CollectorIntegrity returns the Subresource Integrity value of the
// collector script ("sha384-..."), for <script integrity="...">.
func CollectorIntegrity() string {
	sum := sha512.Sum384([]byte(collectorJS))
	return "sha384-" + base64.StdEncoding.EncodeToString(sum[:])
}

// CollectorHandler returns an http.Handler that serves the collector script
// to GET and HEAD requests with Content-Type application/javascript, an
// ETag (answering a matching If-None-Match with 304), Cache-Control
// "public, max-age=86400" and X-Content-Type-Options nosniff; other methods
// get 405. Mount it wherever the page loads the script from, e.g.
//
//	mux.Handle("GET /tollgate/behavior.js", behavior.CollectorHandler())
//
// The handler is safe for concurrent use.
func CollectorHandler() http.Handler {
	sum := sha256.Sum256([]byte(collectorJS))
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "application/javascript; charset=utf-8")
		h.Set("Cache-Control", "public, max-age=86400")
		h.Set("ETag", etag)
		h.Set("X-Content-Type-Options", "nosniff")
		if etagMatch(r.Header.Get("If-None-Match"), etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Length", strconv.Itoa(len(collectorJS)))
		if r.Method == http.MethodHead {
			return
		}
		_, _ = w.Write([]byte(collectorJS))
	})
}

func etagMatch(header, etag string) bool {
	for part := range strings.SplitSeq(header, ",") {
		part = strings.TrimSpace(part)
		if part == "*" || strings.TrimPrefix(part, "W/") == etag {
			return true
		}
	}
	return false
}
