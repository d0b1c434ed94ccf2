// Package ocr runs installed OCR engines against image challenges, as an
// attacker would: to vet challenges before they are served and to audit how
// well the engines solve them.
//
// # Recognizers
//
// Tesseract, GOCR and Ocrad are adapted to captcha.Recognizer. Each adapter
// runs the engine's program through os/exec (no shell) with a timeout
// (WithTimeout), in a temporary directory it removes afterwards, and reports
// a missing program or language model as a *NotInstalledError that names
// the engine (it matches ErrNotInstalled). The Debian packages are
// tesseract-ocr, tesseract-ocr-eng, tesseract-ocr-kor, gocr and ocrad.
//
// Tesseract runs with the LSTM engine (--oem 1) and, where the traineddata
// holds its components, the legacy engine (--oem 0); Debian's eng and kor
// data are LSTM-only, so NewTesseract reports ErrUnsupported for Legacy
// there. Several page segmentation modes (--psm) can be tried in one
// recognizer; all preprocessing variants of an image go to one tesseract
// run per mode.
//
// # Preprocessing
//
// Attackers prepare images before OCR. A Variant is one such preparation:
// grayscale, thresholds (fixed and Otsu), 2–3× upscaling, colour separation
// that keeps dark label text and drops white or near-white watermark text
// (Dark3, DropLight), closing the gaps that watermark strokes cut through
// letters (DarkClose3), opening away thin strokes drawn across them
// (DarkOpen3), straightening wavy baselines (DarkDewarp3), and quarter
// turns for vertical labels. Glyphs goes further on a single label: it cuts
// the label into letters (Segment) and reads each on its own, turned to the
// angle Tesseract is most confident of. Every
// recognizer tries each of its variants and returns one captcha.Candidate
// per engine setting and variant, named in Candidate.Config
// ("psm11 dark×3").
//
// # Vetting
//
// Vetter implements captcha.Vetter: used with captcha.WithPool and
// captcha.WithVetter it discards every rendered challenge that any
// recognizer reads — several engines judge it; if one reads it, it is not
// used. A recognizer "reads" an answer when the answer, normalised as
// verification normalises it (captcha.Normalize), occurs in the normalised
// output (Reads). Vetting costs about a second of CPU per challenge with the
// Quick engine set; the pool reports its discards and vetting time
// (captcha.Service.PoolStats and "pool.discarded" events), and the Vetter
// its own decisions through WithEventHook.
//
// # Audits
//
// Auditor runs N challenges through all recognizers and reports, per engine
// and configuration, the exact-solve rate and the share of characters
// recovered (Recovered), the best-of-all solve rate, the targeted attack (a
// crop of the marked label, turned upright, read on its own) and the time
// per challenge, as a text table (Report.WriteTable) or JSON. Installed
// returns the engine set of a profile: Quick for CI and vetting, Full for
// the recorded audit ("tollgate audit image").
package ocr
